/**
 * The engine's own training step (acoustic model → CTC → Adam, model/train's code path) on N
 * threads: shard 0 on this thread, the rest in gradient workers (train/gradient-pool.ts). Shapes
 * of the other training-step benches: batch [32, 100, 39] (stack 1, so 100 network steps), 1 or 2
 * LSTM layers of 256 units, 15 random labels per utterance. Compare with
 * `scripts/bench/torch_lstm_step.py --loss ctc --threads N`.
 *
 *   node --import tsx model/bench/workers-bench.ts [--workers N] [--steps N] [--layers 1|2]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_FEATURES, DEFAULT_MODEL, featureDim } from '../config.ts';
import { selectBackend } from '../engine/backend.ts';
import { AcousticModel } from '../nn/acoustic-model.ts';
import { Adam } from '../train/adam.ts';
import { batchGradients } from '../train/data-parallel.ts';
import { GradientPool } from '../train/gradient-pool.ts';
import { splitBatch } from '../train/shard-gradients.ts';

export interface WorkersStepResult {
  workers: number;
  msPerStep: number;
  /** Resident memory added per gradient worker (RSS after its steps minus before the pool, ÷ workers − 1); null for 1 worker. */
  rssPerWorkerMb: number | null;
  /** Resident memory of the whole process after the steps. */
  rssMb: number;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median wall time of `steps` training steps (after 2 warm-up steps) with `workers` threads. */
export async function benchWorkersStep(opts: { layers: number; workers: number; steps: number; batch?: number; time?: number; units?: number }): Promise<WorkersStepResult> {
  const batch = opts.batch ?? 32;
  const time = opts.time ?? 100;
  const dim = featureDim(DEFAULT_FEATURES);
  const config = { ...DEFAULT_MODEL, layers: opts.layers, units: opts.units ?? 256, stack: 1 };
  const normalisation = { mean: new Array(dim).fill(0), std: new Array(dim).fill(1) };
  const model = AcousticModel.create(config, DEFAULT_FEATURES, normalisation, 1);
  const variables = model.trainableVariables();
  const optimizer = new Adam(variables);
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const data = Float32Array.from({ length: batch * time * dim }, () => random() * 2 - 1); // [batch, time, dim]
  const labels = Array.from({ length: batch }, () => Array.from({ length: 15 }, () => 1 + Math.floor(random() * (model.classes - 1))));
  const shards = splitBatch(data, time, dim, new Array(batch).fill(time), labels, new Array(batch).fill(time), opts.workers);
  const rssBefore = process.memoryUsage().rss;
  const pool = opts.workers > 1 ? await GradientPool.start(model, 0, opts.workers - 1) : undefined;
  try {
    const step = async () => {
      const { value, gradients } = await batchGradients(model, variables, shards, batch, false, pool);
      optimizer.apply(gradients, 1e-3);
      value.dataSync(); // read the loss like the trainer does
      tf.dispose([value, ...gradients]);
    };
    for (let i = 0; i < 2; i++) await step();
    const times: number[] = [];
    for (let i = 0; i < opts.steps; i++) {
      const t0 = performance.now();
      await step();
      times.push(performance.now() - t0);
    }
    const rss = process.memoryUsage().rss;
    return {
      workers: opts.workers,
      msPerStep: median(times),
      rssPerWorkerMb: pool ? (rss - rssBefore) / (opts.workers - 1) / 2 ** 20 : null,
      rssMb: rss / 2 ** 20,
    };
  } finally {
    await pool?.close();
    optimizer.dispose();
    model.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { workers: { type: 'string' }, steps: { type: 'string' }, layers: { type: 'string' } } });
  await selectBackend('wasm');
  const result = await benchWorkersStep({ layers: Number(values.layers ?? 2), workers: Number(values.workers ?? 2), steps: Number(values.steps ?? 5) });
  console.log(JSON.stringify(result));
}
