/**
 * Standard MFCC front end (HTK/Kaldi recipe, see ../../../shared/docs/meyda-mfcc.md §4.1), built
 * on fft.js's power spectrum (power-spectrum.ts). Per frame: DC removal, pre-emphasis, Hamming window, zero-pad to the
 * FFT size, power spectrum, HTK-mel triangles, ln(max(E, floor)), orthonormal DCT-II.
 */
import { DEFAULT_FEATURES, featureDim, type FeatureConfig } from '../config.ts';
import { validateFeatureConfig } from './feature-config.ts';
import { withDeltas } from './deltas.ts';
import { slidingCmnInPlace } from './sliding-cmn.ts';
import { emptyFeatures, type FeatureMatrix } from './feature-matrix.ts';
import { dctMatrix, melFilterBank, type MelFilter } from './mel-filterbank.ts';
import { PowerSpectrum } from './power-spectrum.ts';

/**
 * Number of frames for `numSamples` samples: 0 for empty input, otherwise
 * 1 + ceil((L − frameLength)/hop), at least 1. The last, partial frame is zero-padded.
 */
export function frameCount(numSamples: number, cfg: FeatureConfig = DEFAULT_FEATURES): number {
  if (numSamples <= 0) return 0;
  if (numSamples <= cfg.frameLength) return 1;
  return 1 + Math.ceil((numSamples - cfg.frameLength) / cfg.hopLength);
}

/** Throws a clear error at the first NaN/±Infinity sample; `offset` shifts the reported index. */
export function assertFiniteSamples(samples: ArrayLike<number>, offset = 0): void {
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    if (!Number.isFinite(v)) {
      throw new Error(`MFCC: expected finite audio samples, got ${v} at sample ${offset + i}`);
    }
  }
}

/** Computes cepstra frame by frame; reusable, holds its scratch buffers (not re-entrant). */
export class MfccExtractor {
  readonly cfg: FeatureConfig;
  private readonly spectrum: PowerSpectrum;
  private readonly window: Float64Array; // [frameLength]
  private readonly filters: MelFilter[];
  private readonly dct: Float64Array; // [numCepstra, melBands]
  private readonly frame: Float64Array; // [fftSize]
  private readonly power: Float64Array; // [fftSize/2 + 1]
  private readonly logMel: Float64Array; // [melBands]

  constructor(cfg: FeatureConfig = DEFAULT_FEATURES) {
    validateFeatureConfig(cfg);
    this.cfg = { ...cfg };
    this.spectrum = new PowerSpectrum(cfg.fftSize, cfg.sampleRate);
    // Symmetric Hamming (HTK/Kaldi), not the periodic one.
    const n = cfg.frameLength;
    this.window = new Float64Array(n);
    for (let i = 0; i < n; i++) this.window[i] = n === 1 ? 1 : 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (n - 1));
    this.filters = melFilterBank(cfg.melBands, cfg.fftSize, cfg.sampleRate, cfg.fMin, cfg.fMax);
    this.dct = dctMatrix(cfg.numCepstra, cfg.melBands);
    this.frame = new Float64Array(cfg.fftSize);
    this.power = new Float64Array(cfg.fftSize / 2 + 1);
    this.logMel = new Float64Array(cfg.melBands);
  }

  /**
   * Cepstra of the frame that starts at `signal[start]`: samples at index >= `end` count as
   * zeros (the padded tail). Writes numCepstra values to out[outOffset …]. Samples must already
   * be known finite. Offline and streaming extraction both go through here, so they agree bit
   * for bit.
   */
  frameCepstra(signal: ArrayLike<number>, start: number, end: number, out: Float32Array, outOffset: number): void {
    const { frameLength, preEmphasis, logFloor, energyFloor, numCepstra, melBands } = this.cfg;
    const frame = this.frame;
    const available = Math.max(0, Math.min(frameLength, end - start));
    let sum = 0;
    for (let i = 0; i < available; i++) {
      const v = signal[start + i];
      frame[i] = v;
      sum += v;
    }
    frame.fill(0, available); // padded tail of the signal and the FFT zero-padding
    // DC removal over the whole frameLength (padding included), then in-frame pre-emphasis
    // with the HTK/Kaldi convention for the first sample: x[0] −= k·x[0].
    const mean = sum / frameLength;
    for (let i = 0; i < frameLength; i++) frame[i] -= mean;
    for (let i = frameLength - 1; i > 0; i--) frame[i] -= preEmphasis * frame[i - 1];
    frame[0] -= preEmphasis * frame[0];
    for (let i = 0; i < frameLength; i++) frame[i] *= this.window[i];

    this.spectrum.compute(frame, this.power);
    for (let m = 0; m < melBands; m++) {
      const { firstBin, weights } = this.filters[m];
      let energy = energyFloor; // the dither-like floor (see FeatureConfig.energyFloor)
      for (let j = 0; j < weights.length; j++) energy += weights[j] * this.power[firstBin + j];
      this.logMel[m] = Math.log(energy > logFloor ? energy : logFloor);
    }
    for (let k = 0; k < numCepstra; k++) {
      let acc = 0;
      const row = k * melBands;
      for (let m = 0; m < melBands; m++) acc += this.dct[row + m] * this.logMel[m];
      if (!Number.isFinite(acc)) {
        // Only reachable with absurd amplitudes (the double-precision spectrum overflows near 1e150).
        throw new Error(`MFCC: non-finite cepstrum c${k} (${acc}); expected audio in [-1, 1]`);
      }
      out[outOffset + k] = acc;
    }
  }

  /** Cepstra of a whole utterance: [frames × numCepstra]. Throws on NaN/Infinity samples. */
  cepstra(pcm: Float32Array): FeatureMatrix {
    assertFiniteSamples(pcm);
    const { hopLength, numCepstra } = this.cfg;
    const frames = frameCount(pcm.length, this.cfg);
    const out = emptyFeatures(frames, numCepstra);
    for (let t = 0; t < frames; t++) this.frameCepstra(pcm, t * hopLength, pcm.length, out.data, t * numCepstra);
    return out;
  }
}

/** One extractor per config, so repeated calls skip the filter-bank and FFT set-up. */
const extractors = new Map<string, MfccExtractor>();

function extractorFor(cfg: FeatureConfig): MfccExtractor {
  const key = JSON.stringify(cfg);
  let extractor = extractors.get(key);
  if (!extractor) {
    extractor = new MfccExtractor(cfg);
    extractors.set(key, extractor);
  }
  return extractor;
}

/** Cepstra only (c0 … c{numCepstra−1}) of 16 kHz mono PCM: [frames × numCepstra]. */
export function extractCepstra(pcm: Float32Array, cfg: FeatureConfig = DEFAULT_FEATURES): FeatureMatrix {
  return extractorFor(cfg).cepstra(pcm);
}

/**
 * The model's input features for a whole utterance of 16 kHz mono PCM in [-1, 1]:
 * [frames × featureDim(cfg)] = cepstra, deltas, delta-deltas per row (cepstra mean-normalised over
 * a sliding window when cfg.cmnWindow is set; the global normalisation is the model's, see
 * normalisation.ts). Throws on NaN/Infinity samples.
 */
export function extractFeatures(pcm: Float32Array, cfg: FeatureConfig = DEFAULT_FEATURES): FeatureMatrix {
  const features = withDeltas(extractCepstra(pcm, cfg), cfg.deltaWindow);
  if (features.dim !== featureDim(cfg)) {
    throw new Error(`extractFeatures: expected dim ${featureDim(cfg)}, produced ${features.dim}`);
  }
  if (cfg.cmnWindow) slidingCmnInPlace(features.data, features.frames, features.dim, cfg.numCepstra, cfg.cmnWindow);
  return features;
}

