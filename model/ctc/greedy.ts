/** Best-path decoding: the most likely class per frame, repeats merged, blanks dropped. */
import { BLANK } from '../text/alphabet.ts';

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
