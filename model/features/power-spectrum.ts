/**
 * Windowed power spectrum of one frame, computed by Meyda's FFT. This is the ONLY module that
 * imports Meyda (see ../../../shared/docs/meyda-mfcc.md §1 for the hazards handled here).
 *
 * Why not Meyda's own `mfcc`: it takes log(E+1) (scale dependent), quantises filter edges and
 * cannot zero-pad a 25 ms frame. We only use its spectrum and build a standard MFCC on top.
 */
import MeydaImport from 'meyda';

/** The subset of Meyda's default export that we use; `extract` works on any object with it. */
interface MeydaLike {
  bufferSize: number;
  sampleRate: number;
  windowingFunction: string;
  /** Array form: its run-time result is `{ [feature]: value }` (the string form is mistyped). */
  extract(
    features: string[],
    signal: Float64Array,
  ): { powerSpectrum?: Float32Array; complexSpectrum?: { real: ArrayLike<number>; imag: ArrayLike<number> } } | null;
  melFilterBank?: unknown;
  barkScale?: unknown;
  chromaFilterBank?: unknown;
}

// Meyda ships CommonJS with ESM typings: at run time under Node the default import is
// `module.exports` (the Meyda object), while TypeScript types it as the module namespace.
// Bundlers may hand us `{ default: Meyda }` instead, so accept both.
const Meyda = ((MeydaImport as unknown as { default?: unknown }).default ?? MeydaImport) as MeydaLike;

/** One private Meyda configuration per (fftSize, sampleRate); building one costs ~10-20 ms. */
const privateInstances = new Map<string, MeydaLike>();

/**
 * A private copy of Meyda's configuration, never mutated after creation. The cached banks copied
 * from the global object (if anyone used it) are dropped so Meyda rebuilds them for *these*
 * settings; `extract` is synchronous, so sharing one copy between extractors is safe.
 */
function privateMeyda(fftSize: number, sampleRate: number): MeydaLike {
  const key = `${fftSize}@${sampleRate}`;
  let own = privateInstances.get(key);
  if (!own) {
    own = Object.assign({}, Meyda, { bufferSize: fftSize, sampleRate, windowingFunction: 'rect' });
    delete own.melFilterBank;
    delete own.barkScale;
    delete own.chromaFilterBank;
    privateInstances.set(key, own);
  }
  return own;
}

/**
 * Computes |FFT|² of an fftSize-sample frame, bins 0 … fftSize/2 inclusive (Nyquist included).
 *
 * The caller applies its own window; Meyda runs with a rectangular window. We never touch
 * Meyda's global default export: it is mutable shared state whose cached filter banks go stale
 * when `sampleRate`/`bufferSize` change (§1.1), so a private configuration is used instead.
 */
export class PowerSpectrum {
  /** FFT length (a power of two). */
  readonly fftSize: number;
  /** Number of bins returned: fftSize/2 + 1. */
  readonly bins: number;
  private readonly meyda: MeydaLike;

  constructor(fftSize: number, sampleRate: number) {
    if (!Number.isInteger(fftSize) || fftSize < 2 || (fftSize & (fftSize - 1)) !== 0) {
      throw new Error(`PowerSpectrum: fftSize must be a power of two >= 2, got ${fftSize}`);
    }
    this.fftSize = fftSize;
    this.bins = fftSize / 2 + 1;
    this.meyda = privateMeyda(fftSize, sampleRate);
  }

  /**
   * Writes the power spectrum of `frame` (exactly fftSize samples, already windowed and
   * zero-padded) into `out` (at least fftSize/2 + 1 entries).
   *
   * Bins 0 … fftSize/2−1 come from Meyda's `powerSpectrum` (Float32, as Meyda stores it).
   * Meyda drops the Nyquist bin (its loop stops at bufferSize/2), so that one is taken from
   * Meyda's complex spectrum, which does contain it.
   */
  compute(frame: Float64Array, out: Float64Array): void {
    if (frame.length !== this.fftSize) {
      // Meyda silently reads the wrong bins when the frame length differs from bufferSize.
      throw new Error(`PowerSpectrum: expected a frame of ${this.fftSize} samples, got ${frame.length}`);
    }
    if (out.length < this.bins) {
      throw new Error(`PowerSpectrum: output needs ${this.bins} entries, got ${out.length}`);
    }
    const result = this.meyda.extract(['powerSpectrum', 'complexSpectrum'], frame);
    const power = result?.powerSpectrum;
    const complex = result?.complexSpectrum;
    if (!power || !complex || power.length !== this.fftSize / 2) {
      throw new Error(
        `PowerSpectrum: Meyda returned ${power?.length ?? 'no'} power bins, expected ${this.fftSize / 2}`,
      );
    }
    const half = this.fftSize / 2;
    for (let k = 0; k < half; k++) out[k] = power[k];
    const nyqRe = complex.real[half];
    const nyqIm = complex.imag[half];
    out[half] = nyqRe * nyqRe + nyqIm * nyqIm;
  }
}
