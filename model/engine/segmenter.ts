/**
 * Where to cut a long recording into independently decoded segments, found in the network's
 * own output: a pause is a run of steps where the CTC blank is the most likely class with high
 * probability (the model hears no speech), so the voice-activity signal is the model itself and
 * needs no second detector to tune. Decoding and word alignment then run per segment, which
 * keeps their time and memory proportional to the audio instead of its square (the Viterbi
 * alignment is frames × (2·labels + 1) cells), and gives the text its paragraphs.
 *
 * Cuts fall in the middle of a pause's first `pauseSteps` steps, on a blank step, so a CTC path
 * never crosses them: greedy text and Viterbi word timings are the same as over the whole.
 * A segment shorter than `minSegmentSteps` is never cut, so short recordings decode exactly as
 * one piece. Without a pause for `maxSegmentSteps`, the cut goes to the most confidently blank
 * step of the segment's second half (or, if no step there is blank, the end of that window).
 * Cuts depend only on the log-probabilities, never on how the audio was chunked.
 */
import { BLANK } from '../text/alphabet.ts';

export interface SegmenterOptions {
  /** Blank steps in a row that make a pause. */
  pauseSteps: number;
  /** A step is silent when blank is its most likely class with at least this probability. */
  blankProbability: number;
  /** No cut before this many steps into a segment. */
  minSegmentSteps: number;
  /** A segment is cut by force when it reaches this many steps. */
  maxSegmentSteps: number;
  /**
   * After this many silent steps in a row the recognizer resets the recurrent state to zero
   * (undefined: never). A long pause ends what the state should remember, and an hour of
   * carried state would otherwise drift (issue #12).
   */
  resetPauseSteps?: number;
}

/** Defaults in seconds: 0.3 s pauses, segments of 10 to 30 s, a state reset after 1.5 s of silence. */
export function defaultSegmenterOptions(stepSeconds: number): SegmenterOptions {
  return {
    pauseSteps: Math.max(2, Math.round(0.3 / stepSeconds)),
    blankProbability: 0.9,
    minSegmentSteps: Math.round(10 / stepSeconds),
    maxSegmentSteps: Math.round(30 / stepSeconds),
    resetPauseSteps: Math.round(1.5 / stepSeconds),
  };
}

/**
 * The first cut in an open segment's log-probabilities [steps × classes] (the segment's first
 * step is index 0), or null when the segment should stay open. The returned index c splits it
 * into steps [0, c) and [c, steps); 0 < c ≤ steps.
 */
export function findCut(logProbs: Float32Array, steps: number, classes: number, opts: SegmenterOptions): number | null {
  const { pauseSteps, minSegmentSteps, maxSegmentSteps } = opts;
  const threshold = Math.log(opts.blankProbability);
  const silent = (t: number): boolean => {
    const row = t * classes;
    const blank = logProbs[row + BLANK];
    if (blank < threshold) return false;
    for (let k = 1; k < classes; k++) if (logProbs[row + k] > blank) return false;
    return true;
  };
  let runStart = -1;
  const scanEnd = Math.min(steps, maxSegmentSteps + pauseSteps);
  for (let t = 0; t < scanEnd; t++) {
    if (!silent(t)) { runStart = -1; continue; }
    if (runStart < 0) runStart = t;
    if (t - runStart + 1 === pauseSteps) {
      const cut = runStart + (pauseSteps >> 1);
      if (cut >= minSegmentSteps && cut < maxSegmentSteps) return cut;
    }
  }
  // Wait until every pause that could cut before maxSegmentSteps has been seen (chunking-independent).
  if (steps < maxSegmentSteps + pauseSteps) return null;
  // No pause: the most confidently blank step (argmax blank) in the second half of the window.
  let best = -1;
  let bestScore = -Infinity;
  for (let t = maxSegmentSteps >> 1; t < maxSegmentSteps; t++) {
    if (isArgmaxBlank(logProbs, t, classes)) {
      const score = logProbs[t * classes + BLANK];
      if (score > bestScore) { bestScore = score; best = t; }
    }
  }
  return best > 0 ? best : maxSegmentSteps;
}

function isArgmaxBlank(logProbs: Float32Array, t: number, classes: number): boolean {
  const row = t * classes;
  for (let k = 1; k < classes; k++) if (logProbs[row + k] > logProbs[row + BLANK]) return false;
  return true;
}
