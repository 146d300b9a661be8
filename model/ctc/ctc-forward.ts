/**
 * The CTC forward-backward recursion on one utterance, in plain JS over Float64 arrays.
 * Shared by the differentiable loss (ctc-loss.ts) and by decoder checks that need the total
 * probability of a label sequence (sequenceLogProb).
 *
 * The label sequence y (length L) is expanded to l' = [blank, y1, blank, y2, …, yL, blank]
 * (length S = 2L+1). α_t(s) sums every path prefix over frames 0..t that ends in state s;
 * β_t(s) sums every path suffix over frames t..T-1 that starts in state s (both include the
 * emission at t, so occupancy is α·β / p(t, l'_s)).
 */
import { logAdd } from './log-math.ts';

/** Minimum frames a label sequence needs: one per label plus one blank between equal neighbours. */
export function minimumFrames(labels: readonly number[]): number {
  let repeats = 0;
  for (let i = 1; i < labels.length; i++) if (labels[i] === labels[i - 1]) repeats++;
  return labels.length + repeats;
}

function expandLabels(labels: readonly number[], blank: number): Int32Array {
  const extended = new Int32Array(2 * labels.length + 1).fill(blank);
  labels.forEach((label, i) => { extended[2 * i + 1] = label; });
  return extended;
}

/** Whether state s may be entered from s-2 (skipping a blank): only between different labels. */
function canSkip(extended: Int32Array, s: number, blank: number): boolean {
  return s >= 2 && extended[s] !== blank && extended[s] !== extended[s - 2];
}

/** α over frames 0..frames-1, [frames × S] row-major, log-space. */
function forwardLattice(logProbs: ArrayLike<number>, classes: number, frames: number,
                        extended: Int32Array, blank: number): Float64Array {
  const states = extended.length;
  const alpha = new Float64Array(frames * states).fill(-Infinity);
  alpha[0] = logProbs[extended[0]];
  if (states > 1) alpha[1] = logProbs[extended[1]];
  for (let t = 1; t < frames; t++) {
    const row = t * states;
    const prev = row - states;
    const emit = t * classes;
    for (let s = 0; s < states; s++) {
      let sum = logAdd(alpha[prev + s], s >= 1 ? alpha[prev + s - 1] : -Infinity);
      if (canSkip(extended, s, blank)) sum = logAdd(sum, alpha[prev + s - 2]);
      alpha[row + s] = sum === -Infinity ? -Infinity : sum + logProbs[emit + extended[s]];
    }
  }
  return alpha;
}

/** β over frames 0..frames-1, [frames × S] row-major, log-space. */
function backwardLattice(logProbs: ArrayLike<number>, classes: number, frames: number,
                         extended: Int32Array, blank: number): Float64Array {
  const states = extended.length;
  const beta = new Float64Array(frames * states).fill(-Infinity);
  const last = (frames - 1) * states;
  beta[last + states - 1] = logProbs[(frames - 1) * classes + extended[states - 1]];
  if (states > 1) beta[last + states - 2] = logProbs[(frames - 1) * classes + extended[states - 2]];
  for (let t = frames - 2; t >= 0; t--) {
    const row = t * states;
    const next = row + states;
    const emit = t * classes;
    for (let s = 0; s < states; s++) {
      let sum = logAdd(beta[next + s], s + 1 < states ? beta[next + s + 1] : -Infinity);
      if (s + 2 < states && canSkip(extended, s + 2, blank)) sum = logAdd(sum, beta[next + s + 2]);
      beta[row + s] = sum === -Infinity ? -Infinity : sum + logProbs[emit + extended[s]];
    }
  }
  return beta;
}

/**
 * log p(labels | x): the CTC probability of a label sequence summed over all alignments.
 * `logProbs` is [frames × classes] row-major log-softmax output. -Infinity when impossible.
 */
export function sequenceLogProb(logProbs: ArrayLike<number>, frames: number, classes: number,
                                labels: readonly number[], blank = 0): number {
  if (frames === 0) return labels.length === 0 ? 0 : -Infinity;
  const extended = expandLabels(labels, blank);
  const alpha = forwardLattice(logProbs, classes, frames, extended, blank);
  const states = extended.length;
  const last = (frames - 1) * states;
  return logAdd(alpha[last + states - 1], states > 1 ? alpha[last + states - 2] : -Infinity);
}

/** Loss and gradient of one utterance (see ctcLossAndGradient). */
export interface UtteranceCtc {
  /** −log p(labels | x); 0 when the labels cannot fit (zero_infinity). */
  loss: number;
  /** False when the labels need more frames than given; the gradient is then all zero. */
  feasible: boolean;
}

/**
 * Negative log-likelihood of one utterance and its gradient with respect to the *logits*
 * (the softmax is folded in): grad[t,k] = softmax[t,k] − Σ_{s: l'_s = k} α_t(s)β_t(s) / (p(t,k)·P)
 * for t < frames; frames beyond are left untouched (the caller zero-fills them).
 * `logProbs` is the log-softmax of this utterance, [≥frames × classes]; `grad` receives
 * [≥frames × classes] and must be zero on entry.
 *
 * Runs the scaled recursion (ctcScaled: plain products, several times faster); where that
 * cannot represent the numbers (a probability below double range, non-finite logits) or the
 * labels cannot be aligned at all, the log-space recursion (ctcLossAndGradientLog) decides.
 */
export function ctcLossAndGradient(logProbs: Float64Array, frames: number, classes: number,
                                   labels: readonly number[], blank: number,
                                   grad: Float32Array | Float64Array): UtteranceCtc {
  if (frames < minimumFrames(labels) || frames === 0) {
    return { loss: 0, feasible: frames === 0 && labels.length === 0 };
  }
  const scaled = ctcScaled(logProbs, frames, classes, labels, blank, grad);
  return scaled ?? ctcLossAndGradientLog(logProbs, frames, classes, labels, blank, grad);
}

/**
 * The forward-backward recursion in probabilities rather than logs, each frame's α and β
 * rescaled to sum to 1 (Rabiner's scaling): log P = Σ_t log c_t + log(final α̂), and the state
 * posteriors at frame t are α̂_t(s)·β̂_t(s)/p(t, l'_s) normalised over s (every path passes
 * through exactly one state per frame, so the unknown scale cancels). Same values as the log
 * recursion up to rounding, with one exp per frame and class instead of several per state.
 * Returns undefined when an emission underflows to 0 or a frame's sum is not a positive finite
 * number; `grad` may then be partly written, and the log recursion, which the caller runs
 * next, writes every element of it again.
 */
function ctcScaled(logProbs: Float64Array, frames: number, classes: number,
                   labels: readonly number[], blank: number,
                   grad: Float32Array | Float64Array): UtteranceCtc | undefined {
  const extended = expandLabels(labels, blank);
  const states = extended.length;
  const emit = new Float64Array(frames * states); // [frames × S] p(t, l'_s)
  for (let t = 0; t < frames; t++) {
    for (let s = 0; s < states; s++) {
      const p = Math.exp(logProbs[t * classes + extended[s]]);
      if (!(p > 0)) return undefined; // underflow (or NaN): the log recursion handles it
      emit[t * states + s] = p;
    }
  }
  const skip = new Uint8Array(states); // 1 where state s may be entered from s − 2
  for (let s = 0; s < states; s++) skip[s] = canSkip(extended, s, blank) ? 1 : 0;

  const alpha = new Float64Array(frames * states); // [frames × S] α̂, each row summing to 1
  let logLikelihood = 0;
  for (let t = 0; t < frames; t++) {
    const row = t * states;
    const prev = row - states;
    let sum = 0;
    for (let s = 0; s < states; s++) {
      let a: number;
      if (t === 0) a = s < 2 ? 1 : 0;
      else a = alpha[prev + s] + (s >= 1 ? alpha[prev + s - 1] : 0) + (skip[s] ? alpha[prev + s - 2] : 0);
      a *= emit[row + s];
      alpha[row + s] = a;
      sum += a;
    }
    if (!(sum > 0 && sum < Infinity)) return undefined;
    for (let s = 0; s < states; s++) alpha[row + s] /= sum;
    logLikelihood += Math.log(sum);
  }
  const last = (frames - 1) * states;
  const finalMass = alpha[last + states - 1] + (states > 1 ? alpha[last + states - 2] : 0);
  if (!(finalMass > 0)) return undefined; // no alignment ends in a final state
  logLikelihood += Math.log(finalMass);

  const beta = new Float64Array(frames * states); // [frames × S] β̂, each row summing to 1
  for (let t = frames - 1; t >= 0; t--) {
    const row = t * states;
    const next = row + states;
    let sum = 0;
    for (let s = 0; s < states; s++) {
      let b: number;
      if (t === frames - 1) b = s >= states - 2 ? 1 : 0;
      else b = beta[next + s] + (s + 1 < states ? beta[next + s + 1] : 0) + (s + 2 < states && skip[s + 2] ? beta[next + s + 2] : 0);
      b *= emit[row + s];
      beta[row + s] = b;
      sum += b;
    }
    if (!(sum > 0 && sum < Infinity)) return undefined;
    for (let s = 0; s < states; s++) beta[row + s] /= sum;
  }

  const occupancy = new Float64Array(classes);
  for (let t = 0; t < frames; t++) {
    occupancy.fill(0);
    const row = t * states;
    let total = 0;
    for (let s = 0; s < states; s++) {
      const o = (alpha[row + s] * beta[row + s]) / emit[row + s]; // ∝ P(state s at frame t)
      occupancy[extended[s]] += o;
      total += o;
    }
    if (!(total > 0 && total < Infinity)) return undefined;
    const emitRow = t * classes;
    for (let k = 0; k < classes; k++) grad[emitRow + k] = Math.exp(logProbs[emitRow + k]) - occupancy[k] / total;
  }
  return { loss: -logLikelihood, feasible: true };
}

/**
 * ctcLossAndGradient in log space throughout: the reference the scaled recursion is tested
 * against, and its fallback where probabilities leave double range.
 */
export function ctcLossAndGradientLog(logProbs: Float64Array, frames: number, classes: number,
                                      labels: readonly number[], blank: number,
                                      grad: Float32Array | Float64Array): UtteranceCtc {
  if (frames < minimumFrames(labels) || frames === 0) {
    return { loss: 0, feasible: frames === 0 && labels.length === 0 };
  }
  const extended = expandLabels(labels, blank);
  const states = extended.length;
  const alpha = forwardLattice(logProbs, classes, frames, extended, blank);
  const beta = backwardLattice(logProbs, classes, frames, extended, blank);
  const last = (frames - 1) * states;
  const logLikelihood = logAdd(alpha[last + states - 1], states > 1 ? alpha[last + states - 2] : -Infinity);
  // NaN means the logits were not finite (a diverged network): report it as NaN so training
  // stops, rather than as an impossible alignment whose loss would read 0.
  if (Number.isNaN(logLikelihood)) return { loss: Number.NaN, feasible: true };
  if (!Number.isFinite(logLikelihood)) return { loss: 0, feasible: false };

  // Occupancy per class: log Σ_s α·β over the states that emit that class.
  const occupancy = new Float64Array(classes);
  for (let t = 0; t < frames; t++) {
    occupancy.fill(-Infinity);
    const row = t * states;
    for (let s = 0; s < states; s++) {
      const k = extended[s];
      occupancy[k] = logAdd(occupancy[k], alpha[row + s] + beta[row + s]);
    }
    const emit = t * classes;
    for (let k = 0; k < classes; k++) {
      const logProb = logProbs[emit + k];
      // α and β both include p(t,k) once, so divide it out once: exp(occ − logP − log p(t,k)).
      const posterior = occupancy[k] === -Infinity ? 0 : Math.exp(occupancy[k] - logLikelihood - logProb);
      grad[emit + k] = Math.exp(logProb) - posterior;
    }
  }
  return { loss: -logLikelihood, feasible: true };
}
