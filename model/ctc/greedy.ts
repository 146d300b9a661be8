/** Best-path decoding: the most likely class per frame, repeats merged, blanks dropped. */
import { Alphabet, BLANK } from '../text/alphabet.ts';
import { alignWords } from './alignment.ts';
import type { DecodeResult } from './types.ts';

/** Class ids of the best path after collapsing repeats and removing blanks. */
export function greedyLabels(logProbs: ArrayLike<number>, frames: number, classes: number): number[] {
  const labels: number[] = [];
  let previous = BLANK;
  for (let t = 0; t < frames; t++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (logProbs[t * classes + k] > logProbs[t * classes + best]) best = k;
    if (best !== BLANK && best !== previous) labels.push(best);
    previous = best;
  }
  return labels;
}

/** Greedy CTC decoding of [frames × alphabet.size] log-probabilities. */
export function greedyDecode(logProbs: ArrayLike<number>, frames: number, alphabet: Alphabet,
                             frameSeconds: number): DecodeResult {
  return alignWords(logProbs, frames, alphabet, greedyLabels(logProbs, frames, alphabet.size), frameSeconds);
}
