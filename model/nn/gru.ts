/**
 * GRU: forward pass and hand-derived backpropagation through time, PyTorch's formulation:
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr)
 *   z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *   h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
 * Because r multiplies (W_hn h + b_hn), the two biases cannot be merged: bias = b_ih (added to
 * the input projection), recurrentBias = b_hh (added to the per-step recurrent product).
 *
 * Same execution plan as lstm.ts: one fused matMul for the input projection of every step; per
 * step h·W_h (+ b_hh), an add and one sigmoid (r and z), then tanh(a_n) as 2σ(2a_n) − 1 with
 * a second sigmoid; the rest on host Float32Arrays. Backward: host elementwise math, one
 * dGates·W_hᵀ matMul per step, one matMul per weight gradient over all steps.
 */
import * as tf from '@tensorflow/tfjs';
import { timeMajorToInput } from './lstm.ts';
import {
  acquireBuffer,
  columnSums,
  previousHiddenTransposed,
  readInto,
  readPooled,
  releaseBuffers,
  swapBatchTime,
  transposeHost,
  transposeTensor,
  type BackwardInputs,
  type RunShape,
} from './recurrent-types.ts';
import { reportStepSquares, stepSquaresOrNull } from './gradient-recorder.ts';

/** The tensors a GRU run reads. */
export interface GruWeights {
  kernel: tf.Tensor2D; // [inputSize, 3*units]
  recurrentKernel: tf.Tensor2D; // [units, 3*units]
  bias: tf.Tensor1D; // [3*units] b_ih
  recurrentBias: tf.Tensor1D; // [3*units] b_hh
}

/** What the forward pass keeps on the host, time-major rows (t*batch + b). */
export interface GruForward {
  shape: RunShape;
  /** [time*batch, inputSize]: x, kept for dKernel = xᵀ · dGates. */
  input: Float32Array;
  /** [time*batch, 3*units]: r, z, n. */
  gates: Float32Array;
  /** [time*batch, units]: W_hn h_{t-1} + b_hn, needed for dr. */
  recurrentCandidate: Float32Array;
  /** [time*batch, units]: h_t. */
  hidden: Float32Array;
  /** [batch, units]: the state the run started from. */
  initialHidden: Float32Array;
}

/** Gradients of one GRU run. */
export interface GruGradients {
  x: tf.Tensor3D; // [batch, time, inputSize]; zeros when the backward pass was told it is not needed
  kernel: tf.Tensor2D; // [inputSize, 3*units]
  recurrentKernel: tf.Tensor2D; // [units, 3*units]
  bias: tf.Tensor1D; // [3*units]
  recurrentBias: tf.Tensor1D; // [3*units]
  initialHidden: Float32Array; // [batch, units]
}

/** Runs the GRU over x [batch, time, inputSize] from the given host state; no gradient. */
export function gruForward(x: tf.Tensor3D, weights: GruWeights, initialHidden: Float32Array): GruForward {
  const [batch, time, inputSize] = x.shape;
  const units = weights.recurrentKernel.shape[0];
  const width = 3 * units;
  const shape: RunShape = { batch, time, inputSize, units };

  const xBatchMajor = readPooled(x); // [batch*time, inputSize]
  const input = swapBatchTime(xBatchMajor, batch, time, inputSize); // [time*batch, inputSize]
  releaseBuffers(xBatchMajor);
  // (tidy must return the tensor: handed a Float32Array it would walk every element)
  const projected = tf.tidy(() => tf.fused.matMul({
    a: tf.tensor2d(input, [time * batch, inputSize]), // [time*batch, inputSize]
    b: weights.kernel,
    bias: weights.bias,
  })); // [time*batch, 3*units]
  const inputProjection = readPooled(projected); // [time*batch, 3*units]
  projected.dispose();

  // Pooled (every element is written below); released by releaseGruForward after backward.
  const gates = acquireBuffer(batch * time * width);
  const recurrentCandidate = acquireBuffer(batch * time * units);
  const hidden = acquireBuffer(batch * time * units);
  const recurrentPre = new Float32Array(batch * width); // [batch, 3*units]
  const candidateInput = new Float32Array(batch * units); // [batch, units] 2·a_n
  const candidateSigmoid = new Float32Array(batch * units); // [batch, units] σ(2·a_n)
  const stepSize = batch * units;

  for (let t = 0; t < time; t++) {
    const stepGates = t * batch * width;
    const stepUnits = t * stepSize;
    const hiddenPrev = t > 0 ? hidden.subarray(stepUnits - stepSize, stepUnits) : initialHidden; // [batch, units]
    const stepInput = inputProjection.subarray(stepGates, stepGates + batch * width); // [batch, 3*units]
    const hiddenT = tf.tensor2d(hiddenPrev, [batch, units]); // [batch, units]
    const inputT = tf.tensor2d(stepInput, [batch, width]); // [batch, 3*units]
    const recurrentT = tf.fused.matMul({ a: hiddenT, b: weights.recurrentKernel, bias: weights.recurrentBias }); // [batch, 3*units]
    const preT = tf.add(recurrentT, inputT); // [batch, 3*units] (n block unused: r must scale it first)
    const activatedT = tf.sigmoid(preT); // [batch, 3*units]
    readInto(activatedT, gates, stepGates); // r, z into place; the n block is overwritten below
    readInto(recurrentT, recurrentPre);
    hiddenT.dispose(); inputT.dispose(); recurrentT.dispose(); preT.dispose(); activatedT.dispose();

    for (let b = 0; b < batch; b++) {
      const g0 = stepGates + b * width;
      for (let j = 0; j < units; j++) {
        const hn = recurrentPre[b * width + 2 * units + j];
        recurrentCandidate[stepUnits + b * units + j] = hn;
        candidateInput[b * units + j] = 2 * (stepInput[b * width + 2 * units + j] + gates[g0 + j] * hn);
      }
    }
    const candidateInputT = tf.tensor2d(candidateInput, [batch, units]); // [batch, units]
    const candidateSigmoidT = tf.sigmoid(candidateInputT); // [batch, units]
    readInto(candidateSigmoidT, candidateSigmoid);
    candidateInputT.dispose(); candidateSigmoidT.dispose();

    for (let b = 0; b < batch; b++) {
      const g0 = stepGates + b * width;
      for (let j = 0; j < units; j++) {
        const k = b * units + j;
        const candidate = 2 * candidateSigmoid[k] - 1;
        const updateGate = gates[g0 + units + j];
        gates[g0 + 2 * units + j] = candidate;
        hidden[stepUnits + k] = (1 - updateGate) * candidate + updateGate * hiddenPrev[k];
      }
    }
  }
  releaseBuffers(inputProjection);
  return { shape, input, gates, recurrentCandidate, hidden, initialHidden };
}

/**
 * Backpropagation through time for one gruForward run (saved: its weights);
 * dHidden [time*batch, units] (time-major) = dLoss/dh_t, final hidden state included. Without
 * `inputGradient` the gradient of x is not computed and comes back as zeros.
 */
export function gruBackward(forward: GruForward, saved: BackwardInputs, dHidden: Float32Array, inputGradient = true): GruGradients {
  const { shape, gates, recurrentCandidate, hidden, initialHidden } = forward;
  const { batch, time, inputSize, units } = shape;
  const width = 3 * units;
  const stepSize = batch * units;
  // Gradients wrt the input-side and recurrent-side pre-activations differ only in the n block.
  const dInputPre = acquireBuffer(batch * time * width); // [time*batch, 3*units], all written
  const dRecurrentPre = acquireBuffer(batch * time * width); // [time*batch, 3*units], all written
  const dHiddenRecurrent = new Float32Array(stepSize); // [batch, units] from step t+1
  const dHiddenDirect = new Float32Array(stepSize); // [batch, units] through z ⊙ h_{t-1}
  const recurrentTransposed = transposeTensor(saved.recurrentKernel); // [3*units, units]
  const hiddenSquares = stepSquaresOrNull(time); // [time] Σ (dLoss/dh_t)², only while the recorder is on

  for (let t = time - 1; t >= 0; t--) {
    const stepGates = t * batch * width;
    const stepUnits = t * stepSize;
    const hiddenPrev = t > 0 ? hidden.subarray(stepUnits - stepSize, stepUnits) : initialHidden; // [batch, units]
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < units; j++) {
        const k = b * units + j;
        const idx = stepUnits + k;
        const g = stepGates + b * width + j;
        const resetGate = gates[g];
        const updateGate = gates[g + units];
        const candidate = gates[g + 2 * units];
        const hn = recurrentCandidate[idx];
        const dh = dHidden[idx] + dHiddenRecurrent[k];
        if (hiddenSquares) hiddenSquares[t] += dh * dh;
        const dCandidatePre = dh * (1 - updateGate) * (1 - candidate * candidate);
        const dUpdatePre = dh * (hiddenPrev[k] - candidate) * updateGate * (1 - updateGate);
        const dResetPre = dCandidatePre * hn * resetGate * (1 - resetGate);
        dHiddenDirect[k] = dh * updateGate;
        dInputPre[g] = dResetPre;
        dInputPre[g + units] = dUpdatePre;
        dInputPre[g + 2 * units] = dCandidatePre;
        dRecurrentPre[g] = dResetPre;
        dRecurrentPre[g + units] = dUpdatePre;
        dRecurrentPre[g + 2 * units] = dCandidatePre * resetGate;
      }
    }
    const dRecurrentT = tf.tensor2d(dRecurrentPre.subarray(stepGates, stepGates + batch * width), [batch, width]); // [batch, 3*units]
    const dHiddenPrevT = tf.matMul(dRecurrentT, recurrentTransposed); // [batch, units]
    readInto(dHiddenPrevT, dHiddenRecurrent);
    dRecurrentT.dispose(); dHiddenPrevT.dispose();
    for (let k = 0; k < stepSize; k++) dHiddenRecurrent[k] += dHiddenDirect[k];
  }
  recurrentTransposed.dispose();
  if (hiddenSquares) reportStepSquares('hidden', hiddenSquares);

  const hiddenPrevHost = previousHiddenTransposed(hidden, initialHidden, shape); // [units, time*batch]
  const inputTransposed = transposeHost(forward.input, batch * time, inputSize, acquireBuffer(forward.input.length)); // [inputSize, time*batch]
  const tensors = tf.tidy(() => {
    const dInputAll = tf.tensor2d(dInputPre, [batch * time, width]); // [time*batch, 3*units]
    const dRecurrentAll = tf.tensor2d(dRecurrentPre, [batch * time, width]); // [time*batch, 3*units]
    const hiddenPrevT = tf.tensor2d(hiddenPrevHost, [units, batch * time]); // [units, time*batch]
    const inputT = tf.tensor2d(inputTransposed, [inputSize, batch * time]); // [inputSize, time*batch]
    return {
      xTimeMajor: inputGradient ? tf.matMul(dInputAll, transposeTensor(saved.kernel)) as tf.Tensor2D : undefined, // [time*batch, inputSize]
      kernel: tf.matMul(inputT, dInputAll) as tf.Tensor2D, // [inputSize, 3*units]
      recurrentKernel: tf.matMul(hiddenPrevT, dRecurrentAll) as tf.Tensor2D, // [units, 3*units]
      bias: columnSums(dInputAll), // [3*units]
      recurrentBias: columnSums(dRecurrentAll), // [3*units]
    };
  });
  // The tensors above are computed (cpu/wasm run kernels eagerly, webgl has uploaded its inputs).
  releaseBuffers(dInputPre, dRecurrentPre, hiddenPrevHost, inputTransposed);
  return {
    x: tensors.xTimeMajor ? timeMajorToInput(tensors.xTimeMajor, batch, time, inputSize) : tf.zeros([batch, time, inputSize]), // [batch, time, inputSize]
    kernel: tensors.kernel,
    recurrentKernel: tensors.recurrentKernel,
    bias: tensors.bias,
    recurrentBias: tensors.recurrentBias,
    initialHidden: dHiddenRecurrent,
  };
}

/** Hands a forward record's host buffers back to the pool; the record must not be used afterwards. */
export function releaseGruForward(forward: GruForward): void {
  releaseBuffers(forward.input, forward.gates, forward.recurrentCandidate, forward.hidden);
}
