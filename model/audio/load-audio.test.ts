import { fsddPath } from '../testing/fsdd-fixture.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { AudioError, loadAudioBytes, loadAudioFile, resampleTo16k } from './load-audio.ts';
import { decodeWavBytes, encodeWav } from './wav.ts';
import { FIXTURES, maxAbsDiff, referenceStereo } from './test-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'cellscribe-load-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Asserts that loading rejects with an AudioError for `path` whose reason matches. */
async function rejectsWith(path: string, reason: RegExp, opts?: { maxSeconds?: number }) {
  await assert.rejects(loadAudioFile(path, opts), (err: unknown) => {
    assert.ok(err instanceof AudioError, `expected AudioError, got ${String(err)}`);
    assert.equal(err.file, path);
    assert.match(err.reason, reason);
    assert.ok(err.message.startsWith(path + ': '));
    return true;
  });
}

const FSDD = fsddPath(0, 'george', 0);
test('a real 8 kHz recording becomes 16 kHz with twice the samples', { skip: !existsSync(FSDD) && 'fsdd not present' }, async () => {
  const sourceFrames = decodeWavBytes(readFileSync(FSDD), FSDD).channels[0].length;
  const audio = await loadAudioFile(FSDD);
  assert.equal(audio.sampleRate, 16000);
  assert.equal(audio.sourceRate, 8000);
  assert.equal(audio.sourceChannels, 1);
  assert.ok(Math.abs(audio.samples.length - 2 * sourceFrames) <= 2, `${audio.samples.length} vs 2 x ${sourceFrames}`);
  assert.equal(audio.durationSeconds, audio.samples.length / 16000);
  assert.ok(audio.samples.every((x) => Number.isFinite(x) && Math.abs(x) <= 1));
});

test('stereo and 3-channel files mix to the mean of their channels', async () => {
  const { left, right } = referenceStereo();
  const stereoMean = left.map((l, i) => (l + right[i]) / 2);
  const threeMean = left.map((l, i) => (2 * l + right[i]) / 3);
  for (const [file, mean, channels] of [['pcm_s16_stereo.wav', stereoMean, 2], ['pcm_s16_3ch_ext.wav', threeMean, 3]] as const) {
    const audio = await loadAudioFile(FIXTURES + file);
    assert.equal(audio.sourceChannels, channels);
    assert.equal(audio.durationSeconds, 0.25);
    assert.deepEqual(audio.warnings, []);
    // Independent path: mix the sox reference ourselves, then resample it.
    const expected = await resampleTo16k(mean, 8000);
    assert.ok(maxAbsDiff(audio.samples, expected) < 1e-4, `${file}: ${maxAbsDiff(audio.samples, expected)}`);
  }
});

test('FLAC, MP3 and Ogg files load as mono 16 kHz', async () => {
  for (const [file, rate, channels] of [['flac_s16_stereo.flac', 8000, 2], ['mp3_16k_mono.mp3', 16000, 1], ['vorbis_16k_mono.ogg', 16000, 1]] as const) {
    const audio = await loadAudioFile(FIXTURES + file);
    assert.equal(audio.sourceRate, rate, file);
    assert.equal(audio.sourceChannels, channels, file);
    assert.deepEqual(audio.warnings, [], file);
    assert.ok(audio.durationSeconds > 0.24 && audio.durationSeconds < 0.6, `${file}: ${audio.durationSeconds}`);
  }
});

test('missing, empty, directory and unsupported files are errors naming the file', async () => {
  await rejectsWith(join(dir, 'nope.wav'), /^file not found$/);
  const empty = join(dir, 'empty.wav');
  writeFileSync(empty, '');
  await rejectsWith(empty, /^file is empty \(0 bytes\)$/);
  const folder = join(dir, 'folder.wav');
  mkdirSync(folder);
  await rejectsWith(folder, /^not a regular file$/);
  const aiff = join(dir, 'x.aiff');
  writeFileSync(aiff, Buffer.concat([Buffer.from('FORM\0\0\0\x20AIFFCOMM'), Buffer.alloc(40)]));
  await rejectsWith(aiff, /AIFF/); // recognised, then refused by the decoder: the reason names the format
  const text = join(dir, 'notes.wav');
  writeFileSync(text, 'hello, not audio at all');
  await rejectsWith(text, /^unsupported audio format: looks like unrecognised data \(starts with 68 65 6c 6c 6f 2c 20 6e\)/);
  const headerOnly = join(dir, 'header-only.wav');
  writeFileSync(headerOnly, encodeWav([new Float32Array(0)], 16000));
  await rejectsWith(headerOnly, /^audio is empty \(0 samples\)$/);
});

test('WAV at 200–384 kHz loads; a rate the converter cannot take is an AudioError naming the file', async () => {
  for (const rate of [200000, 384000]) {
    const path = join(dir, `high-${rate}.wav`);
    writeFileSync(path, encodeWav([new Float32Array(rate / 10).fill(0.1)], rate));
    const loaded = await loadAudioFile(path);
    assert.equal(loaded.sourceRate, rate);
    assert.equal(loaded.samples.length, 1600);
  }
  const odd = join(dir, 'odd-rate.wav');
  writeFileSync(odd, encodeWav([new Float32Array(38400).fill(0.1)], 383999));
  await rejectsWith(odd, /^a sample rate of 383999 Hz is not supported/);
});

test('NaN or infinite samples in a float WAV are an error', async () => {
  const path = join(dir, 'nan.wav');
  const x = new Float32Array(1600).fill(0.1);
  x[800] = NaN;
  writeFileSync(path, encodeWav([x], 16000, 32, { float: true }));
  await rejectsWith(path, /^sample 800 \(0\.050 s\) of channel 1 is NaN; expected finite values$/);
  x[800] = Infinity;
  writeFileSync(path, encodeWav([x], 16000, 32, { float: true }));
  await rejectsWith(path, /is Infinity/);
});

test('silent, clipped and over-full-scale audio load with warnings and finite, in-range samples', async () => {
  const silent = join(dir, 'silent.wav');
  writeFileSync(silent, encodeWav([new Float32Array(8000)], 8000));
  const quiet = await loadAudioFile(silent);
  assert.equal(quiet.warnings.length, 1);
  assert.match(quiet.warnings[0], /silent\.wav: audio is silent/);
  assert.ok(quiet.samples.every((v) => v === 0));

  const clipped = join(dir, 'clipped.wav');
  const square = new Float32Array(8000).map((_, i) => (Math.floor(i / 20) % 2 ? 1 : -1));
  writeFileSync(clipped, encodeWav([square], 8000));
  const loud = await loadAudioFile(clipped);
  assert.ok(loud.warnings.some((w) => /clipped\.wav: audio is clipped/.test(w)), loud.warnings.join('\n'));
  // The sinc filter overshoots at a square wave's edges; the loader clamps.
  assert.ok(loud.samples.every((v) => Math.abs(v) <= 1));

  const hot = join(dir, 'hot.wav');
  writeFileSync(hot, encodeWav([new Float32Array(1600).fill(0.5).map((v, i) => (i === 100 ? 3 : v))], 16000, 32, { float: true }));
  const hotAudio = await loadAudioFile(hot);
  assert.ok(hotAudio.warnings.some((w) => /peak 3\.000\); clamped/.test(w)));
  assert.equal(Math.max(...hotAudio.samples), 1);
});

test('truncated WAV: warning, and what is there is decoded', async () => {
  const path = join(dir, 'cut.wav');
  const full = encodeWav([new Float32Array(8000).fill(0.25)], 8000);
  writeFileSync(path, full.subarray(0, 44 + 2 * 3000 + 1));
  const audio = await loadAudioFile(path);
  assert.equal(audio.samples.length, 6000);
  assert.equal(audio.warnings.length, 1);
  assert.match(audio.warnings[0], /cut\.wav: truncated WAV: data chunk declares 16000 bytes but only 6000 .* 3000 frames/);
});

test('audio over maxSeconds is an error naming the limit, for every format', async () => {
  await rejectsWith(FIXTURES + 'pcm_s16_stereo.wav', /^audio is 0\.25 s long \(from the WAV header\), over the limit of 0\.1 s \(maxSeconds\)/, { maxSeconds: 0.1 });
  await rejectsWith(FIXTURES + 'flac_s16_stereo.flac', /over the limit of 0\.1 s \(maxSeconds\)/, { maxSeconds: 0.1 });
  await rejectsWith(FIXTURES + 'mp3_16k_mono.mp3', /over the limit of 0\.3 s \(maxSeconds\)/, { maxSeconds: 0.3 });
  await rejectsWith(FIXTURES + 'vorbis_16k_mono.ogg', /estimated from its headers\), over the limit of 0\.3 s/, { maxSeconds: 0.3 });
});

test('a huge WAV is refused from its header with the default 2-hour limit, without reading the data', async () => {
  // 3 GB sparse file: 48 kHz stereo 16-bit, ~4.3 hours. Reading it would take seconds and GBs of memory.
  const path = join(dir, 'huge.wav');
  const header = encodeWav([new Float32Array(0), new Float32Array(0)], 48000);
  const dataBytes = 3_000_000_000;
  new DataView(header.buffer).setUint32(40, dataBytes, true);
  const fd = openSync(path, 'w');
  writeSync(fd, header);
  closeSync(fd);
  truncateSync(path, 44 + dataBytes);
  await rejectsWith(path, /^audio is 15625\.0 s long \(from the WAV header\), over the limit of 7200 s \(maxSeconds\)/);
});

test('bytes in memory take the same path as files: same samples and warnings, same checks and limits', async () => {
  for (const file of ['flac_s16_stereo.flac', 'pcm_s16_stereo.wav', 'vorbis_16k_mono.ogg']) {
    const fromFile = await loadAudioFile(FIXTURES + file);
    const fromBytes = await loadAudioBytes(readFileSync(FIXTURES + file), file);
    assert.deepEqual(fromBytes.samples, fromFile.samples, file);
    assert.equal(fromBytes.sourceChannels, fromFile.sourceChannels);
  }
  // The clamp and the channel check (a float WAV over full scale).
  const hot = encodeWav([new Float32Array(1600).fill(0.5).map((v, i) => (i === 100 ? 3 : v))], 16000, 32, { float: true });
  const hotAudio = await loadAudioBytes(hot, 'hot.wav');
  assert.ok(hotAudio.warnings.some((w) => /hot\.wav: .*peak 3\.000\); clamped/.test(w)), hotAudio.warnings.join('\n'));
  assert.equal(Math.max(...hotAudio.samples), 1);
  // The length limit, and errors that name the file.
  await assert.rejects(loadAudioBytes(readFileSync(FIXTURES + 'flac_s16_stereo.flac'), 'take.flac', { maxSeconds: 0.1 }), (e: unknown) => e instanceof AudioError && /take\.flac.*over the limit of 0\.1 s/.test((e as Error).message));
  await assert.rejects(loadAudioBytes(new Uint8Array(0), 'empty.wav'), /empty\.wav.*empty/);
  const nan = new Float32Array(1600);
  nan[5] = Number.NaN;
  await assert.rejects(loadAudioBytes(encodeWav([nan], 16000, 32, { float: true }), 'nan.wav'), /nan\.wav.*NaN/);
});
