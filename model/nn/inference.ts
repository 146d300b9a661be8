/**
 * Forward-only recurrent layers for recognition: the same arithmetic as runRecurrent (the same
 * lstmForward / gruForward step loops), without the training baggage. runRecurrent is a
 * customGrad op, so it keeps every step's gates, cell states and a copy of the input on the host
 * until a backward pass that recognition never runs; for an hour of audio that is gigabytes.
 * Here the time axis is cut into blocks of `blockSteps`: each block runs from the state the
 * previous one ended in, its hidden states are copied into the output, and its gate buffers
 * go straight back to the pool. Host memory is then the output plus one block, whatever the
 * length; nothing here is differentiable (no tape is recorded).
 */
import * as tf from '@tensorflow/tfjs';
import { gruForward, releaseGruForward, type GruWeights } from './gru.ts';
import { lstmForward, releaseLstmForward, type LstmWeights } from './lstm.ts';
import { readAll, readPooled, releaseBuffers, type RecurrentParams, type RecurrentState } from './recurrent-types.ts';

/** Steps per block: long enough that the per-block matMul and weight scaling are amortised. */
export const INFERENCE_BLOCK_STEPS = 256;

export interface InferenceResult {
  /** h_t for every step, [batch, time, units]. */
  output: tf.Tensor3D;
  /** State after the last step (pass as `initial` to continue with the next chunk). */
  final: RecurrentState;
}

/**
 * Runs one layer over x [batch, time, inputSize] from `initial` (zeros if omitted), block by
 * block. Outputs equal runRecurrent's (tested); see the module comment for why it exists.
 */
export function inferRecurrent(p: RecurrentParams, x: tf.Tensor3D, initial?: RecurrentState, blockSteps = INFERENCE_BLOCK_STEPS): InferenceResult {
  if (x.rank !== 3 || x.shape[2] !== p.inputSize) {
    throw new Error(`inferRecurrent: expected x [batch, time, ${p.inputSize}], got [${x.shape}]`);
  }
  if (!(Number.isInteger(blockSteps) && blockSteps > 0)) throw new Error(`inferRecurrent: blockSteps must be a positive integer, got ${blockSteps}`);
  const [batch, time, inputSize] = x.shape;
  const units = p.units;
  if (time < 1 || batch < 1) throw new Error(`inferRecurrent: expected at least one batch row and one time step, got x [${x.shape}]`);
  const isGru = p.kind === 'gru';
  if (!isGru && initial && !initial.cellState) throw new Error(`inferRecurrent: an LSTM initial state needs cellState [${batch}, ${units}], got none`);

  let hidden = initial ? readAll(initial.hidden) : new Float32Array(batch * units); // [batch, units]
  let cellState = isGru ? undefined : initial?.cellState ? readAll(initial.cellState) : new Float32Array(batch * units); // [batch, units]
  const input = readPooled(x); // [batch*time, inputSize], batch-major
  const output = new Float32Array(batch * time * units); // [batch*time, units], batch-major
  const lstmWeights: LstmWeights = {
    kernel: p.kernel as tf.Tensor as tf.Tensor2D,
    recurrentKernel: p.recurrentKernel as tf.Tensor as tf.Tensor2D,
    bias: p.bias as tf.Tensor as tf.Tensor1D,
    peepholes: p.peepholes as tf.Tensor as tf.Tensor2D | undefined,
  };
  const gruWeights: GruWeights | undefined = isGru
    ? { ...lstmWeights, recurrentBias: p.recurrentBias as tf.Tensor as tf.Tensor1D } as GruWeights
    : undefined;

  for (let start = 0; start < time; start += blockSteps) {
    const steps = Math.min(blockSteps, time - start);
    const block = new Float32Array(batch * steps * inputSize); // [batch, steps, inputSize]
    for (let b = 0; b < batch; b++) {
      const from = (b * time + start) * inputSize;
      block.set(input.subarray(from, from + steps * inputSize), b * steps * inputSize);
    }
    const blockT = tf.tensor3d(block, [batch, steps, inputSize]); // [batch, steps, inputSize]
    // The step loops' host results are time-major rows (t*batch + b).
    const forward = gruWeights ? gruForward(blockT, gruWeights, hidden) : lstmForward(blockT, lstmWeights, hidden, cellState!);
    blockT.dispose();
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < batch; b++) {
        const from = (t * batch + b) * units;
        output.set(forward.hidden.subarray(from, from + units), (b * time + start + t) * units);
      }
    }
    const last = (steps - 1) * batch * units; // the block's final [batch, units] rows
    hidden = forward.hidden.slice(last, last + batch * units);
    if ('cellState' in forward) cellState = forward.cellState.slice(last, last + batch * units);
    if ('cellState' in forward) releaseLstmForward(forward);
    else releaseGruForward(forward);
  }
  releaseBuffers(input);
  const final: RecurrentState = { hidden: tf.tensor2d(hidden, [batch, units]) }; // [batch, units]
  if (cellState) final.cellState = tf.tensor2d(cellState, [batch, units]); // [batch, units]
  return { output: tf.tensor3d(output, [batch, time, units]), final }; // output [batch, time, units]
}
