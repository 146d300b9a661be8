/**
 * Training-step benchmark of the recurrent layers on the wasm backend, the shapes of
 * ../shared/docs/lstm-bench.md: MFCC batch [32, 100, 39] → 1 or 2 LSTM layers of 256 units →
 * dense to 29 classes → per-frame softmax cross-entropy → Adam. Compare with
 * scripts/bench/torch_lstm_step.py (same shapes, torch.nn.LSTM).
 *
 *   node --import tsx model/bench/recurrent-bench.ts [steps] [--profile] [--kind lstm|peephole|gru]
 *
 * prints one JSON line per configuration. --profile adds where the time of one step goes.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { RecurrentKind } from '../config.ts';
import { createRecurrentParams, denseOverTime, recurrentParamList, runRecurrent, type RecurrentParams } from '../nn/recurrent.ts';

export interface TrainStepOptions {
  layers: 1 | 2;
  units: 256;
  batch: 32;
  time: 100;
  features: 39;
  /** Timed steps (after 2 warm-up steps); the median is reported. */
  steps: number;
  /** Recurrent cell; LSTM unless given. */
  kind?: RecurrentKind;
  /**
   * Dense head: 'custom' = denseOverTime from nn/recurrent.ts (plain matMuls in its gradient) or
   * 'autograd' = tf.matMul + tf.add (tf's matMul gradient uses the slow transposed-matMul kernels on wasm).
   */
  head?: 'custom' | 'autograd';
}

const CLASSES = 29;
let benchCounter = 0;

interface Model {
  layers: RecurrentParams[];
  kernel: tf.Variable; // [units, classes]
  bias: tf.Variable; // [classes]
  variables: tf.Variable[];
}

function buildModel(opts: TrainStepOptions): Model {
  const prefix = `bench${++benchCounter}`;
  const layers: RecurrentParams[] = [];
  for (let i = 0; i < opts.layers; i++) {
    layers.push(createRecurrentParams(opts.kind ?? 'lstm', i === 0 ? opts.features : opts.units, opts.units, 100 + i, `${prefix}/layer${i}`));
  }
  const kernel = tf.variable(tf.randomUniform([opts.units, CLASSES], -0.1, 0.1, 'float32', 7), true, `${prefix}/head/kernel`); // [units, classes]
  const bias = tf.variable(tf.zeros([CLASSES]), true, `${prefix}/head/bias`); // [classes]
  return { layers, kernel, bias, variables: [...layers.flatMap(recurrentParamList), kernel, bias] };
}

/** Mean per-frame softmax cross-entropy of the model on x [batch, time, features]. */
function loss(model: Model, x: tf.Tensor3D, labels: tf.Tensor2D, head: 'custom' | 'autograd'): tf.Scalar {
  let h = x;
  for (const layer of model.layers) h = runRecurrent(layer, h).output; // [batch, time, units]
  const logits = head === 'custom'
    ? denseOverTime(h, model.kernel, model.bias) // [batch, time, classes]
    : tf.add(tf.matMul(tf.reshape(h, [-1, h.shape[2]]), model.kernel), model.bias); // [batch*time, classes]
  const flat = tf.reshape(logits, [-1, CLASSES]); // [batch*time, classes]
  const logProbs = tf.logSoftmax(flat); // [batch*time, classes]
  const picked = tf.sum(tf.mul(logProbs, tf.oneHot(tf.reshape(labels, [-1]), CLASSES)), 1); // [batch*time]
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}

async function useWasm(): Promise<void> {
  if (tf.getBackend() !== 'wasm') {
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('recurrent-bench: expected the wasm backend to initialise, it did not');
  }
  await tf.ready();
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Milliseconds per training step (forward + BPTT + Adam update), median of opts.steps timed
 * steps on wasm; cpuMsPerStep is the process CPU time per step (median), steadier than wall
 * time when other jobs share the cores.
 */
export async function benchTrainStep(opts: TrainStepOptions): Promise<{ msPerStep: number; cpuMsPerStep: number }> {
  await useWasm();
  const model = buildModel(opts);
  const x = tf.randomNormal([opts.batch, opts.time, opts.features], 0, 1, 'float32', 1) as tf.Tensor3D; // [batch, time, features]
  const labels = tf.randomUniform([opts.batch, opts.time], 0, CLASSES, 'int32', 2) as tf.Tensor2D; // [batch, time]
  const optimizer = tf.train.adam(1e-3);
  const head = opts.head ?? 'custom';
  const step = () => {
    const value = optimizer.minimize(() => loss(model, x, labels, head), true, model.variables);
    value?.dataSync(); // wait for the step, and read the loss like a trainer would
    value?.dispose();
  };
  for (let i = 0; i < 2; i++) step();
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < opts.steps; i++) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    step();
    const cpu = process.cpuUsage(cpu0);
    times.push(performance.now() - t0);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
  }
  optimizer.dispose();
  tf.dispose([x, labels, ...model.variables]);
  return { msPerStep: median(times), cpuMsPerStep: median(cpuTimes) };
}

/** Kernel time of one training step by kernel name, plus the host remainder (loops, copies, engine). */
async function profileStep(opts: TrainStepOptions): Promise<Record<string, number>> {
  await useWasm();
  const model = buildModel(opts);
  const x = tf.randomNormal([opts.batch, opts.time, opts.features], 0, 1, 'float32', 1) as tf.Tensor3D;
  const labels = tf.randomUniform([opts.batch, opts.time], 0, CLASSES, 'int32', 2) as tf.Tensor2D;
  const optimizer = tf.train.adam(1e-3);
  const step = () => { const v = optimizer.minimize(() => loss(model, x, labels, opts.head ?? 'custom'), true, model.variables); v?.dataSync(); v?.dispose(); };
  step();
  const t0 = performance.now();
  const info = await tf.profile(step);
  const wall = performance.now() - t0;
  const byKernel: Record<string, number> = {};
  let kernelTotal = 0;
  for (const k of info.kernels) {
    // Only real kernels: customGrad wrappers and op scopes (fusedMatMul__op, …) contain their inner kernels' time.
    if (!k.name || tf.getKernel(k.name, 'wasm') == null) continue;
    const ms = Number(k.kernelTimeMs) || 0;
    byKernel[k.name] = (byKernel[k.name] ?? 0) + ms;
    kernelTotal += ms;
  }
  const rounded: Record<string, number> = {};
  for (const [name, ms] of Object.entries(byKernel).sort((a, b) => b[1] - a[1])) if (ms >= 0.5) rounded[name] = Math.round(ms * 10) / 10;
  rounded['(host: JS loops, copies, engine; wall − kernels)'] = Math.round((wall - kernelTotal) * 10) / 10;
  rounded['(wall, profiled)'] = Math.round(wall * 10) / 10;
  optimizer.dispose();
  tf.dispose([x, labels, ...model.variables]);
  return rounded;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const steps = Number(args.find((a) => /^\d+$/.test(a)) ?? 5);
  const kindAt = args.indexOf('--kind');
  const kind = (kindAt >= 0 ? args[kindAt + 1] : 'lstm') as RecurrentKind;
  const head = args.includes('--autograd-head') ? 'autograd' : 'custom';
  for (const layers of [1, 2] as const) {
    const opts: TrainStepOptions = { layers, units: 256, batch: 32, time: 100, features: 39, steps, kind, head };
    const { msPerStep, cpuMsPerStep } = await benchTrainStep(opts);
    console.log(JSON.stringify({ impl: `tfjs-wasm ${kind} (model/nn/recurrent.ts)`, head, layers, units: 256, batch: 32, time: 100, features: 39, steps,
      ms_per_step: Math.round(msPerStep * 10) / 10, cpu_ms_per_step: Math.round(cpuMsPerStep * 10) / 10 }));
    if (args.includes('--profile')) console.log(JSON.stringify({ layers, profile_ms: await profileStep(opts) }));
  }
}
