import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWavBytes, encodeWav } from '../model/audio/wav.ts';
import { DatasetStore, levelCheck, type AudioDecoder } from './datasets.ts';
import { splitFor, splitHash } from '../model/train/held-out.ts';
import { promptSets } from './prompt-sets.ts';

const store = () => new DatasetStore(mkdtempSync(join(tmpdir(), 'cellscribe-datasets-')));
const tone = (seconds: number, amplitude: number) => Float32Array.from({ length: Math.round(seconds * 16000) }, (_, i) => amplitude * Math.sin(i / 5));
const wav16k = (seconds: number, amplitude = 0.3) => encodeWav([tone(seconds, amplitude)], 16000, 16);
/** A decoder for the tests: 16 kHz WAV only (the app passes the engine's full decoder). */
const decode: AudioDecoder = async (bytes, name) => {
  const wav = decodeWavBytes(bytes, name);
  if (wav.sampleRate !== 16000) throw new Error(`${name}: expected 16 kHz`);
  return wav.channels[0];
};
const file = (path: string, bytes: Uint8Array | string) => ({ path, bytes: typeof bytes === 'string' ? new Uint8Array(Buffer.from(bytes)) : bytes });

test('prompt sets: the three built-in sets, non-empty and distinct', () => {
  const sets = promptSets();
  assert.deepEqual(sets.map((s) => s.id), ['digits', 'spelling-commands', 'harvard']);
  for (const s of sets) assert.ok(s.prompts.length >= 10 && s.prompts.every((p) => p.trim() !== ''), s.id);
  assert.equal(sets[2].prompts[0], 'The birch canoe slid on the smooth planks.');
});

test('create, record, read back, rename, delete item, delete dataset', () => {
  const s = store();
  const d = s.create('My voice');
  const audio = tone(1.2, 0.4);
  const item = s.addRecording(d.id, '  the birch   canoe ', audio);
  assert.equal(item.text, 'the birch canoe');
  assert.equal(item.source, 'recorded');
  assert.ok(Math.abs(item.durationSeconds - 1.2) < 1e-9);
  assert.deepEqual(item.warnings, []);
  const back = s.itemAudio(d.id, item.id);
  assert.equal(back.length, audio.length);
  assert.ok(back.every((v, i) => Math.abs(v - audio[i]) < 1e-7), 'float WAV: lossless');
  assert.equal(s.rename(d.id, 'Renamed').name, 'Renamed');
  assert.equal(s.list()[0].durationSeconds.toFixed(1), '1.2');
  s.deleteItem(d.id, item.id);
  assert.equal(s.get(d.id).items.length, 0);
  assert.equal(existsSync(s.audioPath(d.id, item.id)), false);
  assert.throws(() => s.deleteItem(d.id, item.id), /has no item/);
  assert.throws(() => s.addRecording(d.id, '   ', audio), /empty text/);
  assert.throws(() => s.get('../etc'), /expected an id/);
  s.delete(d.id);
  assert.deepEqual(s.list(), []);
});

test('level check warns on clipping, silence and very short takes', () => {
  assert.deepEqual(levelCheck(tone(1, 0.3)).warnings, []);
  const clipped = tone(1, 3).map((v) => Math.max(-1, Math.min(1, v)));
  assert.match(levelCheck(clipped).warnings.join(), /clipping/);
  assert.match(levelCheck(new Float32Array(16000)).warnings.join(), /silence/);
  assert.match(levelCheck(tone(1, 0.02).map((v, i) => (i % 50 === 0 ? v : 0))).warnings.join(), /quiet/);
  assert.match(levelCheck(tone(0.1, 0.3)).warnings.join(), /very short/);
  const level = levelCheck(Float32Array.from([0.5, -0.5, 0.5, -0.5]));
  assert.equal(level.peak, 0.5);
  assert.equal(level.rms, 0.5);
});

test('crash safety: list() deletes nothing; recover() quarantines old unnamed WAVs with a report, leaves young ones', () => {
  const root = mkdtempSync(join(tmpdir(), 'cellscribe-datasets-'));
  const s = new DatasetStore(root);
  const d = s.create('d');
  const kept = s.addRecording(d.id, 'one', tone(0.5, 0.3));
  const before = readFileSync(join(root, d.id, 'dataset.json'), 'utf8');
  // What a kill leaves: an orphan WAV (its dataset.json commit never happened), a temp file, and
  // a dataset folder whose deletion was interrupted. A young unnamed WAV may be an import's.
  const audio = join(root, d.id, 'audio');
  writeFileSync(join(audio, 'orphan-1.wav'), wav16k(0.5));
  const hoursAgo = (Date.now() - 2 * 3600 * 1000) / 1000;
  utimesSync(join(audio, 'orphan-1.wav'), hoursAgo, hoursAgo);
  writeFileSync(join(audio, 'in-flight.wav'), wav16k(0.5));
  writeFileSync(join(root, d.id, '.dataset.json.tmp-1-2-3'), '{"half": ');
  mkdirSync(join(root, '.deleted-abc-123', 'audio'), { recursive: true });
  const reopened = new DatasetStore(root);
  assert.equal(reopened.list().length, 1);
  assert.deepEqual(readdirSync(audio).sort(), [`${kept.id}.wav`, 'in-flight.wav', 'orphan-1.wav'].sort(), 'listing deletes nothing');
  const report = reopened.recover();
  assert.deepEqual(readdirSync(audio).sort(), [`${kept.id}.wav`, 'in-flight.wav'].sort());
  assert.deepEqual(readdirSync(join(root, d.id, 'quarantine')), ['orphan-1.wav']);
  assert.equal(existsSync(join(root, '.deleted-abc-123')), false);
  assert.equal(existsSync(join(root, d.id, '.dataset.json.tmp-1-2-3')), false);
  assert.equal(report.length, 2, report.join('\n'));
  assert.ok(report.some((line) => line.includes('orphan-1.wav') && line.includes('quarantine')));
  assert.equal(readFileSync(join(root, d.id, 'dataset.json'), 'utf8'), before, 'the record is untouched');
  // Quarantined files go after 30 days.
  const monthAgo = (Date.now() - 31 * 86400000) / 1000;
  utimesSync(join(root, d.id, 'quarantine', 'orphan-1.wav'), monthAgo, monthAgo);
  assert.ok(reopened.recover().some((line) => line.startsWith('deleted') && line.includes('orphan-1.wav')));
  assert.deepEqual(readdirSync(join(root, d.id, 'quarantine')), []);
});

test('an import overlapping listings and a saved recording loses nothing: every WAV stays, every item is kept', async () => {
  const root = mkdtempSync(join(tmpdir(), 'cellscribe-datasets-'));
  const s = new DatasetStore(root);
  const d = s.create('d');
  const files = Array.from({ length: 60 }, (_, i) => file(`${i % 10}_amy_${i}.wav`, wav16k(0.3)));
  let recorded: string | undefined;
  let decoded = 0;
  // The decoder yields like the real one; meanwhile other operations run on the same dataset.
  const slowDecode: AudioDecoder = async (bytes, name) => {
    await new Promise((r) => setImmediate(r));
    decoded += 1;
    other.list(); // `cellscribe dataset list` in a loop (another store: another process)
    if (decoded === 30) recorded = other.addRecording(d.id, 'said during the import', tone(0.5, 0.3)).id;
    return decode(bytes, name);
  };
  const other = new DatasetStore(root);
  const report = await s.importFiles(d.id, files, slowDecode);
  assert.equal(report.imported, 60);
  const items = s.get(d.id).items;
  assert.equal(items.length, 61, 'the 60 imported items and the recording');
  assert.ok(recorded && items.some((i) => i.id === recorded), 'the recording made during the import is kept');
  for (const item of items) assert.ok(existsSync(s.audioPath(d.id, item.id)), `WAV of ${item.text} exists`);
  assert.equal(readdirSync(join(root, d.id, 'audio')).length, 61, 'no WAV without its item either');
});

test('a change waits for the dataset lock held by another process, then merges', async () => {
  const root = mkdtempSync(join(tmpdir(), 'cellscribe-datasets-'));
  const s = new DatasetStore(root);
  const d = s.create('d');
  // Another process holds the dataset's lock for a moment (as a CLI import committing a batch).
  const holder = spawn(process.execPath, ['--import', 'tsx', '-e',
    `const { lockFolder } = await import(${JSON.stringify(new URL('../model/io/dir-lock.ts', import.meta.url).href)});
     const lock = lockFolder(${JSON.stringify(join(root, d.id))}, 'test');
     console.log('locked');
     setTimeout(() => { lock.release(); process.exit(0); }, 400);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
  const started = Date.now();
  s.rename(d.id, 'renamed while locked');
  assert.ok(Date.now() - started >= 200, 'waited for the other writer');
  assert.equal(s.get(d.id).info.name, 'renamed while locked');
  await new Promise((r) => holder.once('exit', r));
});

test('held-out split: deterministic per key, about 20 %, at least one from 3 items on', () => {
  const keys = Array.from({ length: 2000 }, (_, i) => `key-${i}`);
  assert.deepEqual(keys.map(splitFor), keys.map(splitFor));
  const held = keys.filter((k) => splitFor(k) === 'heldout').length;
  // Binomial(2000, 0.2): mean 400, sd ≈ 17.9; ±5 sd.
  assert.ok(held > 310 && held < 490, `${held} of 2000 held out`);
  for (const k of keys.slice(0, 50)) assert.ok(splitHash(k) >= 0 && splitHash(k) < 1);

  const s = store();
  const d = s.create('d');
  // Items whose keys all hash to 'train' still give one held-out item once there are 3.
  for (let n = 0; n < 3; n++) s.addRecording(d.id, `prompt ${n}`, tone(0.5, 0.3));
  const info = s.get(d.id).info;
  assert.ok(info.heldOutUtterances >= 1, 'at least one held out');
  assert.equal(info.trainUtterances + info.heldOutUtterances, 3);
  // Splits never change once assigned.
  const splits = s.get(d.id).items.map((i) => i.split);
  s.addRecording(d.id, 'another', tone(0.5, 0.3));
  assert.deepEqual(s.get(d.id).items.slice(0, 3).map((i) => i.split), splits);
});

test('imports: same folder twice gives the same splits (keys are the relative paths)', async () => {
  const files = Array.from({ length: 30 }, (_, i) => file(`${i % 10}_nicolas_${i}.wav`, wav16k(0.4)));
  const a = store();
  const b = store();
  const da = a.create('a');
  const db = b.create('b');
  await a.importFiles(da.id, files, decode);
  await b.importFiles(db.id, files, decode);
  const splits = (s: DatasetStore, id: string) => s.items(id).map((i) => `${i.importedFrom}:${i.split}`).sort();
  assert.deepEqual(splits(a, da.id), splits(b, db.id));
  assert.ok(a.get(da.id).info.heldOutUtterances >= 1);
});

test('imports: NeMo manifest, .txt beside the audio, FSDD names; every skipped file with its reason', async () => {
  const s = store();
  const d = s.create('imports');
  const report = await s.importFiles(
    d.id,
    [
      file('corpus/manifest.json', [
        JSON.stringify({ audio_filepath: 'wav/a.wav', duration: 0.4, text: 'hello world' }),
        JSON.stringify({ audio_filepath: '/home/someone/corpus/wav/b.wav', text: 'absolute path' }),
        JSON.stringify({ audio_filepath: 'wav/missing.wav', text: 'gone' }),
        'not json',
        JSON.stringify({ audio_filepath: 'wav/c.wav' }),
      ].join('\n')),
      file('corpus/wav/a.wav', wav16k(0.4)),
      file('corpus/wav/b.wav', wav16k(0.4)),
      file('corpus/wav/c.wav', wav16k(0.4)),
      file('pairs/take1.wav', wav16k(0.5)),
      file('pairs/take1.txt', 'Rubout G M E F three nine\n'),
      file('pairs/lonely.txt', 'no audio'),
      file('3_nicolas_12.wav', wav16k(0.5)),
      file('unlabelled.wav', wav16k(0.5)),
      file('broken.wav', 'RIFF....garbage'),
      file('broken.txt', 'some words'),
      file('empty-text.wav', wav16k(0.5)),
      file('empty-text.txt', '   '),
      file('notes.pdf', 'x'),
    ],
    decode,
  );
  const texts = s.get(d.id).items.map((i) => i.text).sort();
  assert.deepEqual(texts, ['Rubout G M E F three nine', 'absolute path', 'hello world', 'three']);
  assert.equal(report.imported, 4);
  const reasons = Object.fromEntries(report.skipped.map((x) => [x.name, x.reason]));
  assert.match(reasons['wav/missing.wav'], /not among the imported files/);
  assert.match(reasons['corpus/manifest.json:4'], /not JSON/);
  assert.match(reasons['corpus/manifest.json:5'], /audio_filepath and text/);
  assert.match(reasons['corpus/wav/c.wav'], /no transcript/);
  assert.match(reasons['pairs/lonely.txt'], /no audio file/);
  assert.match(reasons['unlabelled.wav'], /no transcript.*FSDD/);
  assert.match(reasons['broken.wav'], /unreadable audio/);
  assert.match(reasons['empty-text.wav'], /empty text/);
  assert.match(reasons['notes.pdf'], /not an audio file/);
  assert.equal(report.skipped.length, 9);
  assert.ok(s.get(d.id).items.every((i) => i.source === 'imported'));
});

test('prepareForTraining: needs 3 items; restores a held-out part that deletions took away', () => {
  const s = store();
  const d = s.create('d');
  s.addRecording(d.id, 'one', tone(0.5, 0.3));
  assert.throws(() => s.prepareForTraining(d.id), /at least 3/);
  s.addRecording(d.id, 'two', tone(0.5, 0.3));
  s.addRecording(d.id, 'three', tone(0.5, 0.3));
  for (const item of s.get(d.id).items.filter((i) => i.split === 'heldout')) s.deleteItem(d.id, item.id);
  for (let i = 0; s.get(d.id).items.length < 3; i++) s.addRecording(d.id, `more ${i}`, tone(0.5, 0.3));
  const items = s.prepareForTraining(d.id);
  assert.ok(items.some((i) => i.split === 'heldout'));
});
