import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AudioError } from './audio-error.ts';
import { decodeAudioBytes, sniffFormat } from './decode.ts';
import { decodeWavBytes } from './wav.ts';
import { FIXTURES, bestAlignment, maxAbsDiff, referenceStereo, rms } from './test-helpers.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(FIXTURES + name));

test('sniffs each fixture format from its first bytes', () => {
  assert.deepEqual(sniffFormat(fixture('pcm_s16_stereo.wav')), { format: 'wav' });
  assert.deepEqual(sniffFormat(fixture('flac_s16_stereo.flac')), { format: 'flac' });
  assert.deepEqual(sniffFormat(fixture('mp3_16k_mono.mp3')), { format: 'mp3' });
  assert.deepEqual(sniffFormat(fixture('vorbis_16k_mono.ogg')), { format: 'ogg-vorbis' });
});

test('FLAC decodes losslessly to the 16-bit reference (via the library)', async () => {
  const ref = referenceStereo();
  const decoded = await decodeAudioBytes(fixture('flac_s16_stereo.flac'), 'x.flac');
  assert.equal(decoded.sampleRate, 8000);
  assert.equal(decoded.channels.length, 2);
  // Same samples our WAV reader gets from the WAV the FLAC was encoded from.
  const wav = decodeWavBytes(fixture('pcm_s16_stereo.wav'), 'x.wav');
  // The library scales 16-bit by 1/32767 where we (and sox) use 1/32768: equal up to that gain.
  for (let ch = 0; ch < 2; ch++) {
    for (let i = 0; i < wav.channels[ch].length; i++) {
      const want = wav.channels[ch][i];
      assert.ok(Math.abs(decoded.channels[ch][i] - want) <= Math.abs(want) / 32767 + 1e-7, `channel ${ch} sample ${i}`);
    }
  }
  assert.ok(maxAbsDiff(decoded.channels[1], ref.right) <= 1 / 32768);
});

// Lossy codecs: compare to the WAV they were encoded from after finding the codec delay
// (MP3 encoders prepend ~1100+ samples), by correlation and level.
for (const [file, label] of [['mp3_16k_mono.mp3', 'MP3'], ['vorbis_16k_mono.ogg', 'Ogg Vorbis']] as const) {
  test(`${label} decodes close to its source (correlation after delay alignment, RMS level)`, async () => {
    const source = decodeWavBytes(fixture('lossy_src_16k.wav'), 'src.wav').channels[0];
    const decoded = await decodeAudioBytes(fixture(file), file);
    assert.equal(decoded.sampleRate, 16000);
    assert.equal(decoded.channels.length, 1);
    // The source is a sweep, so only the true delay lines it up; `lag` is where source[1000] sits.
    const { lag, correlation } = bestAlignment(source.subarray(1000, 7000), decoded.channels[0], 3000);
    const aligned = decoded.channels[0].subarray(lag, lag + 6000);
    assert.equal(aligned.length, 6000);
    assert.ok(correlation > 0.98, `${label}: correlation ${correlation} at lag ${lag}`);
    const levelDb = 20 * Math.log10(rms(aligned) / rms(source, 1000, 7000));
    assert.ok(Math.abs(levelDb) < 1, `${label}: level off by ${levelDb} dB`);
  });
}

test('unrecognised or broken files are errors naming the file and what was found', async () => {
  const aiff = new Uint8Array(64);
  aiff.set(new TextEncoder().encode('FORM\0\0\0\x38AIFFCOMM'));
  // An AIFF header with nothing behind it: the decoder's own failure, with the file and the format.
  await assert.rejects(decodeAudioBytes(aiff, 'x.aiff'), (err: unknown) =>
    err instanceof AudioError && err.file === 'x.aiff' && /AIFF/.test(err.reason));
  const midi = new TextEncoder().encode('MThd\0\0\0\x06\0\x01\0\x01\0\x60MTrk');
  await assert.rejects(decodeAudioBytes(midi, 'song.mid'),
    /^AudioError: song\.mid: unsupported audio format: looks like mid \(which the decoder does not read\) \(expected audio such as WAV/);
  await assert.rejects(decodeAudioBytes(new TextEncoder().encode('hello, not audio'), 'notes.txt'),
    /notes\.txt: unsupported audio format: looks like unrecognised data \(starts with 68 65 6c 6c 6f 2c 20 6e\)/);
  await assert.rejects(decodeAudioBytes(new Uint8Array(0), 'empty.wav'), /empty\.wav: file is empty \(0 bytes\)/);
});

test('corrupt compressed data gives an AudioError, not a crash', async () => {
  // Valid FLAC signature and STREAMINFO, then garbage instead of frames.
  const flac = fixture('flac_s16_stereo.flac');
  const corrupt = flac.slice(0, 2000);
  for (let i = 200; i < corrupt.length; i++) corrupt[i] = (i * 7919) & 0xff;
  try {
    const decoded = await decodeAudioBytes(corrupt, 'corrupt.flac');
    // A tolerant decoder may skip garbage; then it must not invent a full file of audio.
    assert.ok(decoded.channels[0].length < 2000);
  } catch (err) {
    assert.ok(err instanceof AudioError, String(err));
    assert.match(err.message, /^corrupt\.flac: /);
  }
  // An Ogg page header with nothing after it.
  const ogg = fixture('vorbis_16k_mono.ogg').slice(0, 60);
  await assert.rejects(decodeAudioBytes(ogg, 'stub.ogg'), (err: unknown) => err instanceof AudioError && /^stub\.ogg: /.test(err.message));
});
