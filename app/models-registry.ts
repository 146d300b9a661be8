/**
 * The models the user can pick: the bundled base model (when shipped) and every model folder in
 * userData/models. Reads only meta.json (no tfjs here: this runs in the main process).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelInfo } from '../contract/contract.ts';

export const BUNDLED_MODEL_ID = 'bundled:base';

export interface RegisteredModel {
  info: ModelInfo;
  dir: string;
}

/** Reads a model folder's meta.json into a ModelInfo; throws a message naming what is wrong. */
export function readModelInfo(dir: string, id: string, kind: ModelInfo['kind']): ModelInfo {
  const metaFile = join(dir, 'meta.json');
  if (!existsSync(metaFile)) throw new Error(`${dir}: no meta.json (not a model folder)`);
  let meta: Record<string, any>;
  try {
    meta = JSON.parse(readFileSync(metaFile, 'utf8'));
  } catch (error) {
    throw new Error(`${metaFile}: not valid JSON (${(error as Error).message})`);
  }
  const a = meta?.architecture;
  if (meta?.format !== 'cellscribe-model' || !a || !['lstm', 'peephole', 'gru'].includes(a.arch)) {
    throw new Error(`${metaFile}: not a CellScribe model (format ${JSON.stringify(meta?.format)})`);
  }
  const provenance = (meta.provenance ?? {}) as Record<string, unknown>;
  return {
    id,
    name: typeof meta.name === 'string' ? meta.name : id,
    kind,
    architecture: { arch: a.arch, layers: Number(a.layers), units: Number(a.units), stack: Number(a.stack) },
    createdAt: typeof provenance.createdAt === 'string' ? provenance.createdAt : null,
    // Fine-tuned versions name their parent by model id; older folders may carry a plain string.
    parentId: typeof provenance.parentId === 'string' ? provenance.parentId : typeof provenance.parent === 'string' ? provenance.parent : null,
    metrics: (meta.metrics ?? {}) as Record<string, unknown>,
  };
}

/** Every usable model; broken folders are reported in `problems` instead of failing the list. */
export function scanModels(bundledModelDir: string, modelsDir: string): { models: RegisteredModel[]; problems: string[] } {
  const models: RegisteredModel[] = [];
  const problems: string[] = [];
  if (existsSync(join(bundledModelDir, 'meta.json'))) {
    try {
      models.push({ info: readModelInfo(bundledModelDir, BUNDLED_MODEL_ID, 'bundled'), dir: bundledModelDir });
    } catch (error) {
      problems.push((error as Error).message);
    }
  } else {
    problems.push(`no bundled base model at ${bundledModelDir}`);
  }
  if (existsSync(modelsDir)) {
    for (const name of readdirSync(modelsDir).sort()) {
      const dir = join(modelsDir, name);
      if (name.startsWith('.') || name.includes('.old-') || !statSync(dir).isDirectory()) continue;
      try {
        models.push({ info: readModelInfo(dir, `user:${name}`, 'user'), dir });
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
  }
  return { models, problems };
}
