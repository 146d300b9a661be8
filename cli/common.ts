/** What every command shares: the bundled model's location, backend start-up, JSON output. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendInfo } from '../model/engine/backend.ts';
import { BUNDLED_GENERAL_LM, BUNDLED_MODEL_DIR } from '../model/io/bundled-model.ts';
import { UsageError } from './args.ts';

export { BUNDLED_MODEL_DIR };
export const BUNDLED_LM = BUNDLED_GENERAL_LM;

/** The bundled general LM, or undefined (with a note on stderr) when this install lacks it. */
export function bundledLm(quiet = false): string | undefined {
  if (existsSync(BUNDLED_LM)) return BUNDLED_LM;
  if (!quiet) process.stderr.write(`note: no bundled general LM at ${BUNDLED_LM}; decoding without a language model
`);
  return undefined;
}

/** --model DIR, or the bundled base model; a clear error when neither exists. */
export function modelDirFrom(flag: string | undefined): string {
  if (flag !== undefined) return flag;
  if (!existsSync(join(BUNDLED_MODEL_DIR, 'meta.json'))) {
    throw new UsageError(
      `no --model given and no bundled base model at ${BUNDLED_MODEL_DIR} (it has not been trained and shipped yet); ` +
        'train one with `cellscribe train` and pass --model DIR',
    );
  }
  return BUNDLED_MODEL_DIR;
}

export interface BackendReport {
  backend: string;
  backendDetail: string;
}

/** Starts the backend (--backend or automatic) and reports it on stderr. */
export async function startBackend(flag: string | undefined, quiet = false): Promise<BackendInfo & BackendReport> {
  // Loaded here rather than at the top so that --help and usage errors never start tfjs.
  await quietTfjs();
  const { describeBackend, selectBackend } = await import('../model/engine/backend.ts');
  const info = await selectBackend(flag);
  if (!quiet) process.stderr.write(`backend: ${describeBackend(info)}\n`);
  return { ...info, backend: info.name, backendDetail: describeBackend(info) };
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Silences TensorFlow.js's console warnings, among them the "install our node backend" banner
 * its CPU backend prints on first use: the CLI names the backend it uses itself (PROD only turns
 * off tfjs's own warnings and debug checks; the numbers are the same).
 */
export async function quietTfjs(): Promise<void> {
  const tf = await import('@tensorflow/tfjs');
  tf.env().set('PROD', true);
}
