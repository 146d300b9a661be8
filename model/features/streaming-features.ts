/**
 * Incremental feature extraction for live audio. Output concatenated over push() calls and the
 * final flush() is bit-identical to extractFeatures() on the whole utterance, for any chunking:
 * every frame goes through the same MfccExtractor.frameCepstra and deltas.regressionFrame calls
 * with the same inputs as offline.
 *
 * Latency: a feature row for frame t needs cepstra up to t + 2·deltaWindow (delta-deltas are
 * deltas of deltas), i.e. 4 frames (40 ms) of look-ahead with the defaults, plus the 25 ms frame.
 */
import { DEFAULT_FEATURES, featureDim, type FeatureConfig } from '../config.ts';
import { regressionFrame, writeFeatureRow } from './deltas.ts';
import { emptyFeatures, type FeatureMatrix } from './feature-matrix.ts';
import { assertFiniteSamples, frameCount, MfccExtractor } from './mfcc.ts';
import { SlidingCmn } from './sliding-cmn.ts';

/**
 * Feeds 16 kHz mono Float32 chunks of any size; returns completed feature rows
 * ([frames × featureDim], same layout as extractFeatures). One utterance per instance; call
 * reset() to start another.
 */
export class StreamingFeatures {
  readonly cfg: FeatureConfig;
  /** Row width: featureDim(cfg). */
  readonly dim: number;
  private readonly extractor: MfccExtractor;
  private readonly cepDim: number;
  private readonly window: number;

  /** Samples not yet needed by any frame; samples[0] is absolute sample `samplesBase`. */
  private samples = new Float32Array(4096);
  private samplesBase = 0;
  private samplesLength = 0;
  /** Total samples pushed so far. */
  private totalSamples = 0;

  /** Cepstra rows by frame; cepstra[0] is frame `cepBase`. cepCount frames computed in total. */
  private cepstra: Float32Array[] = [];
  private cepBase = 0;
  private cepCount = 0;
  /** Delta rows by frame; deltaRows[0] is frame `deltaBase`. deltaCount computed in total. */
  private deltaRows: Float32Array[] = [];
  private deltaBase = 0;
  private deltaCount = 0;
  /** Feature rows already returned. */
  private emitted = 0;
  private finished = false;
  /** Sliding cepstral mean normalisation of emitted rows, when the front end has it. */
  private readonly cmn?: SlidingCmn;

  constructor(cfg: FeatureConfig = DEFAULT_FEATURES) {
    this.extractor = new MfccExtractor(cfg);
    this.cfg = this.extractor.cfg;
    this.cepDim = cfg.numCepstra;
    this.dim = featureDim(cfg);
    this.window = cfg.deltaWindow;
    if (cfg.cmnWindow) this.cmn = new SlidingCmn(cfg.cmnWindow, cfg.numCepstra);
  }

  /** Forgets everything, ready for a new utterance. */
  reset(): void {
    this.samplesBase = 0;
    this.samplesLength = 0;
    this.totalSamples = 0;
    this.cepstra = [];
    this.cepBase = 0;
    this.cepCount = 0;
    this.deltaRows = [];
    this.deltaBase = 0;
    this.deltaCount = 0;
    this.emitted = 0;
    this.finished = false;
    this.cmn?.reset();
  }

  /**
   * Appends a chunk and returns the feature rows it completed (possibly none). Throws on NaN or
   * Infinity samples (nothing of that chunk is kept) and after flush() until reset().
   */
  push(chunk: Float32Array): FeatureMatrix {
    if (this.finished) throw new Error('StreamingFeatures.push: utterance already flushed; call reset() first');
    assertFiniteSamples(chunk, this.totalSamples);
    this.append(chunk);
    const { frameLength, hopLength } = this.cfg;
    // Frames lying entirely inside the samples received so far.
    while (this.cepCount * hopLength + frameLength <= this.totalSamples) this.computeCepstra(this.totalSamples);
    // Rows whose whole regression context (up to frame t + 2W) is known.
    return this.emitRows(this.cepCount - 2 * this.window, this.cepCount - this.window, this.cepCount - 1);
  }

  /** Ends the utterance: zero-pads the last partial frame and returns every remaining row. */
  flush(): FeatureMatrix {
    if (this.finished) throw new Error('StreamingFeatures.flush: already flushed; call reset() first');
    this.finished = true;
    const total = frameCount(this.totalSamples, this.cfg);
    while (this.cepCount < total) this.computeCepstra(this.totalSamples);
    return this.emitRows(total, total, total - 1);
  }

  private append(chunk: Float32Array): void {
    const needed = this.samplesLength + chunk.length;
    if (needed > this.samples.length) {
      const grown = new Float32Array(Math.max(needed, 2 * this.samples.length));
      grown.set(this.samples.subarray(0, this.samplesLength));
      this.samples = grown;
    }
    this.samples.set(chunk, this.samplesLength);
    this.samplesLength = needed;
    this.totalSamples += chunk.length;
  }

  /** Computes cepstra of frame cepCount; `end` = samples known (later ones are padding zeros). */
  private computeCepstra(end: number): void {
    const t = this.cepCount;
    const start = t * this.cfg.hopLength;
    const row = new Float32Array(this.cepDim);
    this.extractor.frameCepstra(this.samples, start - this.samplesBase, end - this.samplesBase, row, 0);
    this.cepstra.push(row);
    this.cepCount++;
    // Drop samples no later frame needs (compacting in place keeps pushes of 1 sample cheap).
    const keepFrom = this.cepCount * this.cfg.hopLength - this.samplesBase;
    if (keepFrom >= this.samples.length / 2) {
      const keep = Math.min(keepFrom, this.samplesLength);
      this.samples.copyWithin(0, keep, this.samplesLength);
      this.samplesLength -= keep;
      this.samplesBase += keep;
    }
  }

  /**
   * Emits rows emitted … rowsUpTo−1, first computing deltas for frames < deltasUpTo.
   * `lastFrame` is the index edge-replication clamps to: the final frame at flush; during
   * push no clamp at the top is ever reached, because only frames with full context are used.
   */
  private emitRows(rowsUpTo: number, deltasUpTo: number, lastFrame: number): FeatureMatrix {
    const W = this.window;
    const context: Float32Array[] = new Array(2 * W + 1);
    const clamp = (i: number) => Math.min(lastFrame, Math.max(0, i));
    for (; this.deltaCount < deltasUpTo; this.deltaCount++) {
      const t = this.deltaCount;
      for (let n = -W; n <= W; n++) context[W + n] = this.cepstra[clamp(t + n) - this.cepBase];
      const row = new Float32Array(this.cepDim);
      regressionFrame(context, this.cepDim, W, row, 0);
      this.deltaRows.push(row);
    }
    const count = Math.max(0, rowsUpTo - this.emitted);
    const out = emptyFeatures(count, this.dim);
    const deltaDelta = new Float32Array(this.cepDim);
    for (let r = 0; r < count; r++) {
      const t = this.emitted + r;
      for (let n = -W; n <= W; n++) context[W + n] = this.deltaRows[clamp(t + n) - this.deltaBase];
      regressionFrame(context, this.cepDim, W, deltaDelta, 0);
      writeFeatureRow(
        this.cepstra[t - this.cepBase],
        this.deltaRows[t - this.deltaBase],
        deltaDelta,
        this.cepDim,
        out.data,
        r * this.dim,
      );
      this.cmn?.apply(out.data, r * this.dim);
    }
    this.emitted += count;
    // Keep only what later rows can still reach: cepstra from emitted − 2W, deltas from emitted − W.
    const dropCep = Math.max(0, this.emitted - 2 * W - this.cepBase);
    if (dropCep > 0) {
      this.cepstra.splice(0, dropCep);
      this.cepBase += dropCep;
    }
    const dropDelta = Math.max(0, this.emitted - W - this.deltaBase);
    if (dropDelta > 0) {
      this.deltaRows.splice(0, dropDelta);
      this.deltaBase += dropDelta;
    }
    return out;
  }
}
