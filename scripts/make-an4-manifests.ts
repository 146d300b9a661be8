/**
 * Splits CMU AN4 (../shared/data/an4) by speaker: whole speakers are held out for development,
 * so dev results say how the model does on voices it never heard. The held-out speakers are every
 * 7th in sorted order starting at the 4th (11 of 74), fixed so that results stay comparable.
 *
 *   node --import tsx scripts/make-an4-manifests.ts [--data ../shared/data/an4] [--out runs/manifests]
 * Writes an4-train.json, an4-dev.json (absolute paths) and an4-train.txt (the training
 * transcripts, one a line: the text the word LM is built from). The dev speakers are also split
 * in two: an4-dev-tune.json (the first 5, for choosing decoding weights) and
 * an4-dev-report.json (the other 6, never used to choose anything).
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readManifest } from '../model/train/manifest.ts';
import { writeFileAtomic } from '../model/io/atomic.ts';

const { values } = parseArgs({ options: { data: { type: 'string' }, out: { type: 'string' } } });
const data = resolve(values.data ?? '../shared/data/an4');
const out = resolve(values.out ?? 'runs/manifests');
const entries = readManifest(join(data, 'train_manifest.json'));
const speakerOf = (path: string) => path.split('/').slice(-2, -1)[0];
const speakers = [...new Set(entries.map((e) => speakerOf(e.audioPath)))].sort();
export const DEV_SPEAKERS = speakers.filter((_, i) => i % 7 === 3);
const line = (e: (typeof entries)[number]) => JSON.stringify({ audio_filepath: e.audioPath, duration: e.durationSeconds, text: e.text });
const train = entries.filter((e) => !DEV_SPEAKERS.includes(speakerOf(e.audioPath)));
const dev = entries.filter((e) => DEV_SPEAKERS.includes(speakerOf(e.audioPath)));
writeFileAtomic(join(out, 'an4-train.json'), train.map(line).join('\n') + '\n');
writeFileAtomic(join(out, 'an4-dev.json'), dev.map(line).join('\n') + '\n');
const tuneSpeakers = DEV_SPEAKERS.slice(0, 5);
writeFileAtomic(join(out, 'an4-dev-tune.json'), dev.filter((e) => tuneSpeakers.includes(speakerOf(e.audioPath))).map(line).join('\n') + '\n');
writeFileAtomic(join(out, 'an4-dev-report.json'), dev.filter((e) => !tuneSpeakers.includes(speakerOf(e.audioPath))).map(line).join('\n') + '\n');
writeFileAtomic(join(out, 'an4-train.txt'), train.map((e) => e.text).join('\n') + '\n');
const words = [...new Set(train.flatMap((e) => e.text.split(' ')))].sort();
writeFileAtomic(join(out, 'an4-vocabulary.txt'), words.join('\n') + '\n');
console.log(`AN4: ${train.length} training utterances (${speakers.length - DEV_SPEAKERS.length} speakers), ${dev.length} dev (${DEV_SPEAKERS.join(', ')}); ${words.length} words in the training vocabulary`);
