/**
 * LSTM and peephole LSTM: forward pass and hand-derived backpropagation through time.
 *
 * Gates follow PyTorch (i, f, g, o):
 *   i = σ(W_ii x + W_hi h + b_i [+ w_ci ⊙ c_{t-1}])
 *   f = σ(W_if x + W_hf h + b_f [+ w_cf ⊙ c_{t-1}])
 *   g = tanh(W_ig x + W_hg h + b_g)
 *   c_t = f ⊙ c_{t-1} + i ⊙ g
 *   o = σ(W_io x + W_ho h + b_o [+ w_co ⊙ c_t])      (peephole on the new cell)
 *   h_t = o ⊙ tanh(c_t)
 * The bracketed peephole terms are the only difference, so both variants share this loop.
 *
 * Speed (wasm backend, see docs in recurrent.ts): each step's gates come from one of two
 * GateModes. 'projected': the input projection of all steps is one fused matMul, and per step
 * only h·W_h, an add and one sigmoid over all four gate blocks run as tf kernels. 'stacked'
 * (plain LSTM, batch ≥ STACKED_MIN_BATCH, i.e. training): per step ONE fused kernel
 * σ([h_{t-1} | x_t]·[W_h; W_x] + b), with no per-step add and no projected block to upload;
 * ~15–20 % faster at training batches, but it reads W_x once per step, which costs more than
 * it saves at batch 1 (streaming), and the peephole terms must join the pre-activation on the
 * host, so those use 'projected'. tanh is computed as 2σ(2a) − 1 so that it can use the same fast sigmoid kernel
 * (tfjs-wasm's Tanh kernel is ~20× slower than its Sigmoid): the g columns of the forward
 * weights are doubled once per call, and tanh(c_t) is one more sigmoid on 2·c_t. The cheap
 * elementwise cell update runs on host Float32Arrays, where everything the backward pass needs
 * is kept. The backward pass is elementwise on the host plus one dGates·W_hᵀ matMul per step,
 * then one matMul per weight gradient over all steps. No transposed-matMul kernels anywhere.
 */
import * as tf from '@tensorflow/tfjs';
import {
  acquireBuffer,
  columnSums,
  previousHiddenTransposed,
  readAll,
  readInto,
  readPooled,
  releaseBuffers,
  swapBatchTime,
  transposeHost,
  transposeTensor,
  uploadPooled,
  type BackwardInputs,
  type RunShape,
} from './recurrent-types.ts';
import { reportStepSquares, stepSquaresOrNull } from './gradient-recorder.ts';

/** The tensors an LSTM run reads; peepholes present means the peephole variant. */
export interface LstmWeights {
  kernel: tf.Tensor2D; // [inputSize, 4*units]
  recurrentKernel: tf.Tensor2D; // [units, 4*units]
  bias: tf.Tensor1D; // [4*units]
  peepholes?: tf.Tensor2D; // [3, units]
}

/** What the forward pass keeps on the host, time-major rows (t*batch + b). */
export interface LstmForward {
  shape: RunShape;
  /** [time*batch, inputSize]: x, kept for dKernel = xᵀ · dGates. */
  input: Float32Array;
  /** [time*batch, 4*units]: activated i, f, g, o. */
  gates: Float32Array;
  /** [time*batch, units]: c_t. */
  cellState: Float32Array;
  /** [time*batch, units]: tanh(c_t). */
  tanhCell: Float32Array;
  /** [time*batch, units]: h_t. */
  hidden: Float32Array;
  /** [batch, units] each: the state the run started from. */
  initialHidden: Float32Array;
  initialCell: Float32Array;
  /** [3*units]: w_ci, w_cf, w_co, peephole only. */
  peepholes?: Float32Array;
}

/** Gradients of one LSTM run; weight and input gradients as tensors, state gradients on the host. */
export interface LstmGradients {
  x: tf.Tensor3D; // [batch, time, inputSize]; zeros when the backward pass was told it is not needed
  kernel: tf.Tensor2D; // [inputSize, 4*units]
  recurrentKernel: tf.Tensor2D; // [units, 4*units]
  bias: tf.Tensor1D; // [4*units]
  peepholes?: tf.Tensor2D; // [3, units]
  initialHidden: Float32Array; // [batch, units]
  initialCell: Float32Array; // [batch, units]
}

/**
 * How a step's activated gates are computed (see the module comment); the same values either
 * way up to float rounding.
 */
export type GateMode = 'projected' | 'stacked';

/** Smallest batch that runs 'stacked' (batch 1, streaming, is faster 'projected'). */
export const STACKED_MIN_BATCH = 2;

/** The faster GateMode for a run: 'stacked' for plain-LSTM batches, else 'projected'. */
export function gateModeFor(batch: number, peephole: boolean): GateMode {
  return !peephole && batch >= STACKED_MIN_BATCH ? 'stacked' : 'projected';
}

/**
 * σ(a·b + bias) as ONE backend kernel, also under a gradient tape (tf.fused.matMul falls back to
 * separate matMul, add and sigmoid kernels there; this runs inside customGrad's forward, where
 * nothing is recorded). a [1, m, k], b [1, k, n], bias [n] → [1, m, n].
 */
function fusedSigmoidMatMul(a: tf.Tensor3D, b: tf.Tensor3D, bias: tf.Tensor1D): tf.Tensor3D {
  return tf.engine().runKernel('_FusedMatMul', { a, b, bias }, { transposeA: false, transposeB: false, activation: 'sigmoid' }) as tf.Tensor3D;
}

/** Column scale that doubles the g block, so σ of the scaled pre-activation gives tanh via 2σ(2a) − 1. */
function candidateScale(units: number): Float32Array {
  const scale = new Float32Array(4 * units).fill(1); // [4*units]
  scale.fill(2, 2 * units, 3 * units);
  return scale;
}

/**
 * The kernels scaled by candidateScale for single-sequence runs, kept per kernel tensor. Streaming
 * calls lstmForward every 100 ms for three or four steps, and making new scaled weight tensors on
 * every call cost more than the steps themselves (new tensors for each matMul's weight operand,
 * which the wasm backend must take up afresh each time). An entry is recomputed when its kernel's
 * data changes (assign gives a Variable a new dataId), and entries whose kernel was disposed are
 * disposed at the next lookup: at most one scaled copy per live kernel. Batches of 2 or more
 * (training) build theirs per call as before, so training never fills this.
 */
const scaledKernels = new Map<tf.Tensor, { dataId: object; scaled: tf.Tensor2D }>();

function scaledKernelForOneSequence(kernel: tf.Tensor2D, units: number): tf.Tensor2D {
  for (const [key, entry] of scaledKernels) {
    if (key.isDisposed) { entry.scaled.dispose(); scaledKernels.delete(key); }
  }
  const hit = scaledKernels.get(kernel);
  if (hit && hit.dataId === kernel.dataId) return hit.scaled;
  hit?.scaled.dispose();
  // kept: lstmForward may run inside a caller's tidy, which must not dispose the cached copy
  const scaled = tf.keep(tf.tidy(() => tf.mul(kernel, tf.tensor1d(candidateScale(units))) as tf.Tensor2D)); // [rows, 4*units]
  scaledKernels.set(kernel, { dataId: kernel.dataId, scaled });
  return scaled;
}

/** Live cached scaled kernels (for tests: bounded by the live kernels). */
export function cachedScaledKernelCount(): number {
  return scaledKernels.size;
}

/** Runs the LSTM over x [batch, time, inputSize] from the given host state; no gradient. */
export function lstmForward(
  x: tf.Tensor3D,
  weights: LstmWeights,
  initialHidden: Float32Array,
  initialCell: Float32Array,
  mode: GateMode = gateModeFor(x.shape[0], weights.peepholes !== undefined),
): LstmForward {
  const [batch, time, inputSize] = x.shape;
  const units = weights.recurrentKernel.shape[0];
  const width = 4 * units;
  const shape: RunShape = { batch, time, inputSize, units };
  const peepholes = weights.peepholes ? readAll(weights.peepholes) : undefined; // [3*units]
  if (peepholes && mode === 'stacked') throw new Error("lstmForward: the peephole LSTM runs only in 'projected' gate mode");

  const xBatchMajor = readPooled(x); // [batch*time, inputSize]
  const input = swapBatchTime(xBatchMajor, batch, time, inputSize); // [time*batch, inputSize]
  releaseBuffers(xBatchMajor);
  const scaleT = tf.tensor1d(candidateScale(units)); // [4*units]
  const stacked = mode === 'stacked';
  const stackedWidth = units + inputSize; // a stacked step row: [h_{t-1} | x_t]
  // 'stacked': [W_h; W_x] and b, g columns doubled, for σ([h | x]·[W_h; W_x] + b) per step.
  const stackedKernel = stacked
    ? tf.tidy(() => tf.reshape(tf.mul(tf.concat([weights.recurrentKernel, weights.kernel], 0), scaleT), [1, stackedWidth, width]) as tf.Tensor3D) // [1, units+inputSize, 4*units]
    : undefined;
  const biasScaled = stacked ? tf.mul(weights.bias, scaleT) as tf.Tensor1D : undefined; // [4*units]
  const stepRows = stacked ? new Float32Array(batch * stackedWidth) : undefined; // [batch, units+inputSize]
  // 'projected': x·W_x + b for every step at once, and W_h for the per-step product.
  // (tidy must return the tensor: handed a Float32Array it would walk every element)
  const cached = !stacked && batch === 1; // one sequence: streaming and offline recognition
  const projected = stacked ? undefined : tf.tidy(() => tf.fused.matMul({
    a: tf.tensor2d(input, [time * batch, inputSize]), // [time*batch, inputSize]
    b: cached ? scaledKernelForOneSequence(weights.kernel, units) : tf.mul(weights.kernel, scaleT) as tf.Tensor2D, // [inputSize, 4*units]
    bias: tf.mul(weights.bias, scaleT), // [4*units]
  })); // [time*batch, 4*units]
  const inputProjection = projected ? readPooled(projected) : undefined; // [time*batch, 4*units]
  projected?.dispose();
  const recurrentScaled = stacked ? undefined
    : cached ? scaledKernelForOneSequence(weights.recurrentKernel, units)
      : tf.mul(weights.recurrentKernel, scaleT) as tf.Tensor2D; // [units, 4*units]
  scaleT.dispose();

  // Pooled (every element is written below); released by releaseLstmForward after backward.
  const gates = acquireBuffer(batch * time * width);
  const cellState = acquireBuffer(batch * time * units);
  const tanhCell = acquireBuffer(batch * time * units);
  const hidden = acquireBuffer(batch * time * units);
  const preActivation = peepholes ? new Float32Array(batch * width) : undefined; // [batch, 4*units], peephole only
  // Second sigmoid: 2c_t (→ tanh c_t), and for peepholes also the output-gate pre-activation.
  const secondWidth = peepholes ? 2 * units : units;
  const secondInput = new Float32Array(batch * secondWidth); // [batch, secondWidth]
  const secondOutput = new Float32Array(batch * secondWidth); // [batch, secondWidth]
  const stepSize = batch * units;

  for (let t = 0; t < time; t++) {
    const stepGates = t * batch * width; // offset of this step's [batch, 4*units] block
    const stepUnits = t * stepSize; // offset of this step's [batch, units] block
    const hiddenPrev = t > 0 ? hidden.subarray(stepUnits - stepSize, stepUnits) : initialHidden; // [batch, units]
    const cellPrev = t > 0 ? cellState.subarray(stepUnits - stepSize, stepUnits) : initialCell; // [batch, units]
    if (stepRows) {
      for (let b = 0; b < batch; b++) {
        const row = t * batch + b; // x_t of sequence b in the time-major input
        stepRows.set(hiddenPrev.subarray(b * units, (b + 1) * units), b * stackedWidth);
        stepRows.set(input.subarray(row * inputSize, (row + 1) * inputSize), b * stackedWidth + units);
      }
      const rowsT = tf.tensor3d(stepRows, [1, batch, stackedWidth]); // [1, batch, units+inputSize]
      const activatedT = fusedSigmoidMatMul(rowsT, stackedKernel!, biasScaled!); // [1, batch, 4*units]
      readInto(activatedT, gates, stepGates); // i, f, σ(2a_g), o straight into place
      rowsT.dispose(); activatedT.dispose();
    } else {
      const stepInput = inputProjection!.subarray(stepGates, stepGates + batch * width); // [batch, 4*units]
      if (peepholes) {
        for (let b = 0; b < batch; b++) {
          for (let j = 0; j < units; j++) {
            const c = cellPrev[b * units + j];
            stepInput[b * width + j] += peepholes[j] * c;
            stepInput[b * width + units + j] += peepholes[units + j] * c;
          }
        }
      }
      const hiddenT = tf.tensor2d(hiddenPrev, [batch, units]); // [batch, units]
      const inputT = tf.tensor2d(stepInput, [batch, width]); // [batch, 4*units]
      const recurrentT = tf.matMul(hiddenT, recurrentScaled!); // [batch, 4*units]
      const preT = tf.add(recurrentT, inputT); // [batch, 4*units]
      const activatedT = tf.sigmoid(preT); // [batch, 4*units]
      readInto(activatedT, gates, stepGates); // i, f, σ(2a_g), o straight into place
      if (preActivation) readInto(preT, preActivation);
      hiddenT.dispose(); inputT.dispose(); recurrentT.dispose(); preT.dispose(); activatedT.dispose();
    }

    for (let b = 0; b < batch; b++) {
      const g0 = stepGates + b * width;
      for (let j = 0; j < units; j++) {
        const g = g0 + j;
        const candidate = 2 * gates[g + 2 * units] - 1;
        gates[g + 2 * units] = candidate;
        const c = gates[g + units] * cellPrev[b * units + j] + gates[g] * candidate;
        cellState[stepUnits + b * units + j] = c;
        secondInput[b * secondWidth + j] = 2 * c;
        if (peepholes) secondInput[b * secondWidth + units + j] = preActivation![b * width + 3 * units + j] + peepholes[2 * units + j] * c;
      }
    }
    const secondInputT = tf.tensor2d(secondInput, [batch, secondWidth]); // [batch, secondWidth]
    const secondOutputT = tf.sigmoid(secondInputT); // [batch, secondWidth]
    readInto(secondOutputT, secondOutput);
    secondInputT.dispose(); secondOutputT.dispose();

    for (let b = 0; b < batch; b++) {
      const g0 = stepGates + b * width + 3 * units;
      const u0 = stepUnits + b * units;
      for (let j = 0; j < units; j++) {
        const tanhC = 2 * secondOutput[b * secondWidth + j] - 1;
        if (peepholes) gates[g0 + j] = secondOutput[b * secondWidth + units + j];
        tanhCell[u0 + j] = tanhC;
        hidden[u0 + j] = gates[g0 + j] * tanhC;
      }
    }
  }
  if (!cached) recurrentScaled?.dispose();
  stackedKernel?.dispose();
  biasScaled?.dispose();
  releaseBuffers(inputProjection);
  return { shape, input, gates, cellState, tanhCell, hidden, initialHidden, initialCell, peepholes };
}

/**
 * Backpropagation through time for one lstmForward run; saved holds the run's weights.
 * dHidden [time*batch, units] (time-major) is dLoss/dh_t for every step, final hidden state
 * included; dFinalCell [batch, units] is dLoss/dc_T. Without `inputGradient` the gradient of x
 * is not computed and comes back as zeros (for an input that is data, not a function of weights).
 */
export function lstmBackward(
  forward: LstmForward,
  saved: BackwardInputs,
  dHidden: Float32Array,
  dFinalCell: Float32Array,
  inputGradient = true,
): LstmGradients {
  const { shape, gates, cellState, tanhCell, hidden, initialCell, peepholes } = forward;
  const { batch, time, inputSize, units } = shape;
  const width = 4 * units;
  const stepSize = batch * units;
  const dGates = acquireBuffer(batch * time * width); // [time*batch, 4*units] dLoss/d(pre-activation), all written
  const dHiddenRecurrent = new Float32Array(stepSize); // [batch, units] from step t+1
  const dCell = Float32Array.from(dFinalCell); // [batch, units] dLoss/dc_t, carried backwards
  const dPeepholes = new Float64Array(3 * units); // summed over batch and time in double
  const recurrentTransposed = transposeTensor(saved.recurrentKernel); // [4*units, units]
  const cellSquares = stepSquaresOrNull(time); // [time] Σ (dLoss/dc_t)², only while the recorder is on

  for (let t = time - 1; t >= 0; t--) {
    const stepGates = t * batch * width;
    const stepUnits = t * stepSize;
    const cellPrev = t > 0 ? cellState.subarray(stepUnits - stepSize, stepUnits) : initialCell; // [batch, units]
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < units; j++) {
        const k = b * units + j;
        const idx = stepUnits + k;
        const g = stepGates + b * width + j;
        const inputGate = gates[g];
        const forgetGate = gates[g + units];
        const candidate = gates[g + 2 * units];
        const outputGate = gates[g + 3 * units];
        const tanhC = tanhCell[idx];
        const cellBefore = cellPrev[k];
        const dh = dHidden[idx] + dHiddenRecurrent[k];
        const dOutputPre = dh * tanhC * outputGate * (1 - outputGate);
        let dc = dCell[k] + dh * outputGate * (1 - tanhC * tanhC);
        if (peepholes) dc += dOutputPre * peepholes[2 * units + j];
        if (cellSquares) cellSquares[t] += dc * dc;
        const dInputPre = dc * candidate * inputGate * (1 - inputGate);
        const dForgetPre = dc * cellBefore * forgetGate * (1 - forgetGate);
        const dCandidatePre = dc * inputGate * (1 - candidate * candidate);
        let dcBefore = dc * forgetGate;
        if (peepholes) {
          dcBefore += dInputPre * peepholes[j] + dForgetPre * peepholes[units + j];
          dPeepholes[j] += dInputPre * cellBefore;
          dPeepholes[units + j] += dForgetPre * cellBefore;
          dPeepholes[2 * units + j] += dOutputPre * cellState[idx];
        }
        dCell[k] = dcBefore;
        dGates[g] = dInputPre;
        dGates[g + units] = dForgetPre;
        dGates[g + 2 * units] = dCandidatePre;
        dGates[g + 3 * units] = dOutputPre;
      }
    }
    const dGatesT = tf.tensor2d(dGates.subarray(stepGates, stepGates + batch * width), [batch, width]); // [batch, 4*units]
    const dHiddenPrevT = tf.matMul(dGatesT, recurrentTransposed); // [batch, units]
    readInto(dHiddenPrevT, dHiddenRecurrent);
    dGatesT.dispose(); dHiddenPrevT.dispose();
  }
  recurrentTransposed.dispose();
  if (cellSquares) reportStepSquares('cellState', cellSquares);

  const hiddenPrevHost = previousHiddenTransposed(hidden, forward.initialHidden, shape); // [units, time*batch]
  const inputTransposed = transposeHost(forward.input, batch * time, inputSize, acquireBuffer(forward.input.length)); // [inputSize, time*batch]
  const tensors = tf.tidy(() => {
    const dGatesAll = tf.tensor2d(dGates, [batch * time, width]); // [time*batch, 4*units]
    const hiddenPrevT = tf.tensor2d(hiddenPrevHost, [units, batch * time]); // [units, time*batch]
    const inputT = tf.tensor2d(inputTransposed, [inputSize, batch * time]); // [inputSize, time*batch]
    return {
      // Skipped where nothing needs it (the first layer's input is data): one [time*batch, 4*units] × [4*units, inputSize] product less.
      xTimeMajor: inputGradient ? tf.matMul(dGatesAll, transposeTensor(saved.kernel)) as tf.Tensor2D : undefined, // [time*batch, inputSize]
      kernel: tf.matMul(inputT, dGatesAll) as tf.Tensor2D, // [inputSize, 4*units]
      recurrentKernel: tf.matMul(hiddenPrevT, dGatesAll) as tf.Tensor2D, // [units, 4*units]
      bias: columnSums(dGatesAll), // [4*units]
    };
  });
  // The tensors above are computed (cpu/wasm run kernels eagerly, webgl has uploaded its inputs).
  releaseBuffers(dGates, hiddenPrevHost, inputTransposed);
  return {
    x: tensors.xTimeMajor ? timeMajorToInput(tensors.xTimeMajor, batch, time, inputSize) : tf.zeros([batch, time, inputSize]), // [batch, time, inputSize]
    kernel: tensors.kernel,
    recurrentKernel: tensors.recurrentKernel,
    bias: tensors.bias,
    peepholes: peepholes ? tf.tensor2d(Float32Array.from(dPeepholes), [3, units]) : undefined, // [3, units]
    initialHidden: dHiddenRecurrent,
    initialCell: dCell,
  };
}

/** A time-major [time*batch, n] gradient as the batch-major [batch, time, n] tensor; disposes the input. */
export function timeMajorToInput(timeMajor: tf.Tensor2D, batch: number, time: number, width: number): tf.Tensor3D {
  const host = readPooled(timeMajor); // [time*batch, width]
  timeMajor.dispose();
  const batchMajor = swapBatchTime(host, time, batch, width); // [batch*time, width]
  const result = uploadPooled(batchMajor, [batch, time, width]) as tf.Tensor3D; // [batch, time, width]
  releaseBuffers(host, batchMajor);
  return result;
}

/** Hands a forward record's host buffers back to the pool; the record must not be used afterwards. */
export function releaseLstmForward(forward: LstmForward): void {
  releaseBuffers(forward.input, forward.gates, forward.cellState, forward.tanhCell, forward.hidden);
}
