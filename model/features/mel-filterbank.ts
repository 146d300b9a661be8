/** HTK-mel triangular filter bank over a one-sided power spectrum, and the orthonormal DCT-II. */

/** HTK mel scale: 1127·ln(1 + f/700) (= 2595·log10(1 + f/700)). */
export function hzToMel(hz: number): number {
  return 1127 * Math.log(1 + hz / 700);
}

/** One triangle: weights for bins firstBin … firstBin+weights.length−1; all others are zero. */
export interface MelFilter {
  firstBin: number;
  weights: Float64Array;
}

/**
 * Builds `bands` triangles whose edges are equally spaced on the mel axis between fMin and fMax
 * (fractional, not snapped to bins). Each triangle is linear in mel between its edges, with peak
 * 1 at its centre (HTK/Kaldi style, no area normalisation). Bin k sits at k·sampleRate/fftSize,
 * k = 0 … fftSize/2 (Nyquist included). Throws if a band covers no bin: it would be constant.
 */
export function melFilterBank(
  bands: number,
  fftSize: number,
  sampleRate: number,
  fMin: number,
  fMax: number,
): MelFilter[] {
  const melMin = hzToMel(fMin);
  const melMax = hzToMel(fMax);
  const edges = new Float64Array(bands + 2);
  for (let i = 0; i < bands + 2; i++) edges[i] = melMin + ((melMax - melMin) * i) / (bands + 1);
  const bins = fftSize / 2 + 1;
  const binMel = new Float64Array(bins);
  for (let k = 0; k < bins; k++) binMel[k] = hzToMel((k * sampleRate) / fftSize);

  const filters: MelFilter[] = [];
  for (let m = 0; m < bands; m++) {
    const left = edges[m];
    const centre = edges[m + 1];
    const right = edges[m + 2];
    const weights: number[] = [];
    let firstBin = -1;
    for (let k = 0; k < bins; k++) {
      const mel = binMel[k];
      if (mel <= left || mel >= right) continue;
      const weight = mel <= centre ? (mel - left) / (centre - left) : (right - mel) / (right - centre);
      if (firstBin < 0) firstBin = k;
      weights.push(weight);
    }
    if (firstBin < 0) {
      throw new Error(
        `melFilterBank: band ${m} (${left.toFixed(1)}–${right.toFixed(1)} mel) covers no FFT bin; ` +
          `use fewer than ${bands} bands or a larger FFT than ${fftSize}`,
      );
    }
    filters.push({ firstBin, weights: Float64Array.from(weights) });
  }
  return filters;
}

/**
 * Orthonormal DCT-II matrix, [numCoeffs × size] row-major:
 * c_k = s_k Σ_n x_n cos(πk(2n+1)/(2·size)), s_0 = √(1/size), s_k = √(2/size).
 */
export function dctMatrix(numCoeffs: number, size: number): Float64Array {
  const matrix = new Float64Array(numCoeffs * size); // [numCoeffs, size]
  for (let k = 0; k < numCoeffs; k++) {
    const scale = Math.sqrt((k === 0 ? 1 : 2) / size);
    for (let n = 0; n < size; n++) {
      matrix[k * size + n] = scale * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * size));
    }
  }
  return matrix;
}
