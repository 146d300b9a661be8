/**
 * Summarises an architecture sweep (scripts/arch-sweep.sh) as a Markdown table for the model
 * card: best AN4 held-out CER/WER (greedy, open vocabulary), the epoch it came at, seconds per
 * epoch, weights, size on disk, and the streaming real-time factor on wasm (one core, 100 ms
 * chunks of real speech).
 *
 *   node --import tsx scripts/sweep-summary.ts [runs/sweep]
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend } from '../model/engine/backend.ts';
import { loadAudioFile } from '../model/audio/load-audio.ts';
import { Recognizer } from '../model/engine/recognizer.ts';
import { fsddPath } from '../model/testing/fsdd-fixture.ts';

const root = process.argv[2] ?? 'runs/sweep';
await selectBackend('wasm');
const clips = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => loadAudioFile(fsddPath(d, 'lucas', 0))));
const speech = new Float32Array(clips.reduce((n, c) => n + c.samples.length, 0));
clips.reduce((offset, c) => (speech.set(c.samples, offset), offset + c.samples.length), 0);

console.log('| config | weights | size | best AN4-dev CER | WER | at epoch | epochs run | s / epoch | stream RTF |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const name of readdirSync(root).sort()) {
  const dir = join(root, name);
  const log = join(dir, 'train-log.jsonl');
  if (!statSync(dir).isDirectory() || !existsSync(log)) continue;
  const epochs = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const best = epochs.reduce((a, b) => (b.devCer < a.devCer ? b : a));
  const seconds = epochs.map((e) => e.seconds).sort((a, b) => a - b)[Math.floor(epochs.length / 2)];
  const recognizer = await Recognizer.load(dir);
  const size = readdirSync(recognizer.dir).reduce((n, f) => n + statSync(join(recognizer.dir, f)).size, 0);
  const session = recognizer.startStream({});
  const started = performance.now();
  for (let i = 0; i < speech.length; i += 1600) session.push(speech.subarray(i, i + 1600));
  session.finish();
  const rtf = (performance.now() - started) / 1000 / (speech.length / 16000);
  console.log(
    `| ${name} | ${recognizer.model.parameterCount().toLocaleString('en')} | ${(size / 1e6).toFixed(1)} MB | ${(best.devCer * 100).toFixed(1)}% | ${(best.devWer * 100).toFixed(1)}% | ${best.epoch + 1} | ${epochs.length} | ${seconds.toFixed(0)} | ${rtf.toFixed(3)} |`,
  );
  recognizer.dispose();
}
