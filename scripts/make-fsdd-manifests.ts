/**
 * Writes NeMo-style manifests for the Free Spoken Digit Dataset: takes 5–49 for training and
 * takes 0–4 for development (the dataset's own conventional split), for the chosen speakers.
 *
 *   node --import tsx scripts/make-fsdd-manifests.ts [--data ../shared/data/fsdd] [--out runs/manifests] [--speakers a,b]
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../model/io/atomic.ts';

const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const { values } = parseArgs({
  options: { data: { type: 'string' }, out: { type: 'string' }, speakers: { type: 'string' } },
});
const data = resolve(values.data ?? '../shared/data/fsdd');
const out = resolve(values.out ?? 'runs/manifests');
const speakers = new Set((values.speakers ?? 'george,jackson,lucas,nicolas').split(','));

const train: string[] = [];
const dev: string[] = [];
for (const name of readdirSync(data).sort()) {
  const match = /^(\d)_([a-z]+)_(\d+)\.wav$/.exec(name);
  if (!match || !speakers.has(match[2])) continue;
  const take = Number(match[3]);
  const line = JSON.stringify({ audio_filepath: join(data, name), duration: 0, text: DIGIT_WORDS[Number(match[1])] });
  (take <= 4 ? dev : train).push(line);
}
writeFileAtomic(join(out, 'fsdd-train.json'), train.join('\n') + '\n');
writeFileAtomic(join(out, 'fsdd-dev.json'), dev.join('\n') + '\n');
console.log(`wrote ${train.length} training and ${dev.length} dev utterances to ${out}/fsdd-{train,dev}.json`);
