/**
 * Writes NeMo-style manifests for the Free Spoken Digit Dataset: takes 5–49 for training and
 * takes 0–4 for development (the dataset's own conventional split), for the chosen speakers.
 *
 *   node --import tsx scripts/make-fsdd-manifests.ts [--data ../shared/data/fsdd] [--out runs/manifests] [--speakers a,b]
 *                                                   [--padded DIR]
 *
 * FSDD clips are trimmed to the word, so a model trained on them alone has never heard the
 * pauses around speech that a microphone or a padded file gives, and misreads them. With
 * --padded DIR, every training clip also gets one copy with 0.2–1.2 s of room noise before and
 * 0.2–1.0 s after it (white noise at −80 to −50 dBFS over the whole copy; seeded, so the copies
 * are the same on every run), listed in fsdd-train-padded.json with the originals.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../model/io/atomic.ts';
import { loadAudioFile, writeWav } from '../model/audio/load-audio.ts';
import { createRandom } from '../model/train/random.ts';

const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const { values } = parseArgs({
  options: { data: { type: 'string' }, out: { type: 'string' }, speakers: { type: 'string' }, padded: { type: 'string' } },
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

if (values.padded) {
  const paddedDir = resolve(values.padded);
  mkdirSync(paddedDir, { recursive: true });
  const lines: string[] = [];
  for (const line of train) {
    const { audio_filepath: path, text } = JSON.parse(line) as { audio_filepath: string; text: string };
    const name = path.split('/').pop()!;
    // One generator per clip, seeded by its name: a rerun makes the same copy of every clip.
    let seed = 2166136261;
    for (const ch of name) seed = Math.imul(seed ^ ch.charCodeAt(0), 16777619) >>> 0;
    const random = createRandom(seed);
    const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const lead = Math.round(16000 * (0.2 + random()));
    const trail = Math.round(16000 * (0.2 + 0.8 * random()));
    const noise = Math.pow(10, (-80 + 30 * random()) / 20); // RMS of the room noise
    const target = join(paddedDir, name.replace('.wav', '-padded.wav'));
    if (!existsSync(target)) {
      const audio = await loadAudioFile(path);
      const samples = new Float32Array(lead + audio.samples.length + trail);
      samples.set(audio.samples, lead);
      for (let i = 0; i < samples.length; i++) samples[i] += noise * gaussian();
      writeWav(target, samples, 16000);
    }
    lines.push(line, JSON.stringify({ audio_filepath: target, duration: 0, text }));
  }
  writeFileAtomic(join(out, 'fsdd-train-padded.json'), lines.join('\n') + '\n');
  console.log(`wrote ${lines.length} training utterances (originals + padded copies in ${paddedDir}) to ${out}/fsdd-train-padded.json`);
}
