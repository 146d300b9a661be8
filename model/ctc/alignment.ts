/**
 * Word timestamps and confidences for a decoded label sequence. Every decoder hands its chosen
 * labels here; the best single path (Viterbi) through the CTC lattice of those labels says on
 * which frames each character is emitted. For greedy decoding that path is the argmax path
 * itself, so all decoders report timings the same way.
 */
import { Alphabet, BLANK } from '../text/alphabet.ts';
import type { DecodeResult, WordTiming } from './types.ts';

/** Per label: the first and last frame of its emission run and its peak posterior there. */
export interface LabelSpan {
  label: number;
  firstFrame: number;
  lastFrame: number;
  peakProb: number;
}

/**
 * Viterbi forced alignment of `labels` against [frames × classes] log-probabilities.
 * Returns one span per label, or null when the labels cannot fit in the frames.
 */
export function forcedAlignment(logProbs: ArrayLike<number>, frames: number, classes: number,
                                labels: readonly number[]): LabelSpan[] | null {
  const states = 2 * labels.length + 1;
  const stateClass = (s: number) => (s % 2 === 0 ? BLANK : labels[(s - 1) >> 1]);
  if (labels.length === 0) return [];
  if (frames === 0) return null;
  const score = new Float64Array(frames * states).fill(-Infinity); // [frames × states]
  const from = new Int8Array(frames * states); // how many states back the best predecessor is: 0, 1 or 2
  score[0] = logProbs[stateClass(0)];
  score[1] = logProbs[stateClass(1)];
  for (let t = 1; t < frames; t++) {
    const row = t * states;
    const prev = row - states;
    for (let s = 0; s < states; s++) {
      let best = score[prev + s];
      let step = 0;
      if (s >= 1 && score[prev + s - 1] > best) { best = score[prev + s - 1]; step = 1; }
      const skipAllowed = s >= 2 && s % 2 === 1 && labels[(s - 1) >> 1] !== labels[(s - 3) >> 1];
      if (skipAllowed && score[prev + s - 2] > best) { best = score[prev + s - 2]; step = 2; }
      if (best === -Infinity) continue;
      score[row + s] = best + logProbs[t * classes + stateClass(s)];
      from[row + s] = step;
    }
  }
  const last = (frames - 1) * states;
  let s = score[last + states - 1] >= score[last + states - 2] ? states - 1 : states - 2;
  if (score[last + s] === -Infinity) return null;
  const spans: LabelSpan[] = labels.map((label) => ({ label, firstFrame: -1, lastFrame: -1, peakProb: 0 }));
  for (let t = frames - 1; t >= 0; t--) {
    if (s % 2 === 1) {
      const span = spans[(s - 1) >> 1];
      if (span.lastFrame < 0) span.lastFrame = t;
      span.firstFrame = t;
      span.peakProb = Math.max(span.peakProb, Math.exp(logProbs[t * classes + span.label]));
    }
    s -= from[t * states + s];
  }
  return spans;
}

/**
 * Builds the DecodeResult of a label sequence: words split at the alphabet's space, timed by
 * the Viterbi alignment (frame index × frameSeconds), confidence = min peak character posterior.
 */
export function alignWords(logProbs: ArrayLike<number>, frames: number, alphabet: Alphabet,
                           labels: readonly number[], frameSeconds: number): DecodeResult {
  const spans = forcedAlignment(logProbs, frames, alphabet.size, labels);
  const space = alphabet.id(' ');
  const words: WordTiming[] = [];
  let current: LabelSpan[] = [];
  const flush = () => {
    if (current.length === 0) return;
    const first = current[0];
    const last = current[current.length - 1];
    words.push({
      word: alphabet.decode(current.map((span) => span.label)),
      start: Math.max(first.firstFrame, 0) * frameSeconds,
      end: (Math.max(last.lastFrame, 0) + 1) * frameSeconds,
      confidence: Math.min(...current.map((span) => span.peakProb)),
    });
    current = [];
  };
  labels.forEach((label, i) => {
    if (label === space) { flush(); return; }
    // Labels that cannot be aligned (never happens for decoder output) get zero-width, zero confidence.
    current.push(spans ? spans[i] : { label, firstFrame: 0, lastFrame: -1, peakProb: 0 });
  });
  flush();
  return { text: words.map((w) => w.word).join(' '), words };
}
