import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioError } from './audio-error.ts';
import { decodeWavBytes, encodeWav, writeWav, type WavBitDepth } from './wav.ts';
import { FIXTURES, maxAbsDiff, referenceStereo } from './test-helpers.ts';

const ref = referenceStereo();

/** sox-written files hold the reference rounded to their precision; one quantisation step is the tolerance. */
const SOX_CASES: Array<{ file: string; channels: Float32Array[]; step: number }> = [
  { file: 'pcm_u8_stereo.wav', channels: [ref.left, ref.right], step: 1 / 128 },
  { file: 'pcm_s16_stereo.wav', channels: [ref.left, ref.right], step: 1 / 32768 },
  { file: 'pcm_s24_stereo.wav', channels: [ref.left, ref.right], step: 2 ** -23 },
  { file: 'pcm_s24_stereo_ext.wav', channels: [ref.left, ref.right], step: 2 ** -23 },
  { file: 'pcm_s32_stereo_ext.wav', channels: [ref.left, ref.right], step: 2 ** -31 },
  { file: 'float32_stereo.wav', channels: [ref.left, ref.right], step: 0 },
  { file: 'pcm_s16_mono_left.wav', channels: [ref.left], step: 1 / 32768 },
  { file: 'pcm_s16_3ch_ext.wav', channels: [ref.left, ref.right, ref.left], step: 1 / 32768 },
];

for (const { file, channels, step } of SOX_CASES) {
  test(`reads ${file} (sox) to the reference within one quantisation step`, () => {
    const decoded = decodeWavBytes(readFileSync(FIXTURES + file), file);
    assert.equal(decoded.sampleRate, 8000);
    assert.deepEqual(decoded.warnings, []);
    assert.equal(decoded.channels.length, channels.length);
    decoded.channels.forEach((channel, ch) => {
      assert.equal(channel.length, 2000);
      // Half a step from rounding, plus float32 representation slack of the reference.
      assert.ok(maxAbsDiff(channel, channels[ch]) <= step / 2 + 1e-7, `${file} channel ${ch}: ${maxAbsDiff(channel, channels[ch])}`);
    });
  });
}

test('known 24-bit and 8-bit sample values decode to exact numbers', () => {
  // Hand-built: 24-bit samples 0x7FFFFF, 0x800000 (= -1), 0x000001, 0xFFFFFF (= -1 LSB).
  const wav = encodeWav([new Float32Array(4)], 8000, 24);
  wav.set([0xff, 0xff, 0x7f, 0x00, 0x00, 0x80, 0x01, 0x00, 0x00, 0xff, 0xff, 0xff], 44);
  const [channel] = decodeWavBytes(wav, 'hand24.wav').channels;
  assert.deepEqual(Array.from(channel), [(2 ** 23 - 1) / 2 ** 23, -1, 2 ** -23, -(2 ** -23)]);
  const wav8 = encodeWav([new Float32Array(3)], 8000, 8);
  wav8.set([0, 128, 255], 44);
  assert.deepEqual(Array.from(decodeWavBytes(wav8, 'hand8.wav').channels[0]), [-1, 0, 127 / 128]);
  const wav16 = encodeWav([new Float32Array(2)], 8000, 16);
  wav16.set([0x00, 0x80, 0xff, 0x7f], 44);
  assert.deepEqual(Array.from(decodeWavBytes(wav16, 'hand16.wav').channels[0]), [-1, 32767 / 32768]);
  const wav32 = encodeWav([new Float32Array(2)], 8000, 32);
  wav32.set([0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x01, 0x00], 44);
  assert.deepEqual(Array.from(decodeWavBytes(wav32, 'hand32.wav').channels[0]), [-1, 2 ** -15]);
});

for (const bitDepth of [8, 16, 24, 32] as WavBitDepth[]) {
  test(`encodeWav/decodeWavBytes round-trip ${bitDepth}-bit stereo with different L/R`, () => {
    const decoded = decodeWavBytes(encodeWav([ref.left, ref.right], 8000, bitDepth), 'rt.wav');
    const step = 2 ** -(bitDepth - 1);
    assert.ok(maxAbsDiff(decoded.channels[0], ref.left) <= step / 2 + 1e-7);
    assert.ok(maxAbsDiff(decoded.channels[1], ref.right) <= step / 2 + 1e-7);
  });
}

test('writer clamps out-of-range values to full scale', () => {
  const decoded = decodeWavBytes(encodeWav([new Float32Array([1.5, -1.5, 1])], 16000, 16), 'c.wav');
  assert.deepEqual(Array.from(decoded.channels[0]), [32767 / 32768, -1, 32767 / 32768]);
});

test('32-bit float WAV round-trips exactly, also as WAVE_FORMAT_EXTENSIBLE', () => {
  const plain = encodeWav([ref.left, ref.right], 8000, 32, { float: true });
  assert.equal(maxAbsDiff(decodeWavBytes(plain, 'f.wav').channels[1], ref.right), 0);
  // Rebuild the header as EXTENSIBLE (40-byte fmt, SubFormat = IEEE float GUID).
  const ext = new Uint8Array(plain.length + 24);
  const dv = new DataView(ext.buffer);
  ext.set(plain.subarray(0, 36), 0);
  dv.setUint32(4, ext.length - 8, true);
  dv.setUint32(16, 40, true);
  dv.setUint16(20, 0xfffe, true);
  dv.setUint16(36, 22, true); // cbSize
  dv.setUint16(38, 32, true); // valid bits
  dv.setUint32(40, 3, true); // channel mask FL|FR
  ext.set([0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 44);
  ext.set(plain.subarray(36), 60);
  const decoded = decodeWavBytes(ext, 'fext.wav');
  assert.equal(maxAbsDiff(decoded.channels[0], ref.left), 0);
  assert.equal(maxAbsDiff(decoded.channels[1], ref.right), 0);
});

test('truncated data chunk: warning and the whole frames that are present', () => {
  const full = encodeWav([ref.left, ref.right], 8000, 16);
  const cut = full.subarray(0, 44 + 1001 * 4 + 3); // 1001 frames and a partial one
  const decoded = decodeWavBytes(cut, 'cut.wav');
  assert.equal(decoded.channels[0].length, 1001);
  assert.equal(decoded.warnings.length, 1);
  assert.match(decoded.warnings[0], /^cut\.wav: truncated WAV: data chunk declares 8000 bytes but only 4004/);
  assert.ok(maxAbsDiff(decoded.channels[0], ref.left.subarray(0, 1001)) <= 1 / 65536 + 1e-7);
});

test('malformed and unsupported WAV headers give AudioErrors that name the file', () => {
  const good = encodeWav([ref.left], 8000, 16);
  const expectError = (bytes: Uint8Array, pattern: RegExp) =>
    assert.throws(() => decodeWavBytes(bytes, 'bad.wav'), (err: unknown) => err instanceof AudioError && err.file === 'bad.wav' && pattern.test(err.message));
  expectError(good.subarray(0, 8), /too short for a RIFF header/);
  expectError(good.subarray(0, 36), /no "data" chunk/);
  const adpcm = good.slice();
  new DataView(adpcm.buffer).setUint16(20, 2, true);
  expectError(adpcm, /format tag 2 \(Microsoft ADPCM\); expected PCM integer \(1\) or IEEE float \(3\)/);
  const noFmt = good.slice();
  noFmt.set([0x6a, 0x75, 0x6e, 0x6b], 12); // rename "fmt " to "junk"
  expectError(noFmt, /"data" chunk comes before any "fmt " chunk/);
  const badAlign = good.slice();
  new DataView(badAlign.buffer).setUint16(32, 5, true);
  expectError(badAlign, /unsupported WAV sample layout/);
});

test('writeWav writes atomically and replaces an existing file without leaving temp files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellscribe-wav-'));
  try {
    const path = join(dir, 'take.wav');
    writeFileSync(path, 'old contents');
    writeWav(path, ref.left, 8000, 24);
    assert.deepEqual(readdirSync(dir), ['take.wav']);
    const decoded = decodeWavBytes(readFileSync(path), path);
    assert.ok(maxAbsDiff(decoded.channels[0], ref.left) <= 2 ** -24 + 1e-7);
    assert.throws(() => writeWav(path, new Float32Array([0, NaN]), 8000), /sample 1 is NaN/);
    assert.deepEqual(readdirSync(dir), ['take.wav'], 'a failed write leaves the old file and no temp file');
    assert.throws(() => writeWav(join(dir, 'missing-dir', 'x.wav'), ref.left, 8000), /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
