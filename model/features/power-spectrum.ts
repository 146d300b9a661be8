/**
 * Windowed power spectrum of one frame, by fft.js's radix-4 real FFT. This is the only module
 * that imports an FFT.
 *
 * Why fft.js and not Meyda (which the front end used before): Meyda's `extract` allocates fresh
 * arrays on every call and runs a radix-2 complex FFT on a real signal; its spectrum was ~80 %
 * of the MFCC time (npm run bench: 227–273× real time). fft.js transforms in place into a buffer
 * we own, in double precision (Meyda's power spectrum was Float32; the features differ by float
 * rounding only). The MFCC itself was never Meyda's (see mfcc.ts), only this spectrum.
 */
import FFT from 'fft.js';

/**
 * Computes |FFT|² of an fftSize-sample frame, bins 0 … fftSize/2 inclusive (Nyquist included).
 * The caller applies its own window. Holds its scratch buffer: not re-entrant, which is fine
 * since it is synchronous.
 */
export class PowerSpectrum {
  /** FFT length (a power of two). */
  readonly fftSize: number;
  /** Number of bins returned: fftSize/2 + 1. */
  readonly bins: number;
  private readonly fft: FFT;
  private readonly complex: number[]; // [2*fftSize]: interleaved re, im

  constructor(fftSize: number, _sampleRate: number) {
    if (!Number.isInteger(fftSize) || fftSize < 4 || (fftSize & (fftSize - 1)) !== 0) {
      throw new Error(`PowerSpectrum: fftSize must be a power of two >= 4, got ${fftSize}`);
    }
    this.fftSize = fftSize;
    this.bins = fftSize / 2 + 1;
    this.fft = new FFT(fftSize);
    this.complex = this.fft.createComplexArray();
  }

  /**
   * Writes the power spectrum of `frame` (exactly fftSize samples, already windowed and
   * zero-padded) into `out` (at least fftSize/2 + 1 entries).
   */
  compute(frame: Float64Array, out: Float64Array): void {
    if (frame.length !== this.fftSize) {
      throw new Error(`PowerSpectrum: expected a frame of ${this.fftSize} samples, got ${frame.length}`);
    }
    if (out.length < this.bins) {
      throw new Error(`PowerSpectrum: output needs ${this.bins} entries, got ${out.length}`);
    }
    // realTransform fills bins 0 … fftSize/2 (the left half), which is all a real signal needs.
    this.fft.realTransform(this.complex, frame);
    const spectrum = this.complex;
    for (let k = 0; k < this.bins; k++) {
      const re = spectrum[2 * k];
      const im = spectrum[2 * k + 1];
      out[k] = re * re + im * im;
    }
  }
}
