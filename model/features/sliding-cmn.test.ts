import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FEATURES, featureDim, type FeatureConfig } from '../config.ts';
import { loadAudioFile } from '../audio/load-audio.ts';
import { createRandom } from '../train/random.ts';
import { concatFeatures, type FeatureMatrix } from './feature-matrix.ts';
import { extractFeatures } from './mfcc.ts';
import { slidingCmnInPlace } from './sliding-cmn.ts';
import { StreamingFeatures } from './streaming-features.ts';

const SAMPLE = fileURLToPath(new URL('../../assets/samples/an4-mskh-one-five-two-three-two.wav', import.meta.url));
const WITH_CMN: FeatureConfig = { ...DEFAULT_FEATURES, cmnWindow: 100 };

test('sliding CMN equals the brute-force mean over the last W rows of the cepstra, and leaves the deltas alone', () => {
  const random = createRandom(3);
  const [frames, rowDim, cepstra, window] = [50, 39, 13, 7];
  const raw = Float32Array.from({ length: frames * rowDim }, () => random() * 10 - 5);
  const data = raw.slice();
  slidingCmnInPlace(data, frames, rowDim, cepstra, window);
  for (let t = 0; t < frames; t++) {
    const from = Math.max(0, t - window + 1);
    for (let j = 0; j < rowDim; j++) {
      let expected = raw[t * rowDim + j];
      if (j < cepstra) {
        let sum = 0;
        for (let u = from; u <= t; u++) sum += raw[u * rowDim + j];
        expected -= sum / (t - from + 1);
      }
      assert.ok(Math.abs(data[t * rowDim + j] - expected) < 1e-5, `row ${t} dim ${j}: ${data[t * rowDim + j]} vs ${expected}`);
    }
  }
});

test('streaming with CMN gives exactly the offline features, whatever the chunking', async () => {
  const { samples } = await loadAudioFile(SAMPLE);
  const offline = extractFeatures(samples, WITH_CMN);
  const random = createRandom(11);
  const stream = new StreamingFeatures(WITH_CMN);
  const parts: FeatureMatrix[] = [];
  for (let offset = 0; offset < samples.length; ) {
    const size = 1 + Math.floor(random() * 3000);
    parts.push(stream.push(samples.slice(offset, offset + size)));
    offset += size;
  }
  parts.push(stream.flush());
  const streamed = concatFeatures(parts, featureDim(WITH_CMN));
  assert.equal(streamed.frames, offline.frames);
  assert.deepEqual(streamed.data, offline.data);
  // And CMN did something: the plain front end differs.
  assert.notDeepEqual(extractFeatures(samples, DEFAULT_FEATURES).data, offline.data);
});

test('through another "microphone" (a quieter, tilted channel) the CMN cepstra stay close; without CMN they do not', async () => {
  const { samples } = await loadAudioFile(SAMPLE);
  // A fixed channel: gain 0.3 and a first-order high-frequency lift, y[n] = 0.3·(x[n] − 0.5·x[n−1]).
  const channel = samples.map((x, n) => 0.3 * (x - 0.5 * (n > 0 ? samples[n - 1] : 0)));
  const distance = (cfg: FeatureConfig): number => {
    const a = extractFeatures(samples, cfg);
    const b = extractFeatures(channel, cfg);
    const dim = featureDim(cfg);
    let sum = 0;
    let count = 0;
    // Once the window has filled, static cepstra c1… (c0 is loudness and also moves with the speech itself).
    for (let t = cfg.cmnWindow ?? 100; t < a.frames; t++) {
      for (let j = 1; j < cfg.numCepstra; j++) {
        sum += Math.abs(a.data[t * dim + j] - b.data[t * dim + j]);
        count++;
      }
    }
    return sum / count;
  };
  const plain = distance(DEFAULT_FEATURES);
  const normalised = distance(WITH_CMN);
  assert.ok(normalised < 0.5 * plain, `CMN distance ${normalised.toFixed(3)} should be well under the plain ${plain.toFixed(3)}`);
});
