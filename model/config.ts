/**
 * Configuration records shared by every part of the engine. Each one is stored in a model's
 * meta.json, so a model always carries the exact front end and shape it was trained with.
 */

/** How 16 kHz PCM becomes feature frames (see ../shared/docs/meyda-mfcc.md §4.1). */
export interface FeatureConfig {
  /** Input rate; everything is resampled to it first. */
  sampleRate: 16000;
  /** Analysis window, in samples (25 ms). */
  frameLength: number;
  /** Hop between frames, in samples (10 ms). */
  hopLength: number;
  /** FFT size; the frame is zero-padded to it. A power of two (fft.js). */
  fftSize: number;
  /** Pre-emphasis coefficient applied inside each frame, after DC removal. */
  preEmphasis: number;
  /** Number of triangular mel filters (HTK mel scale). */
  melBands: number;
  /** Lowest and highest filter edge, in Hz. */
  fMin: number;
  fMax: number;
  /** Floor under the mel energies before the natural log, so silence stays finite. */
  logFloor: number;
  /**
   * Energy added to every mel band before the log, like a dither: about the band energy of white
   * noise at one 16-bit step (−90 dBFS). Digital silence (exact zeros, as in padded files or a
   * muted microphone) then looks like the quietest real recordings rather than a far outlier
   * that confuses the network.
   */
  energyFloor: number;
  /** Cepstra kept after the orthonormal DCT-II (c0 … c{n-1}). */
  numCepstra: number;
  /** Half-width of the HTK regression window for deltas and delta-deltas. */
  deltaWindow: number;
  /**
   * Sliding-window cepstral mean normalisation over this many frames (sliding-cmn.ts), for
   * robustness to microphones and lines; absent or 0: off (models trained without it).
   */
  cmnWindow?: number;
}

export const DEFAULT_FEATURES: FeatureConfig = {
  sampleRate: 16000,
  frameLength: 400,
  hopLength: 160,
  fftSize: 512,
  preEmphasis: 0.97,
  melBands: 40,
  fMin: 20,
  fMax: 7600,
  logFloor: 1e-10,
  energyFloor: 1e-7,
  numCepstra: 13,
  deltaWindow: 2,
};

/** Feature dimension: cepstra plus deltas plus delta-deltas. */
export function featureDim(cfg: FeatureConfig): number {
  return cfg.numCepstra * 3;
}

export type RecurrentKind = 'lstm' | 'peephole' | 'gru';

/** Shape of the acoustic model. */
export interface ModelConfig {
  /** Recurrent cell used by every layer (but the top one when headArch is set). */
  arch: RecurrentKind;
  /**
   * Cell of the top recurrent layer when it differs from `arch` (a fine-tuned model whose head
   * was replaced by a fresh layer of another kind). Absent in older models: all layers are `arch`.
   */
  headArch?: RecurrentKind;
  /** Number of stacked recurrent layers. */
  layers: number;
  /** Hidden units per layer. */
  units: number;
  /**
   * Frame stacking: k consecutive feature frames are concatenated into one network step
   * (hop k×10 ms), which divides the recurrent work by k. 1 = no stacking.
   */
  stack: number;
  /** Characters the model emits; index 0 of the output is the CTC blank, then these. */
  alphabet: string;
}

export const DEFAULT_MODEL: ModelConfig = {
  arch: 'lstm',
  layers: 2,
  units: 256,
  stack: 3,
  alphabet: "abcdefghijklmnopqrstuvwxyz '",
};
