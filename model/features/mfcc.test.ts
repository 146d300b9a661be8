import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FEATURES, featureDim, type FeatureConfig } from '../config.ts';
import { loadGolden } from './golden-fixture.ts';
import { extractCepstra, extractFeatures, frameCount, MfccExtractor } from './mfcc.ts';
import type { FeatureMatrix } from './feature-matrix.ts';

/**
 * Tolerance against the numpy golden: |ours − golden| <= 1e-4 · max(1, |golden|), i.e. absolute
 * 1e-4 for values up to 1 and relative 1e-4 above (c0 reaches ~ −100 on quiet frames, where the
 * Float32 output alone carries ~1e-5 absolute rounding). Measured: <= 2e-6.
 */
const TOLERANCE = 1e-4;

/** Worst scaled error per block of numCepstra columns (cepstra, deltas, delta-deltas). */
function worstErrors(ours: FeatureMatrix, golden: Float64Array, cepstra: number): number[] {
  const worst = [0, 0, 0];
  for (let t = 0; t < ours.frames; t++) {
    for (let j = 0; j < ours.dim; j++) {
      const reference = golden[t * ours.dim + j];
      const error = Math.abs(ours.data[t * ours.dim + j] - reference) / Math.max(1, Math.abs(reference));
      const block = Math.floor(j / cepstra);
      worst[block] = Math.max(worst[block], error);
    }
  }
  return worst;
}

const golden = loadGolden();

test('golden config is DEFAULT_FEATURES', () => {
  assert.deepEqual(golden.config, DEFAULT_FEATURES);
});

for (const goldenCase of golden.cases) {
  test(`matches numpy golden within 1e-4 (cepstra, deltas, delta-deltas): ${goldenCase.name}`, () => {
    const ours = extractFeatures(goldenCase.pcm, DEFAULT_FEATURES);
    assert.equal(ours.frames, goldenCase.frames);
    assert.equal(ours.dim, featureDim(DEFAULT_FEATURES));
    const [cepstra, delta, deltaDelta] = worstErrors(ours, goldenCase.features, DEFAULT_FEATURES.numCepstra);
    assert.ok(cepstra <= TOLERANCE, `cepstra error ${cepstra}`);
    assert.ok(delta <= TOLERANCE, `delta error ${delta}`);
    assert.ok(deltaDelta <= TOLERANCE, `delta-delta error ${deltaDelta}`);
  });
}

test('the golden comparison can fail: small recipe changes exceed the tolerance', () => {
  const speech = golden.cases.find((c) => c.name.includes('an251'))!;
  const variants: Partial<FeatureConfig>[] = [{ preEmphasis: 0.95 }, { fMax: 7700 }, { fMin: 30 }];
  for (const change of variants) {
    const ours = extractFeatures(speech.pcm, { ...DEFAULT_FEATURES, ...change });
    const worst = Math.max(...worstErrors(ours, speech.features, DEFAULT_FEATURES.numCepstra));
    assert.ok(worst > 10 * TOLERANCE, `${JSON.stringify(change)} should be caught, worst error ${worst}`);
  }
});

test('frameCount: 1 + ceil((L − 400)/160), at least 1 for non-empty input, 0 for empty', () => {
  const cases: [number, number][] = [[0, 0], [1, 1], [399, 1], [400, 1], [401, 2], [560, 2], [561, 3], [16000, 99]];
  for (const [samples, frames] of cases) assert.equal(frameCount(samples), frames, `L=${samples}`);
});

test('empty input gives 0 frames of the right width', () => {
  const out = extractFeatures(new Float32Array(0));
  assert.deepEqual([out.frames, out.dim, out.data.length], [0, 39, 0]);
});

test('digital silence is finite: c0 = √40·ln(energyFloor), c1… and all deltas ~ 0', () => {
  const out = extractFeatures(new Float32Array(1000));
  assert.equal(out.frames, frameCount(1000));
  const c0 = Math.sqrt(40) * Math.log(DEFAULT_FEATURES.energyFloor);
  for (let t = 0; t < out.frames; t++) {
    const row = out.data.subarray(t * 39, (t + 1) * 39);
    assert.ok(Math.abs(row[0] - c0) < 1e-4, `c0 ${row[0]} vs ${c0}`);
    for (let j = 1; j < 39; j++) assert.ok(Math.abs(row[j]) < 1e-9, `dim ${j} = ${row[j]}`);
  }
});

test('NaN or Infinity input throws a clear error instead of emitting NaN', () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    const pcm = new Float32Array(1000);
    pcm[517] = bad;
    assert.throws(() => extractFeatures(pcm), new RegExp(`finite audio samples, got ${bad} at sample 517`));
  }
});

test('absurdly large samples give finite features or throw, never Infinity', () => {
  const pcm = new Float32Array(800).fill(0);
  for (let i = 0; i < pcm.length; i++) pcm[i] = (i % 2 ? 1 : -1) * 1e30;
  // The spectrum is double precision: 1e30 is far from overflowing it.
  assert.ok(extractFeatures(pcm).data.every((v) => Number.isFinite(v)));
  // Past double range (only reachable through the frame API with Float64 input), a clear error.
  const huge = Float64Array.from({ length: 400 }, (_, i) => (i % 2 ? 1 : -1) * 1e200);
  assert.throws(() => new MfccExtractor().frameCepstra(huge, 0, 400, new Float32Array(13), 0), /non-finite cepstrum/);
});

test('gain invariance of c1…c12 and DC-offset invariance on full frames', () => {
  // Exact invariance is a property of the log spectrum without the additive energy floor (which
  // deliberately makes very quiet frames less sensitive to gain), so it is tested with none.
  const cfg = { ...DEFAULT_FEATURES, energyFloor: 0 };
  const speech = golden.cases.find((c) => c.name.includes('an251'))!;
  const reference = extractCepstra(speech.pcm, cfg);
  const quieter = extractCepstra(speech.pcm.map((v) => v * 0.1), cfg);
  const offset = extractCepstra(speech.pcm.map((v) => v + 0.05), cfg);
  const fullFrames = Math.floor((speech.pcm.length - 400) / 160) + 1;
  let gainChange = 0;
  let offsetChange = 0;
  for (let t = 0; t < fullFrames; t++) {
    for (let k = 1; k < 13; k++) {
      const r = reference.data[t * 13 + k];
      gainChange = Math.max(gainChange, Math.abs(quieter.data[t * 13 + k] - r));
      offsetChange = Math.max(offsetChange, Math.abs(offset.data[t * 13 + k] - r));
    }
    // A gain of 0.1 shifts every log-mel band by ln(0.01), hence c0 by √40·ln(0.01).
    const c0Shift = quieter.data[t * 13] - reference.data[t * 13];
    assert.ok(Math.abs(c0Shift - Math.sqrt(40) * Math.log(0.01)) < 1e-3, `c0 shift ${c0Shift}`);
  }
  assert.ok(gainChange < 1e-3, `gain changed c1…c12 by ${gainChange}`);
  assert.ok(offsetChange < 1e-3, `DC offset changed c1…c12 by ${offsetChange}`);
});

test('invalid configs are rejected with the reason', () => {
  assert.throws(() => new MfccExtractor({ ...DEFAULT_FEATURES, fftSize: 256 }), /fftSize \(256\) must be >= frameLength/);
  assert.throws(() => new MfccExtractor({ ...DEFAULT_FEATURES, fftSize: 500 }), /power of two/);
  assert.throws(() => new MfccExtractor({ ...DEFAULT_FEATURES, numCepstra: 41 }), /numCepstra/);
  assert.throws(() => new MfccExtractor({ ...DEFAULT_FEATURES, melBands: 200 }), /covers no FFT bin/);
});
