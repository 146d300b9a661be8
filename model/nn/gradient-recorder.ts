/**
 * An optional side channel out of the hand-written BPTT (lstm.ts, gru.ts): while recording is
 * on, every backward pass of a recurrent layer reports ‖∂loss/∂c_t‖ (LSTM, peephole: the cell
 * state's gradient) or ‖∂loss/∂h_t‖ (GRU: the hidden state's) for each time step t, the L2 norm
 * over batch and units of the total gradient reaching that state (from the output at t and from
 * every later step). The training loop turns it on for one step every so often to show
 * vanishing or exploding gradients through time; off, the backward passes skip it entirely.
 *
 * Records arrive in backward order: the top layer first.
 */

export interface GradientRecord {
  /** Which state the norms are of. */
  state: 'cellState' | 'hidden';
  /** One norm per time step, oldest first. */
  norms: Float32Array;
}

let records: GradientRecord[] | null = null;

/** Starts collecting (clears anything collected before). */
export function startGradientRecording(): void {
  records = [];
}

/** Stops collecting and returns what the backward passes since the start reported. */
export function stopGradientRecording(): GradientRecord[] {
  const collected = records ?? [];
  records = null;
  return collected;
}

/** A per-step sum-of-squares accumulator for one backward pass, or null when not recording. */
export function stepSquaresOrNull(time: number): Float64Array | null {
  return records ? new Float64Array(time) : null;
}

/** Reports one backward pass's per-step sums of squares (turned into norms here). */
export function reportStepSquares(state: GradientRecord['state'], squares: Float64Array): void {
  if (!records) return;
  records.push({ state, norms: Float32Array.from(squares, (s) => Math.sqrt(s)) });
}
