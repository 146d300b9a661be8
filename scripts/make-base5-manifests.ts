/**
 * Speaker-disjoint manifests for the base-5 recipe over all the real speech in ../shared/data.
 * Every dev and test set holds whole speakers the training set never has; "dev" sets choose
 * (epochs, decoding weights), "test" sets only report.
 *
 *   node --import tsx scripts/make-base5-manifests.ts [--data ../shared/data] [--out runs/manifests] [--wav DIR]
 *
 * --wav DIR: decode every Ogg Opus file once with ffmpeg into DIR (16 kHz 16-bit mono WAV, same
 * relative path) and list the WAVs instead. Why: training decodes each file to extract features,
 * and the pure-JS Opus decoder reads about 15x real time on one core here, ffmpeg about 100x; for
 * 12 h of audio that is the difference between hours and minutes. Existing WAVs are kept (resumable).
 *
 * - LibriSpeech-mini: speakers at sorted positions 3, 10 (dev) and 17, 24 (test) are held out.
 * - speechocean762: all of manifest_train for training; of manifest_test's 125 speakers (none in
 *   manifest_train) the sorted positions ≡ 0 mod 4 are dev, ≡ 2 mod 4 test, the rest go to
 *   training, so ~half of the official test speakers still teach the model.
 * - FSDD: jackson and lucas train; george is the dev speaker, nicolas the test speaker (all takes).
 * - Picovoice wake words: no speaker ids, so training only, capped at 150 clips per phrase so
 *   six phrases do not dominate the word statistics (docs: low-resource-asr.md, pitfalls).
 * - AN4: scripts/make-an4-manifests.ts (11 held-out speakers, tune/report halves) is reused.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../model/io/atomic.ts';

const { values } = parseArgs({ options: { data: { type: 'string' }, out: { type: 'string' }, wav: { type: 'string' } } });
const data = resolve(values.data ?? '../shared/data');
const out = resolve(values.out ?? 'runs/manifests');

interface Row { audio_filepath: string; duration: number; text: string; speaker?: string }

/** NeMo manifest lines with absolute audio paths. */
function readRows(manifest: string): Row[] {
  return readFileSync(manifest, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => {
    const row = JSON.parse(l) as Row;
    return { ...row, audio_filepath: resolve(dirname(manifest), row.audio_filepath) };
  });
}

const wavDir = values.wav ? resolve(values.wav) : null;
const conversions: { from: string; to: string }[] = [];

/** The path training reads: the WAV copy under --wav for compressed audio, else the file itself. */
function trainingPath(path: string): string {
  if (!wavDir || path.endsWith('.wav')) return path;
  const to = join(wavDir, relative(data, path)).replace(/\.[^./]+$/, '.wav');
  if (!existsSync(to)) conversions.push({ from: path, to });
  return to;
}

const pending: { name: string; rows: Row[] }[] = [];

/** Queues a manifest; all are written after the WAV conversion, so none lists a missing file. */
function write(name: string, rows: Row[]): void {
  pending.push({ name, rows: rows.map((r) => ({ ...r, audio_filepath: trainingPath(r.audio_filepath) })) });
}

function writeManifest({ name, rows }: { name: string; rows: Row[] }): void {
  const lines = rows.map((r) => JSON.stringify({ audio_filepath: r.audio_filepath, duration: r.duration, text: r.text }));
  writeFileAtomic(join(out, name), lines.join('\n') + '\n');
  const hours = rows.reduce((s, r) => s + r.duration, 0) / 3600;
  const speakers = new Set(rows.map((r) => r.speaker)).size;
  console.log(`${name}: ${rows.length} utterances, ${hours.toFixed(2)} h, ${speakers} speaker(s)`);
}

const sortedSpeakers = (rows: Row[]) => [...new Set(rows.map((r) => r.speaker ?? ''))].sort();

// LibriSpeech-mini.
const libri = readRows(join(data, 'librispeech-mini/manifest.json'));
const libriSpeakers = sortedSpeakers(libri);
const libriDev = [libriSpeakers[3], libriSpeakers[10]];
const libriTest = [libriSpeakers[17], libriSpeakers[24]];
write('libri-train.json', libri.filter((r) => !libriDev.includes(r.speaker!) && !libriTest.includes(r.speaker!)));
write('libri-dev.json', libri.filter((r) => libriDev.includes(r.speaker!)));
write('libri-test.json', libri.filter((r) => libriTest.includes(r.speaker!)));

// speechocean762.
const soTrain = readRows(join(data, 'speechocean762/manifest_train.json'));
const soHeld = readRows(join(data, 'speechocean762/manifest_test.json'));
const soSpeakers = sortedSpeakers(soHeld);
const soDev = new Set(soSpeakers.filter((_, i) => i % 4 === 0));
const soTest = new Set(soSpeakers.filter((_, i) => i % 4 === 2));
write('so762-train.json', [...soTrain, ...soHeld.filter((r) => !soDev.has(r.speaker!) && !soTest.has(r.speaker!))]);
write('so762-dev.json', soHeld.filter((r) => soDev.has(r.speaker!)));
write('so762-test.json', soHeld.filter((r) => soTest.has(r.speaker!)));

// FSDD (file names DIGIT_SPEAKER_TAKE.wav, 8 kHz; duration 0 as in make-fsdd-manifests.ts).
const digitWords = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const fsddDir = join(data, 'fsdd');
const fsdd: Row[] = readdirSync(fsddDir).sort().flatMap((name) => {
  const match = /^(\d)_([a-z]+)_(\d+)\.wav$/.exec(name);
  return match ? [{ audio_filepath: join(fsddDir, name), duration: 0, text: digitWords[Number(match[1])], speaker: match[2] }] : [];
});
write('fsdd5-train.json', fsdd.filter((r) => r.speaker === 'jackson' || r.speaker === 'lucas'));
write('fsdd5-dev.json', fsdd.filter((r) => r.speaker === 'george'));
write('fsdd5-test.json', fsdd.filter((r) => r.speaker === 'nicolas'));

// Picovoice wake words, capped per phrase (the manifest order is the corpus's file order).
const pico = readRows(join(data, 'picovoice-wakewords/manifest.json'));
const perPhrase = new Map<string, number>();
const picoTrain = pico.filter((r) => {
  const n = perPhrase.get(r.text) ?? 0;
  perPhrase.set(r.text, n + 1);
  return n < 150;
});
write('pico-train.json', picoTrain);
// The clips training leaves out: for grammar checks only (no speaker ids, so speakers may overlap).
write('pico-unused.json', pico.filter((r) => !picoTrain.includes(r)));

/**
 * ffmpeg, one process per core, 25 files per process (starting ffmpeg costs more than decoding a
 * 3 s clip); each WAV is written as .part.wav and renamed once its process succeeded.
 */
async function convertAll(): Promise<void> {
  const batches: (typeof conversions)[] = [];
  for (let i = 0; i < conversions.length; i += 25) batches.push(conversions.slice(i, i + 25));
  let next = 0;
  let done = 0;
  const one = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++];
      const args = ['-v', 'error', '-y'];
      for (const { from, to } of batch) {
        mkdirSync(dirname(to), { recursive: true });
        args.push('-i', from);
      }
      batch.forEach(({ to }, i) => args.push('-map', `${i}:a`, '-ar', '16000', '-ac', '1', '-sample_fmt', 's16', to + '.part.wav'));
      await new Promise<void>((ok, fail) => {
        const ff = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        ff.stderr.on('data', (d) => (err += d));
        ff.on('error', (e) => fail(new Error(`ffmpeg could not start (${e.message}); install it or leave out --wav`)));
        ff.on('close', (code) => (code === 0 ? ok() : fail(new Error(`ffmpeg failed on one of ${batch.map((c) => c.from).join(', ')}: ${err.trim()}`))));
      });
      for (const { to } of batch) renameSync(to + '.part.wav', to);
      done += batch.length;
      if (Math.floor(done / 500) !== Math.floor((done - batch.length) / 500)) console.log(`converted ${done}/${conversions.length} files to WAV`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, cpus().length) }, one));
  if (conversions.length > 0) console.log(`converted ${conversions.length} files to WAV in ${wavDir}`);
}
await convertAll();
pending.forEach(writeManifest);
