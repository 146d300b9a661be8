/**
 * Writes the average of several checkpoints of one training run as a model folder (see
 * model/train/checkpoint-average.ts for why). The output folder is written atomically and never
 * one of the inputs.
 *
 *   node --import tsx scripts/average-checkpoints.ts --out runs/base5c-avg runs/base5c-ckpts/ckpt-0000018*
 */
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeModelFolder } from '../model/io/model-store.ts';
import { averageModelFolders } from '../model/train/checkpoint-average.ts';
import { selectBackend } from '../model/engine/backend.ts';

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
if (outAt < 0 || !args[outAt + 1]) {
  console.error('usage: average-checkpoints.ts --out DIR CHECKPOINT CHECKPOINT [...]');
  process.exit(2);
}
const out = resolve(args[outAt + 1]);
const inputs = args.filter((_, i) => i !== outAt && i !== outAt + 1);
if (inputs.some((dir) => resolve(dir) === out)) {
  console.error(`--out ${out} is one of the checkpoints; choose another folder`);
  process.exit(2);
}
await selectBackend('cpu');
const { meta, weights } = await averageModelFolders(inputs);
await writeModelFolder(out, meta, weights);
tf.dispose(Object.values(weights));
console.log(`averaged ${inputs.length} checkpoints into ${out}`);
