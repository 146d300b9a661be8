/**
 * A seeded subset of one or more manifests, optionally only some corpus categories: the mixes of a
 * short second training stage (scripts/train-base5.sh), where a slice of the first stage's data
 * keeps the model from forgetting it.
 *
 *   node --import tsx scripts/sample-manifest.ts --manifest M [--manifest M2 ...] --out FILE
 *        [--fraction 0.2] [--seed 1] [--category digits,numbers]
 *
 * --category keeps rows whose `category` field (written by `cellscribe corpus`) is listed; rows
 * of other manifests have none and are dropped by it. The subset depends only on the seed and the
 * rows' order. Rows are copied as they are (all their fields); the file is written atomically.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../model/io/atomic.ts';
import { createRandom } from '../model/train/random.ts';

const { values } = parseArgs({
  options: {
    manifest: { type: 'string', multiple: true },
    out: { type: 'string' },
    fraction: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    category: { type: 'string' },
  },
});
if (!values.manifest?.length || !values.out) {
  console.error('usage: sample-manifest.ts --manifest M [--manifest M2 ...] --out FILE [--fraction F] [--seed N] [--category a,b]');
  process.exit(2);
}
const fraction = Number(values.fraction);
if (!(fraction > 0 && fraction <= 1)) throw new Error(`--fraction must be in (0, 1], got ${values.fraction}`);
const categories = values.category ? new Set(values.category.split(',')) : null;
const random = createRandom(Number(values.seed));

const kept: string[] = [];
for (const manifest of values.manifest) {
  readFileSync(manifest, 'utf8').split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let row: { audio_filepath?: unknown; category?: unknown };
    try {
      row = JSON.parse(line);
    } catch {
      throw new Error(`${manifest}:${i + 1}: not a JSON object`);
    }
    if (typeof row.audio_filepath !== 'string') throw new Error(`${manifest}:${i + 1}: no audio_filepath`);
    // One draw per row whatever the category, so --category does not change which rows a fraction keeps.
    const draw = random();
    if (categories && !categories.has(String(row.category))) return;
    if (draw >= fraction) return;
    // Relative audio paths are relative to their manifest; the output may live elsewhere.
    const path = isAbsolute(row.audio_filepath) ? row.audio_filepath : resolve(dirname(manifest), row.audio_filepath);
    kept.push(JSON.stringify({ ...row, audio_filepath: path }));
  });
}
writeFileAtomic(values.out, kept.join('\n') + '\n');
console.log(`${kept.length} rows written to ${values.out}`);
