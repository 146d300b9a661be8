import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResampler, libraryRates, resampleTo16k } from './resample.ts';
import { peakFrequency, rms, toneMagnitude } from './test-helpers.ts';

function tone(frequency: number, sampleRate: number, seconds: number, amplitude: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < x.length; i++) x[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  return x;
}

// 200–384 kHz: above libsamplerate-js's 192 kHz limit, converted through an equal ratio.
for (const fromRate of [8000, 22050, 44100, 48000, 200000, 384000]) {
  test(`a 1 kHz tone at ${fromRate} Hz comes out at 16 kHz with the same frequency, level and phase`, async () => {
    const input = tone(1000, fromRate, 1, 0.5);
    const output = await resampleTo16k(input, fromRate);
    assert.equal(output.length, 16000);
    // Ignore the edges, where the filter runs into the signal's start and end.
    const from = 1600;
    const to = 14400;
    assert.equal(peakFrequency(output, 16000, 10, from, to), 1000);
    const levelDb = 20 * Math.log10(rms(output, from, to) / (0.5 / Math.SQRT2));
    assert.ok(Math.abs(levelDb) < 0.5, `level off by ${levelDb} dB`);
    // Time-aligned with the analytic signal: no delay is introduced.
    const expected = tone(1000, 16000, 1, 0.5);
    let worst = 0;
    for (let i = from; i < to; i++) worst = Math.max(worst, Math.abs(output[i] - expected[i]));
    assert.ok(worst < 2e-3, `worst deviation from the ideal 16 kHz tone: ${worst}`);
  });
}

test('band-limited: a tone above the new Nyquist is removed, not aliased (linear interpolation fails this)', async () => {
  // 11 kHz at 44.1 kHz would fold to 5 kHz at 16 kHz without an anti-aliasing filter.
  const output = await resampleTo16k(tone(11000, 44100, 0.5, 0.5), 44100);
  const alias = toneMagnitude(output, 5000, 16000, 800, 7200);
  assert.ok(alias < 0.5 * 1e-3, `alias at 5 kHz has magnitude ${alias} (want < -60 dB re 0.5)`);
  assert.ok(rms(output, 800, 7200) < 0.5 * 1e-3);
  // 7 kHz is inside the passband (BEST quality keeps ~97% of 8 kHz) and keeps its level.
  const pass = await resampleTo16k(tone(7000, 48000, 0.5, 0.5), 48000);
  const passDb = 20 * Math.log10(rms(pass, 800, 7200) / (0.5 / Math.SQRT2));
  assert.ok(Math.abs(passDb) < 0.5, `7 kHz level off by ${passDb} dB`);
});

test('streaming resampler in uneven chunks matches the one-shot result, with the exact total length', async () => {
  const input = new Float32Array(44100);
  let seed = 12345;
  for (let i = 0; i < input.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    input[i] = 0.3 * Math.sin(i / 17) + 0.2 * (seed / 2147483648 - 0.5);
  }
  const oneShot = await resampleTo16k(input, 44100);
  const stream = await createResampler(44100);
  const parts: Float32Array[] = [];
  for (let at = 0, size = 1; at < input.length; at += size, size = (size * 7 + 3) % 5000 + 1) {
    parts.push(stream.push(input.subarray(at, at + size)));
  }
  parts.push(stream.flush());
  const total = parts.reduce((n, p) => n + p.length, 0);
  assert.equal(total, Math.round(44100 * 16000 / 44100));
  const streamed = new Float32Array(total);
  let at = 0;
  for (const p of parts) { streamed.set(p, at); at += p.length; }
  assert.equal(oneShot.length, total);
  let worst = 0;
  for (let i = 0; i < total; i++) worst = Math.max(worst, Math.abs(streamed[i] - oneShot[i]));
  assert.ok(worst < 1e-5, `streamed differs by ${worst}`);
  assert.throws(() => stream.push(new Float32Array(10)), /after flush/);
});

test('16 kHz input is returned as is; odd lengths round; bad rates are refused', async () => {
  const x = new Float32Array([0.1, 0.2]);
  assert.equal(await resampleTo16k(x, 16000), x);
  assert.equal((await resampleTo16k(new Float32Array(0), 8000)).length, 0);
  assert.equal((await resampleTo16k(new Float32Array(441), 44100)).length, 160);
  assert.equal((await resampleTo16k(new Float32Array(3), 8000)).length, 6);
  await assert.rejects(resampleTo16k(x, 0), RangeError);
  await assert.rejects(resampleTo16k(x, NaN), RangeError);
  await assert.rejects(resampleTo16k(x, 16000 * 300), /ratio/);
});

test('a source rate whose ratio to 16 kHz cannot be taken is a clear error, not a bare string', async () => {
  assert.deepEqual(libraryRates(384000, 16000), [192000, 8000]);
  assert.deepEqual(libraryRates(48000, 16000), [48000, 16000]);
  await assert.rejects(resampleTo16k(new Float32Array(1000), 383999), (error: unknown) =>
    error instanceof RangeError && /383999 Hz is not supported/.test(error.message));
});
