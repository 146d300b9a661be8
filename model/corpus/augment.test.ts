import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AUGMENT_POLICY, activeRms, addNoise, drawChain, noiseSamples, setPeak, soxEffects } from './augment.ts';
import { randomFor } from './random.ts';

test('chains are deterministic for a seed and their parameters stay in range', () => {
  const chains = Array.from({ length: 3000 }, (_, i) => drawChain(randomFor(9, i)));
  assert.deepEqual(Array.from({ length: 3000 }, (_, i) => drawChain(randomFor(9, i))), chains);
  assert.notDeepEqual(Array.from({ length: 50 }, (_, i) => drawChain(randomFor(10, i))), chains.slice(0, 50));
  for (const c of chains) {
    assert.ok([0.9, 1, 1.1].includes(c.speed), `speed ${c.speed}`);
    if (c.pitchCents !== undefined) assert.ok(Math.abs(c.pitchCents) <= 300);
    if (c.noise) assert.ok(c.noise.snrDb >= 0 && c.noise.snrDb <= 30 && ['white', 'pink', 'brown'].includes(c.noise.colour));
    if (c.reverb) assert.ok(c.reverb.reverberance >= 10 && c.reverb.reverberance <= 70 && c.reverb.roomScale >= 20 && c.reverb.roomScale <= 100);
    assert.ok(c.padStart >= 0.05 && c.padStart <= 0.4 && c.padEnd >= 0.05 && c.padEnd <= 0.4);
    assert.ok(c.peakDb >= -20 && c.peakDb <= -1);
  }
  const share = (f: (c: (typeof chains)[number]) => boolean) => chains.filter(f).length / chains.length;
  const clean = share((c) => c.speed === 1 && !c.noise && !c.reverb && c.pitchCents === undefined && !c.telephone);
  assert.ok(clean > 0.2 && clean < 0.3, `clean share ${clean}`); // 20 % clean by policy, plus chains that drew nothing
  assert.ok(Math.abs(share((c) => c.noise !== undefined) - 0.8 * AUGMENT_POLICY.noise.probability) < 0.04);
  assert.ok(Math.abs(share((c) => c.telephone) - 0.8 * AUGMENT_POLICY.telephone.probability) < 0.02);
  for (const s of [0.9, 1, 1.1]) assert.ok(share((c) => c.speed === s) > 0.2, `speed ${s} drawn`);
  const lowSnr = chains.filter((c) => c.noise && c.noise.snrDb < 10).length / chains.filter((c) => c.noise).length;
  assert.ok(Math.abs(lowSnr - 1 / 9) < 0.03, `P(SNR < 10 dB) = ${lowSnr}`);
});

test('sox effects resample right after speed and pitch, and pad last', () => {
  const effects = soxEffects({ speed: 1.1, pitchCents: -150, reverb: { reverberance: 40, hfDamping: 50, roomScale: 60 }, padStart: 0.1, padEnd: 0.2, telephone: false, peakDb: -3 });
  assert.deepEqual(effects, ['speed', '1.1', 'rate', '16000', 'pitch', '-150', 'rate', '16000', 'reverb', '40', '50', '60', 'pad', '0.1', '0.2']);
  assert.deepEqual(soxEffects({ speed: 1, padStart: 0.05, padEnd: 0.3, telephone: false, peakDb: -3 }), ['pad', '0.05', '0.3']);
});

test('noise is mixed at the requested SNR against the speech, not the padding', () => {
  // A 440 Hz tone with silence on both sides: the active RMS is the tone's, 1/√2 of its amplitude.
  const speech = new Float32Array(16000 * 2);
  for (let i = 8000; i < 24000; i++) speech[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000);
  assert.ok(Math.abs(activeRms(speech) - 0.5 / Math.SQRT2) < 1e-3);
  for (const colour of ['white', 'pink', 'brown'] as const) {
    for (const snrDb of [0, 12.5, 30]) {
      const noisy = addNoise(speech, { colour, snrDb }, randomFor('noise', colour, snrDb));
      let sum = 0;
      for (let i = 0; i < noisy.length; i++) sum += (noisy[i] - speech[i]) ** 2;
      const measured = 20 * Math.log10(activeRms(speech) / Math.sqrt(sum / noisy.length));
      assert.ok(Math.abs(measured - snrDb) < 0.01, `${colour} at ${snrDb} dB measured ${measured}`);
    }
  }
});

test('noise colours: pink and brown put more energy in low frequencies than white', () => {
  // Ratio of first-difference power to signal power rises with the share of high frequencies (≈2 for white).
  const hfRatio = (x: Float32Array) => {
    let d = 0, p = 0;
    for (let i = 1; i < x.length; i++) { d += (x[i] - x[i - 1]) ** 2; p += x[i] ** 2; }
    return d / p;
  };
  const white = hfRatio(noiseSamples('white', 50000, randomFor('w')));
  const pink = hfRatio(noiseSamples('pink', 50000, randomFor('p')));
  const brown = hfRatio(noiseSamples('brown', 50000, randomFor('b')));
  assert.ok(Math.abs(white - 2) < 0.05, `white ${white}`);
  assert.ok(pink < white / 2 && brown < pink, `white ${white}, pink ${pink}, brown ${brown}`);
});

test('setPeak scales to the peak level and leaves silence alone', () => {
  const x = Float32Array.from([0.1, -0.4, 0.2]);
  const y = setPeak(x, -6);
  assert.ok(Math.abs(Math.max(...y.map(Math.abs)) - 10 ** (-6 / 20)) < 1e-6);
  assert.ok(Math.abs(y[0] / y[1] - x[0] / x[1]) < 1e-6);
  assert.deepEqual(setPeak(new Float32Array(4), -3), new Float32Array(4));
});
