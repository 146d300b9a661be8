import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AudioError } from './audio-error.ts';
import { checkChannels, checkSamples } from './validate.ts';

test('empty audio is an error', () => {
  assert.throws(() => checkSamples(new Float32Array(0), 'e.wav'), (err: unknown) =>
    err instanceof AudioError && err.message === 'e.wav: audio is empty (0 samples)');
  assert.throws(() => checkChannels([], 'e.wav'), /audio is empty/);
});

test('NaN and infinite samples are errors naming the first bad sample', () => {
  const x = new Float32Array(100).fill(0.1);
  x[40] = NaN;
  x[60] = Infinity;
  assert.throws(() => checkSamples(x, 'n.wav'), (err: unknown) =>
    err instanceof AudioError && err.reason === 'sample 40 of channel 1 is NaN; expected finite values');
  const right = new Float32Array(8000);
  right[4000] = -Infinity;
  assert.throws(() => checkChannels([new Float32Array(8000), right], 'i.wav', 8000), /i\.wav: sample 4000 \(0\.500 s\) of channel 2 is -Infinity/);
});

test('all-silent audio is a warning, quiet audio is not', () => {
  assert.deepEqual(checkSamples(new Float32Array(10), 's.wav'), ['s.wav: audio is silent (peak 0); there is nothing to recognise']);
  const dither = new Float32Array(10).fill(1e-6);
  assert.match(checkSamples(dither, 'd.wav')[0], /d\.wav: audio is silent \(peak -120\.0 dBFS\)/);
  assert.deepEqual(checkSamples(new Float32Array(10).fill(0.001), 'q.wav'), []);
});

test('clipping is a warning above 0.1% of samples at full scale', () => {
  const x = new Float32Array(10000).fill(0.5);
  for (let i = 0; i < 10; i++) x[i] = i % 2 ? 1 : -1; // exactly 0.1%: not reported
  assert.deepEqual(checkSamples(x, 'c.wav'), []);
  x[10] = 0.9995; // 11 samples = 0.11%
  const warnings = checkSamples(x, 'c.wav');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^c\.wav: audio is clipped: 0\.11% of samples are at full scale \(more than 0\.1%\)/);
});

test('clipping in one channel of several counts against all samples', () => {
  const clippedLeft = new Float32Array(1000).fill(1);
  const quietRight = new Float32Array(1000).fill(0.1);
  assert.match(checkChannels([clippedLeft, quietRight], 'st.wav').join('\n'), /50\.00% of samples are at full scale/);
});

test('float samples beyond full scale are reported (the loader clamps them)', () => {
  const warnings = checkSamples(new Float32Array([0.2, 1.5, -0.3]), 'f.wav');
  assert.ok(warnings.includes('f.wav: samples exceed full scale (peak 1.500); clamped to [-1, 1]'), warnings.join('\n'));
});
