/**
 * Training throughput of the real training loop (train/train-loop.ts) on the base model's recipe
 * (2 × 256 LSTM, stack 3, batch 32, SpecAugment masks) over real speech: the first 96 utterances
 * of CMU AN4's training manifest (../shared/data/an4), one epoch of 3 steps. The first step
 * (start-up, JIT) is left out: utterances per second over steps 2–3, timed between step events.
 *
 *   node --import tsx model/bench/throughput-bench.ts [--workers N]
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_FEATURES, DEFAULT_MODEL } from '../config.ts';
import { selectBackend } from '../engine/backend.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { DEFAULT_SPEC_AUGMENT } from '../train/spec-augment.ts';
import { train } from '../train/train-loop.ts';

const AN4_MANIFEST = resolve(fileURLToPath(new URL('../../../shared/data/an4/train_manifest.json', import.meta.url)));

export function an4Available(): boolean {
  return existsSync(AN4_MANIFEST);
}

/** The first `count` AN4 training utterances (after `skip`) as a manifest with absolute paths. */
function an4Manifest(dir: string, name: string, skip: number, count: number): string {
  const base = dirname(AN4_MANIFEST);
  const lines = readFileSync(AN4_MANIFEST, 'utf8').split('\n').filter((l) => l.trim()).slice(skip, skip + count).map((line) => {
    const entry = JSON.parse(line) as { audio_filepath: string; duration: number; text: string };
    return JSON.stringify({ ...entry, audio_filepath: join(base, entry.audio_filepath) });
  });
  const path = join(dir, name);
  writeFileAtomic(path, lines.join('\n') + '\n');
  return path;
}

export interface ThroughputResult {
  workers: number;
  utterancesPerSecond: number;
}

/** One short training run with `workers` threads; `cacheDir` lets runs share extracted features. */
export async function benchThroughput(workers: number, cacheDir: string): Promise<ThroughputResult> {
  const dir = mkdtempSync(join(tmpdir(), 'throughput-'));
  const trainManifest = an4Manifest(dir, 'train.json', 0, 96);
  const devManifest = an4Manifest(dir, 'dev.json', 96, 8);
  const stepTimes: number[] = [];
  await train({
    trainManifests: [trainManifest],
    devManifests: [devManifest],
    out: join(dir, 'run'),
    frozenLayers: 0,
    model: DEFAULT_MODEL,
    features: DEFAULT_FEATURES,
    epochs: 1,
    batchSize: 32,
    learningRate: 0.002,
    warmupSteps: 100,
    minLearningRateRatio: 0.05,
    clipNorm: 10,
    patience: 5,
    specAugment: DEFAULT_SPEC_AUGMENT,
    checkpointEvery: 1000,
    seed: 1,
    cacheDir,
    workers,
  }, {
    onEvent: (e) => e.type === 'step' && stepTimes.push(performance.now()),
  });
  if (stepTimes.length !== 3) throw new Error(`throughput bench: expected 3 steps, got ${stepTimes.length}`);
  const seconds = (stepTimes[2] - stepTimes[0]) / 1000; // steps 2 and 3
  return { workers, utterancesPerSecond: 64 / seconds };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { workers: { type: 'string' } } });
  await selectBackend('wasm');
  console.log(JSON.stringify(await benchThroughput(Number(values.workers ?? 2), mkdtempSync(join(tmpdir(), 'throughput-cache-')))));
}
