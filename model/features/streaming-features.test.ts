import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FEATURES } from '../config.ts';
import { concatFeatures, type FeatureMatrix } from './feature-matrix.ts';
import { loadGolden } from './golden-fixture.ts';
import { extractFeatures } from './mfcc.ts';
import { StreamingFeatures } from './streaming-features.ts';
import { createRandom } from '../train/random.ts';

/** Seeded PRNG, so failures reproduce. */
const random = createRandom;

/** Streams `pcm` in chunks of the given sizes (cycled), then flushes; returns all rows. */
function stream(pcm: Float32Array, sizes: (i: number) => number, stream = new StreamingFeatures()): FeatureMatrix {
  const parts: FeatureMatrix[] = [];
  for (let offset = 0, i = 0; offset < pcm.length; i++) {
    const size = sizes(i);
    parts.push(stream.push(pcm.slice(offset, offset + size)));
    offset += size;
  }
  parts.push(stream.flush());
  for (const part of parts) assert.equal(part.dim, 39);
  return concatFeatures(parts, 39);
}

/** Bit-identical comparison (Object.is also tells −0 from +0). */
function assertIdentical(actual: FeatureMatrix, expected: FeatureMatrix, label: string): void {
  assert.equal(actual.frames, expected.frames, `${label}: frame count`);
  assert.equal(actual.dim, expected.dim, `${label}: dim`);
  for (let i = 0; i < expected.data.length; i++) {
    if (!Object.is(actual.data[i], expected.data[i])) {
      assert.fail(`${label}: value ${i} (frame ${Math.floor(i / 39)}) differs: ${actual.data[i]} vs ${expected.data[i]}`);
    }
  }
}

const { cases } = loadGolden();
const speech = cases.find((c) => c.name.includes('an251'))!.pcm;
const synthetic = cases.find((c) => c.name.includes('synthetic'))!.pcm;

test('random chunk sizes (seeded) give exactly the offline features', () => {
  for (const [name, pcm] of [['speech', speech], ['synthetic', synthetic]] as const) {
    const offline = extractFeatures(pcm, DEFAULT_FEATURES);
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = random(seed);
      const maxChunk = [3, 50, 400, 2000, 9000][seed - 1];
      assertIdentical(stream(pcm, () => 1 + Math.floor(next() * maxChunk)), offline, `${name} seed ${seed}`);
    }
  }
});

test('1-sample chunks, hop-sized chunks and one chunk larger than the signal match offline', () => {
  const pcm = synthetic.subarray(0, 3000);
  const offline = extractFeatures(pcm);
  assertIdentical(stream(pcm, () => 1), offline, '1-sample chunks');
  assertIdentical(stream(pcm, () => 160), offline, 'hop-sized chunks');
  assertIdentical(stream(pcm, () => 100000), offline, 'one huge chunk');
});

test('short inputs: empty, 1 sample, 399, 400 and 401 samples, including empty chunks', () => {
  assert.equal(new StreamingFeatures().flush().frames, 0);
  for (const length of [1, 2, 399, 400, 401, 560, 561]) {
    const pcm = synthetic.subarray(0, length);
    const offline = extractFeatures(pcm);
    assertIdentical(stream(pcm, () => 1), offline, `L=${length}, 1-sample chunks`);
    const s = new StreamingFeatures();
    s.push(new Float32Array(0));
    assertIdentical(stream(pcm, () => 7, s), offline, `L=${length}, after an empty chunk`);
  }
});

test('rows appear with 2·deltaWindow frames of look-ahead, not at flush only', () => {
  const s = new StreamingFeatures();
  // Frames 0…9 complete at 400 + 9·160 samples; rows 0…(10 − 1 − 4) are then final.
  const rows = s.push(synthetic.slice(0, 400 + 9 * 160));
  assert.equal(rows.frames, 10 - 2 * DEFAULT_FEATURES.deltaWindow);
});

test('NaN input throws with its absolute sample index; misuse after flush throws; reset works', () => {
  const s = new StreamingFeatures();
  s.push(synthetic.slice(0, 1000));
  const bad = synthetic.slice(1000, 1200);
  bad[17] = NaN;
  assert.throws(() => s.push(bad), /finite audio samples, got NaN at sample 1017/);
  s.flush();
  assert.throws(() => s.push(synthetic.slice(0, 10)), /already flushed/);
  s.reset();
  assertIdentical(stream(synthetic, () => 333, s), extractFeatures(synthetic), 'after reset');
});
