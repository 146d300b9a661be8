import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PowerSpectrum } from './power-spectrum.ts';

/** Brute-force DFT power, bins 0 … N/2. */
function dftPower(frame: Float64Array): Float64Array {
  const n = frame.length;
  const out = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < n; i++) {
      re += frame[i] * Math.cos((2 * Math.PI * k * i) / n);
      im -= frame[i] * Math.sin((2 * Math.PI * k * i) / n);
    }
    out[k] = re * re + im * im;
  }
  return out;
}

function testFrame(n: number): Float64Array {
  const frame = new Float64Array(n);
  // Includes a strong alternating component so the Nyquist bin matters.
  for (let i = 0; i < n; i++) frame[i] = Math.sin(0.37 * i) + 0.3 * (i % 2 ? 1 : -1) + 0.01 * Math.cos(2.1 * i * i);
  return frame;
}

test('power spectrum equals a brute-force DFT, Nyquist bin included, no window applied', () => {
  for (const n of [512, 256]) {
    const frame = testFrame(n);
    const expected = dftPower(frame);
    const out = new Float64Array(n / 2 + 1);
    new PowerSpectrum(n, 16000).compute(frame, out);
    const peak = Math.max(...expected);
    for (let k = 0; k <= n / 2; k++) {
      assert.ok(Math.abs(out[k] - expected[k]) <= 1e-6 * peak, `n=${n} bin ${k}: ${out[k]} vs ${expected[k]}`);
    }
    assert.ok(out[n / 2] > 0.01 * peak, 'Nyquist bin carries the alternating component');
  }
});

test('rejects a frame of the wrong length', () => {
  const spectrum = new PowerSpectrum(512, 16000);
  assert.throws(() => spectrum.compute(new Float64Array(400), new Float64Array(257)), /expected a frame of 512 samples, got 400/);
  assert.throws(() => new PowerSpectrum(400, 16000), /power of two/);
});
