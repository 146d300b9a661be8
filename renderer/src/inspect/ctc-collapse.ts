/**
 * Why the CTC lane's letters ("sseeevv·ennn") read as "seven": the network emits one label per
 * step, and CTC's rule turns that into text in two moves: runs of the same label merge into one,
 * then blanks drop out. A blank between two equal letters is what lets a word keep a double
 * letter ("l·l" → "ll", while "ll" → "l"). This builds the explanation the hover shows.
 */

/** How a blank is written in the explanation. */
export const BLANK_MARK = '·';

/** Runs of equal labels merged (blank = class 0 included), in order: the middle of CTC's rule. */
export function mergeRepeats(labels: ArrayLike<number>): number[] {
  const merged: number[] = [];
  for (let i = 0; i < labels.length; i++) if (i === 0 || labels[i] !== labels[i - 1]) merged.push(labels[i]);
  return merged;
}

/** The full rule: merge repeats, then drop blanks (class 0). */
export function collapse(labels: ArrayLike<number>, classes: readonly string[]): string {
  return mergeRepeats(labels).filter((label) => label !== 0).map((label) => classes[label] ?? '?').join('');
}

export interface CtcExplanation {
  /** First and last step shown. */
  from: number;
  to: number;
  /** The step under the pointer, as an index into `steps`. */
  current: number;
  /** One label per step, blank as BLANK_MARK and space as ␣. */
  steps: string[];
  /** After merging repeats. */
  merged: string[];
  /** After dropping blanks: what these steps spell. */
  text: string;
}

const shown = (label: number, classes: readonly string[]): string => {
  if (label === 0) return BLANK_MARK;
  const character = classes[label] ?? '?';
  return character === ' ' ? '␣' : character;
};

/**
 * The explanation for the word around `step`: the steps between the spaces on either side
 * (the whole utterance when it has none), without the blanks at its ends, at most `maxSteps`
 * long (a window centred on the step beyond that). null outside the steps.
 */
export function explainStep(best: Int32Array, classes: readonly string[], step: number, maxSteps = 40): CtcExplanation | null {
  if (step < 0 || step >= best.length) return null;
  const isSpace = (t: number) => classes[best[t]] === ' ';
  let from = step;
  while (from > 0 && !isSpace(from - 1)) from--;
  let to = step;
  while (to < best.length - 1 && !isSpace(to + 1)) to++;
  // Blanks before and after the word spell nothing: leave them out unless the step is one.
  while (from < step && best[from] === 0) from++;
  while (to > step && best[to] === 0) to--;
  if (to - from + 1 > maxSteps) {
    from = Math.max(from, Math.min(step - Math.floor(maxSteps / 2), to - maxSteps + 1));
    to = from + maxSteps - 1;
  }
  const labels = best.subarray(from, to + 1);
  return {
    from,
    to,
    current: step - from,
    steps: Array.from(labels, (label) => shown(label, classes)),
    merged: mergeRepeats(labels).map((label) => shown(label, classes)),
    text: collapse(labels, classes),
  };
}
