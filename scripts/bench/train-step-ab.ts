/**
 * A/B timing of the engine's CTC training step (workers-bench.ts's shapes: B=32, T=100, 39
 * features, 2 × 256 LSTM, Adam) between this tree's model/ and another copy of model/ (say, main's
 * before a change), in ONE process, alternating the two so that a busy machine (a training job
 * beside it) slows both alike. Per configuration it prints the median wall time per step and
 * the process CPU time per step (all threads: the work done, which load slows much less than
 * wall time), and the loss after the same steps, so that both trees are seen to compute the same.
 *
 *   mkdir -p .cache/base && git archive REV model | tar -x -C .cache/base   # model/ as of REV (.cache/ is git-ignored)
 *   node --import tsx scripts/bench/train-step-ab.ts --base .cache/base/model [--workers 1,2] [--rounds 4] [--steps 3]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';

const { values } = parseArgs({
  options: { base: { type: 'string' }, workers: { type: 'string' }, rounds: { type: 'string' }, steps: { type: 'string' }, layers: { type: 'string' } },
});
if (!values.base) throw new Error('--base DIR (a copy of model/ to compare with) is required');
const workerCounts = (values.workers ?? '1,2').split(',').map(Number);
const rounds = Number(values.rounds ?? 4);
const stepsPerRound = Number(values.steps ?? 3);
const layers = Number(values.layers ?? 2);

interface Tree {
  name: string;
  config: typeof import('../../model/config.ts');
  model: typeof import('../../model/nn/acoustic-model.ts');
  adam: typeof import('../../model/train/adam.ts');
  parallel: typeof import('../../model/train/data-parallel.ts');
  pool: typeof import('../../model/train/gradient-pool.ts');
  shards: typeof import('../../model/train/shard-gradients.ts');
}

async function load(name: string, dir: string): Promise<Tree> {
  const at = (path: string) => import(pathToFileURL(resolve(dir, path)).href);
  return {
    name,
    config: await at('config.ts'),
    model: await at('nn/acoustic-model.ts'),
    adam: await at('train/adam.ts'),
    parallel: await at('train/data-parallel.ts'),
    pool: await at('train/gradient-pool.ts'),
    shards: await at('train/shard-gradients.ts'),
  };
}

/** One configuration: a model, its optimizer and pool, and a step function. */
async function setUp(tree: Tree, workers: number) {
  const { DEFAULT_FEATURES, DEFAULT_MODEL, featureDim } = tree.config;
  const batch = 32;
  const time = 100;
  const dim = featureDim(DEFAULT_FEATURES);
  // Each tree numbers its models from 1 and tfjs variable names are process-wide: a name the
  // other tree took already fails, and the next try gets the next number.
  const create = () => tree.model.AcousticModel.create({ ...DEFAULT_MODEL, layers, units: 256, stack: 1 }, DEFAULT_FEATURES,
    { mean: new Array(dim).fill(0), std: new Array(dim).fill(1) }, 1);
  let model;
  for (let attempt = 0; !model; attempt++) {
    try {
      model = create();
    } catch (error) {
      if (attempt > 20 || !String(error).includes('already registered')) throw error;
    }
  }
  const variables = model.trainableVariables();
  const optimizer = new tree.adam.Adam(variables);
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const data = Float32Array.from({ length: batch * time * dim }, () => random() * 2 - 1); // [batch, time, dim]
  const labels = Array.from({ length: batch }, () => Array.from({ length: 15 }, () => 1 + Math.floor(random() * (model.classes - 1))));
  const shards = tree.shards.splitBatch(data, time, dim, new Array(batch).fill(time), labels, new Array(batch).fill(time), workers);
  const pool = workers > 1 ? await tree.pool.GradientPool.start(model, 0, workers - 1) : undefined;
  let loss = NaN;
  const step = async () => {
    const { value, gradients } = await tree.parallel.batchGradients(model, variables, shards, batch, false, pool);
    optimizer.apply(gradients, 1e-3);
    loss = value.dataSync()[0];
    tf.dispose([value, ...gradients]);
  };
  await step(); // warm-up
  const close = async () => { await pool?.close(); optimizer.dispose(); model.dispose(); };
  return { name: `${tree.name} ${workers}w`, step, close, lastLoss: () => loss, wall: [] as number[], cpu: [] as number[] };
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const here = await load('new', resolve(import.meta.dirname, '../../model'));
const base = await load('base', values.base);
// Both trees share one tfjs (node_modules resolves to one copy), so the backend is chosen once.
const { selectBackend } = await import('../../model/engine/backend.ts');
await selectBackend('wasm');

const configs = [];
for (const workers of workerCounts) for (const tree of [base, here]) configs.push(await setUp(tree, workers));
try {
  for (let r = 0; r < rounds; r++) {
    // Alternate the order each round so neither tree always runs right after the other.
    for (const c of r % 2 ? configs.slice().reverse() : configs) {
      for (let s = 0; s < stepsPerRound; s++) {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        await c.step();
        c.wall.push(performance.now() - t0);
        const cpu = process.cpuUsage(cpu0);
        c.cpu.push((cpu.user + cpu.system) / 1000);
      }
    }
  }
  for (const c of configs) {
    console.log(`${c.name.padEnd(9)} wall ${median(c.wall).toFixed(1)} ms/step (min ${Math.min(...c.wall).toFixed(1)}), ` +
      `cpu ${median(c.cpu).toFixed(1)} ms/step, loss after ${1 + rounds * stepsPerRound} steps ${c.lastLoss().toFixed(6)}`);
  }
} finally {
  for (const c of configs) await c.close();
}
