import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAudioFile, writeWav } from '../audio/load-audio.ts';
import { bytesSource, parseWavHeader } from '../audio/wav.ts';
import { toneMagnitude } from '../audio/test-helpers.ts';
import { toNarrowband, writeNarrowbandCopies } from './narrowband.ts';

/** 1 s at 16 kHz: a 1 kHz tone (kept by an 8 kHz channel) plus a 6 kHz tone (lost by it). */
function twoTones(): Float32Array {
  const x = new Float32Array(16000);
  for (let i = 0; i < x.length; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * 1000 * i) / 16000) + 0.3 * Math.sin((2 * Math.PI * 6000 * i) / 16000);
  return x;
}

test('a narrowband copy keeps the band below 4 kHz and removes the band above it', async () => {
  const narrow = await toNarrowband(twoTones());
  assert.equal(narrow.length, 8000);
  // Back through the loader's path to 16 kHz, as training reads the copy.
  const dir = mkdtempSync(join(tmpdir(), 'narrowband-'));
  writeWav(join(dir, 'copy.wav'), narrow, 8000);
  const back = (await loadAudioFile(join(dir, 'copy.wav'))).samples;
  const [from, to] = [1600, 14400]; // away from the filter's edges
  assert.ok(Math.abs(toneMagnitude(back, 1000, 16000, from, to) - 0.3) < 0.01, '1 kHz tone kept at its level');
  const original6k = toneMagnitude(twoTones(), 6000, 16000, from, to);
  const left6k = toneMagnitude(back, 6000, 16000, from, to);
  assert.ok(original6k > 0.29, 'the 6 kHz tone is there before');
  assert.ok(20 * Math.log10(left6k / original6k) < -60, `6 kHz tone only ${20 * Math.log10(left6k / original6k)} dB down`);
});

test('copies are 8 kHz WAVs, the subset is seeded, and a rerun writes nothing new', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'narrowband-set-'));
  const entries = [];
  for (let i = 0; i < 20; i++) {
    const speaker = join(dir, 'src', `speaker${i % 2}`);
    const path = join(speaker, `utt${i}.wav`);
    mkdirSync(speaker, { recursive: true });
    writeWav(path, twoTones().subarray(0, 1600 + 100 * i), 16000);
    entries.push({ audioPath: path, durationSeconds: 0.1, text: `utterance ${i}` });
  }
  const all = await writeNarrowbandCopies(entries, join(dir, 'all'));
  assert.equal(all.copies.length, 20);
  assert.equal(all.written, 20);
  assert.deepEqual(all.copies.map((c) => c.text), entries.map((e) => e.text));
  const header = parseWavHeader(bytesSource(readFileSync(all.copies[3].audio_filepath)), 'copy');
  assert.equal(header.sampleRate, 8000);
  assert.equal(header.frames, (1600 + 100 * 3) / 2);

  const again = await writeNarrowbandCopies(entries, join(dir, 'all'));
  assert.equal(again.written, 0, 'existing copies are kept');
  const mtime = statSync(all.copies[0].audio_filepath).mtimeMs;
  assert.equal(statSync(again.copies[0].audio_filepath).mtimeMs, mtime);

  const half = await writeNarrowbandCopies(entries, join(dir, 'half'), { fraction: 0.5, seed: 7 });
  const halfAgain = await writeNarrowbandCopies(entries, join(dir, 'half-again'), { fraction: 0.5, seed: 7 });
  const otherSeed = await writeNarrowbandCopies(entries, join(dir, 'other'), { fraction: 0.5, seed: 8 });
  assert.ok(half.copies.length > 3 && half.copies.length < 17, `${half.copies.length} of 20 kept at fraction 0.5`);
  assert.deepEqual(half.copies.map((c) => c.text), halfAgain.copies.map((c) => c.text));
  assert.notDeepEqual(half.copies.map((c) => c.text), otherSeed.copies.map((c) => c.text));
  assert.equal(readdirSync(join(dir, 'half')).length, half.copies.length);
  await assert.rejects(writeNarrowbandCopies(entries, join(dir, 'bad'), { fraction: 0 }), /fraction must be in \(0, 1\]/);
});
