/**
 * Recurrent layers of the acoustic model: LSTM, peephole LSTM and GRU, each run as ONE
 * differentiable op (tf.customGrad) with hand-derived backpropagation through time.
 *
 * Why not tf autograd: on the wasm backend, autograd through a per-step cell costs ~50× PyTorch,
 * because matMul's gradient uses transposeA/transposeB matMul kernels (10–40× slower than plain
 * ones there) and unstack is slow (see ../shared/docs/lstm-bench.md). Here the input
 * projection of all steps is one matMul, each weight gradient is one matMul over all steps,
 * weights are transposed explicitly, and per step only the recurrent products and one or two
 * sigmoid kernels run on the backend; the light elementwise math runs on host Float32Arrays
 * (lstm.ts, gru.ts). It runs on every backend (cpu, wasm, webgl, tfjs-node) since it only uses
 * public tf ops plus dataSync; wasm gets a zero-allocation read path.
 *
 * Memory: a forward pass keeps its gates and states on the host (time-major Float32Arrays,
 * about (gates + 3) × batch × time × units floats, ~30 MB for 32×100×256 LSTM) until its
 * backward pass has run; the big buffers are then recycled through a pool (fresh ones cost
 * page faults). customGrad returns one tensor, so output, h_T and c_T travel packed in one
 * [batch*time + k*batch, units] tensor and are cut apart with contiguous row copies.
 *
 * Layout follows PyTorch, so weights and goldens copy over directly: kernel = weight_ih_l0.T,
 * recurrentKernel = weight_hh_l0.T, gate blocks (i, f, g, o) for LSTM and (r, z, n) for GRU.
 *
 * Padding: batches are padded at the END of the time axis. The layers are unidirectional, so
 * the outputs at each sequence's valid steps never see its padding and no mask is needed; the
 * loss must simply ignore padded steps (CTC does, given the lengths). The returned `final`
 * state is the state after the LAST step of the tensor, i.e. after the padding for shorter
 * sequences: for streaming, feed unpadded chunks (batch 1, or equal lengths).
 */
import * as tf from '@tensorflow/tfjs';
import type { RecurrentKind } from '../config.ts';
import { gruBackward, gruForward, releaseGruForward } from './gru.ts';
import { lstmBackward, lstmForward, releaseLstmForward } from './lstm.ts';
import {
  acquireBuffer,
  columnSums,
  gateCount,
  readAll,
  readPooled,
  releaseBuffers,
  swapBatchTime,
  takeRows,
  transposeTensor,
  splitBlocks,
  type BackwardInputs,
  type RecurrentParams,
  type RecurrentState,
  type RecurrentTrace,
} from './recurrent-types.ts';

export { gateCount };
export type { RecurrentKind, RecurrentParams, RecurrentState, RecurrentTrace };

/** Output of a recurrent layer. */
export interface RecurrentResult {
  /** h_t for every step, [batch, time, units]. */
  output: tf.Tensor3D;
  /** State after the last step (pass as `initial` to continue with the next chunk). */
  final: RecurrentState;
}

/** Output of inspectRecurrent: a RecurrentResult plus every step's gates and states. */
export interface RecurrentInspection extends RecurrentResult {
  trace: RecurrentTrace;
}

/**
 * Fresh weights for one layer, PyTorch's init: every entry uniform(−1/√units, 1/√units),
 * deterministic for a given seed (uses seeds seed … seed+4). LSTM and peephole get +1 on the
 * forget-gate bias so the cell remembers from the start. Variable names are
 * `${namePrefix}/kernel`, `/recurrentKernel`, `/bias`, `/recurrentBias` (GRU), `/peepholes`
 * (peephole); tfjs variable names are process-global, so prefixes must be unique.
 */
export function createRecurrentParams(
  kind: RecurrentKind,
  inputSize: number,
  units: number,
  seed: number,
  namePrefix: string,
): RecurrentParams {
  if (!['lstm', 'peephole', 'gru'].includes(kind)) {
    throw new Error(`createRecurrentParams: expected kind 'lstm', 'peephole' or 'gru', got '${kind}'`);
  }
  if (!(Number.isInteger(inputSize) && inputSize > 0 && Number.isInteger(units) && units > 0)) {
    throw new Error(`createRecurrentParams: expected positive integer inputSize and units, got ${inputSize} and ${units}`);
  }
  const width = gateCount(kind) * units;
  const limit = 1 / Math.sqrt(units);
  const uniform = (shape: number[], offset: number) => tf.randomUniform(shape, -limit, limit, 'float32', seed + offset);
  const biasInit = tf.tidy(() => {
    const bias = uniform([width], 2); // [gates*units]
    if (kind === 'gru') return bias;
    const forgetOne = new Float32Array(width);
    forgetOne.fill(1, units, 2 * units);
    return tf.add(bias, tf.tensor1d(forgetOne)); // [4*units]
  });
  const params: RecurrentParams = {
    kind,
    inputSize,
    units,
    kernel: tf.variable(uniform([inputSize, width], 0), true, `${namePrefix}/kernel`), // [inputSize, gates*units]
    recurrentKernel: tf.variable(uniform([units, width], 1), true, `${namePrefix}/recurrentKernel`), // [units, gates*units]
    bias: tf.variable(biasInit, true, `${namePrefix}/bias`), // [gates*units]
  };
  if (kind === 'gru') params.recurrentBias = tf.variable(uniform([width], 3), true, `${namePrefix}/recurrentBias`); // [3*units]
  if (kind === 'peephole') params.peepholes = tf.variable(uniform([3, units], 4), true, `${namePrefix}/peepholes`); // [3, units]
  return params;
}

/** The layer's trainable variables, in a fixed order (kernel, recurrentKernel, bias, then the optional ones). */
export function recurrentParamList(p: RecurrentParams): tf.Variable[] {
  const list = [p.kernel, p.recurrentKernel, p.bias];
  if (p.recurrentBias) list.push(p.recurrentBias);
  if (p.peepholes) list.push(p.peepholes);
  return list;
}

/** Checks shapes up front, so mistakes fail with a readable message instead of deep in a kernel. */
function validate(p: RecurrentParams, x: tf.Tensor, initial: RecurrentState | undefined, caller: string): void {
  const width = gateCount(p.kind) * p.units;
  const expectShape = (what: string, got: number[], want: number[]) => {
    if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
      throw new Error(`${caller}: expected ${what} of shape [${want}], got [${got}]`);
    }
  };
  if (x.rank !== 3) throw new Error(`${caller}: expected x of rank 3 [batch, time, ${p.inputSize}], got shape [${x.shape}]`);
  const [batch, time, inputSize] = x.shape;
  if (inputSize !== p.inputSize) throw new Error(`${caller}: expected x [batch, time, ${p.inputSize}], got [${x.shape}]`);
  if (time < 1 || batch < 1) throw new Error(`${caller}: expected at least one batch row and one time step, got x [${x.shape}]`);
  if (x.dtype !== 'float32') throw new Error(`${caller}: expected float32 x, got ${x.dtype}`);
  expectShape('kernel', p.kernel.shape, [p.inputSize, width]);
  expectShape('recurrentKernel', p.recurrentKernel.shape, [p.units, width]);
  expectShape('bias', p.bias.shape, [width]);
  if (p.kind === 'gru') {
    if (!p.recurrentBias) throw new Error(`${caller}: a GRU needs recurrentBias [${width}], got none`);
    expectShape('recurrentBias', p.recurrentBias.shape, [width]);
  }
  if (p.kind === 'peephole') {
    if (!p.peepholes) throw new Error(`${caller}: a peephole LSTM needs peepholes [3, ${p.units}], got none`);
    expectShape('peepholes', p.peepholes.shape, [3, p.units]);
  }
  if (initial) {
    expectShape('initial.hidden', initial.hidden.shape, [batch, p.units]);
    if (p.kind !== 'gru') {
      if (!initial.cellState) throw new Error(`${caller}: an LSTM initial state needs cellState [${batch}, ${p.units}], got none`);
      expectShape('initial.cellState', initial.cellState.shape, [batch, p.units]);
    }
  }
}

/**
 * Packs a layer's outputs into the single tensor customGrad allows: [batch*time + k*batch, units]:
 * rows (b*time + t) = h_t of sequence b (the output, batch-major), then one row h_T per
 * sequence, then (LSTM, k = 2) one row c_T per sequence. Every part is a contiguous row range,
 * so takeRows unpacks it with plain copies.
 */
function packOutputs(hidden: Float32Array, cellState: Float32Array | undefined, batch: number, time: number, units: number): Float32Array {
  const parts = cellState ? 2 : 1;
  const packed = acquireBuffer((batch * time + parts * batch) * units); // every element written below
  swapBatchTime(hidden, time, batch, units, packed); // time-major host → batch-major output rows
  const last = (time - 1) * batch * units; // the final step's [batch, units] block
  packed.set(hidden.subarray(last, last + batch * units), batch * time * units);
  if (cellState) packed.set(cellState.subarray(last, last + batch * units), (batch * time + batch) * units);
  return packed;
}

/**
 * Splits the gradient of the packed tensor into dLoss/dh_t for every step, time-major (the h_T
 * rows folded into the last step; pooled, release after use) and, for the LSTM, dLoss/dc_T.
 */
function unpackGradient(packedGrad: Float32Array, hasCell: boolean, batch: number, time: number, units: number): { dHidden: Float32Array; dFinalCell?: Float32Array } {
  // batch-major output rows → time-major [time*batch, units]; fully written
  const dHidden = swapBatchTime(packedGrad.subarray(0, batch * time * units), batch, time, units);
  const last = (time - 1) * batch * units;
  const finalRows = batch * time * units;
  for (let k = 0; k < batch * units; k++) dHidden[last + k] += packedGrad[finalRows + k];
  const dFinalCell = hasCell ? packedGrad.slice((batch * time + batch) * units, (batch * time + 2 * batch) * units) : undefined;
  return { dHidden, dFinalCell };
}

/** Unpacks packOutputs' tensor into the layer's result. */
function unpack(packed: tf.Tensor2D, hasCell: boolean, batch: number, time: number, units: number): RecurrentResult {
  const output = tf.reshape(takeRows(packed, 0, batch * time), [batch, time, units]) as tf.Tensor3D; // [batch, time, units]
  const hidden = takeRows(packed, batch * time, batch); // [batch, units]
  const cellState = hasCell ? takeRows(packed, batch * time + batch, batch) : undefined; // [batch, units]
  return { output, final: cellState ? { hidden, cellState } : { hidden } };
}

/** The packed host buffer as a tensor; the buffer goes back to the pool where the backend copied it. */
function uploadPacked(buffer: Float32Array, rows: number, units: number): tf.Tensor2D {
  const tensor = tf.tensor2d(buffer, [rows, units]); // [rows, units]
  if (tf.getBackend() === 'wasm') releaseBuffers(buffer); // elsewhere the tensor keeps the array
  return tensor;
}


/** Options of runRecurrent. */
export interface RunOptions {
  /**
   * Whether the backward pass computes the gradient of x (default true). False where x is data
   * (the first layer's features): its gradient is then zeros, and one large matMul is saved.
   */
  inputGradient?: boolean;
}

/**
 * Runs one recurrent layer over x [batch, time, inputSize] from `initial` (zeros if omitted).
 * Differentiable with respect to x (unless told otherwise), every weight and the initial state:
 * use it inside tf.variableGrads / optimizer.minimize like any tf op. See the module comment for padding.
 */
export function runRecurrent(p: RecurrentParams, x: tf.Tensor3D, initial?: RecurrentState, options: RunOptions = {}): RecurrentResult {
  const inputGradient = options.inputGradient ?? true;
  validate(p, x, initial, 'runRecurrent');
  const [batch, time] = x.shape;
  const units = p.units;
  // (tidy keeps the returned tensors and disposes the zero states and the packed tensor)
  return tf.tidy((): tf.TensorContainer => {
    const h0 = initial?.hidden ?? tf.zeros([batch, units]); // [batch, units]
    if (p.kind === 'gru') {
      const op = tf.customGrad((...args) => {
        const [xIn, kernel, recurrentKernel, bias, recurrentBias, h0In] = args as tf.Tensor[];
        const save = args[6] as tf.GradSaveFunc;
        save([kernel, recurrentKernel]);
        const forward = gruForward(
          xIn as tf.Tensor3D,
          {
            kernel: kernel as tf.Tensor2D,
            recurrentKernel: recurrentKernel as tf.Tensor2D,
            bias: bias as tf.Tensor1D,
            recurrentBias: recurrentBias as tf.Tensor1D,
          },
          readAll(h0In),
        );
        return {
          value: uploadPacked(packOutputs(forward.hidden, undefined, batch, time, units), batch * time + batch, units), // [batch*time + batch, units]
          gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
            const packedGrad = readPooled(dy); // [batch*time + batch, units]
            const { dHidden } = unpackGradient(packedGrad, false, batch, time, units); // [batch*time, units]
            const grads = gruBackward(forward, savedInputs(saved), dHidden, inputGradient);
            releaseBuffers(packedGrad, dHidden);
            releaseGruForward(forward);
            return [grads.x, grads.kernel, grads.recurrentKernel, grads.bias, grads.recurrentBias,
              tf.tensor2d(grads.initialHidden, [batch, units])];
          },
        };
      });
      const packed = op(x, p.kernel, p.recurrentKernel, p.bias, p.recurrentBias!, h0) as tf.Tensor2D; // [batch*time + batch, units]
      return unpack(packed, false, batch, time, units) as unknown as tf.TensorContainer;
    }

    const c0 = initial?.cellState ?? tf.zeros([batch, units]); // [batch, units]
    const peepholeArgs = p.peepholes ? [p.peepholes] : [];
    const op = tf.customGrad((...args) => {
      const tensors = args.slice(0, args.length - 1) as tf.Tensor[];
      const save = args[args.length - 1] as tf.GradSaveFunc;
      const [xIn, kernel, recurrentKernel, bias] = tensors;
      const peepholes = p.peepholes ? tensors[4] : undefined;
      const [h0In, c0In] = tensors.slice(tensors.length - 2);
      save([kernel, recurrentKernel]);
      const forward = lstmForward(
        xIn as tf.Tensor3D,
        {
          kernel: kernel as tf.Tensor2D,
          recurrentKernel: recurrentKernel as tf.Tensor2D,
          bias: bias as tf.Tensor1D,
          peepholes: peepholes as tf.Tensor2D | undefined,
        },
        readAll(h0In),
        readAll(c0In),
      );
      return {
        value: uploadPacked(packOutputs(forward.hidden, forward.cellState, batch, time, units), batch * time + 2 * batch, units), // [batch*time + 2*batch, units]
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const packedGrad = readPooled(dy); // [batch*time + 2*batch, units]
          const { dHidden, dFinalCell } = unpackGradient(packedGrad, true, batch, time, units);
          const grads = lstmBackward(forward, savedInputs(saved), dHidden, dFinalCell!, inputGradient);
          releaseBuffers(packedGrad, dHidden);
          releaseLstmForward(forward);
          return [grads.x, grads.kernel, grads.recurrentKernel, grads.bias, ...(grads.peepholes ? [grads.peepholes] : []),
            tf.tensor2d(grads.initialHidden, [batch, units]), tf.tensor2d(grads.initialCell, [batch, units])];
        },
      };
    });
    const packed = op(x, p.kernel, p.recurrentKernel, p.bias, ...peepholeArgs, h0, c0) as tf.Tensor2D; // [batch*time + 2*batch, units]
    return unpack(packed, true, batch, time, units) as unknown as tf.TensorContainer;
  }) as unknown as RecurrentResult;
}

function savedInputs(saved: tf.Tensor[]): BackwardInputs {
  return { kernel: saved[0] as tf.Tensor2D, recurrentKernel: saved[1] as tf.Tensor2D };
}

/**
 * Runs one layer like runRecurrent and also returns every step's gates and states (each
 * [batch, time, units]) for the heatmaps. Not differentiable (meant for display). GRU mapping:
 * resetGate = r_t, updateGate = z_t, candidate = n_t, hidden = h_t; no cellState and no
 * input/forget/output gates (z_t plays the forget role: h_t = (1 − z_t) n_t + z_t h_{t−1}).
 */
export function inspectRecurrent(p: RecurrentParams, x: tf.Tensor3D, initial?: RecurrentState): RecurrentInspection {
  validate(p, x, initial, 'inspectRecurrent');
  const [batch, time] = x.shape;
  const units = p.units;
  const rows = batch * time;
  // host buffers are time-major; every trace tensor gets its own batch-major copy
  const seq = (timeMajor: Float32Array) => tf.tensor3d(swapBatchTime(timeMajor, time, batch, units, new Float32Array(rows * units)), [batch, time, units]); // [batch, time, units]
  const finalRows = (timeMajor: Float32Array) => tf.tensor2d(timeMajor.slice((time - 1) * batch * units, rows * units), [batch, units]); // [batch, units]
  const h0 = initial ? readAll(initial.hidden) : new Float32Array(batch * units);
  if (p.kind === 'gru') {
    const forward = gruForward(x, {
      kernel: p.kernel as tf.Tensor as tf.Tensor2D,
      recurrentKernel: p.recurrentKernel as tf.Tensor as tf.Tensor2D,
      bias: p.bias as tf.Tensor as tf.Tensor1D,
      recurrentBias: p.recurrentBias as tf.Tensor as tf.Tensor1D,
    }, h0);
    const [resetGate, updateGate, candidate] = splitBlocks(forward.gates, rows, 3, units);
    const result: RecurrentInspection = {
      output: seq(forward.hidden),
      final: { hidden: finalRows(forward.hidden) },
      trace: { hidden: seq(forward.hidden), resetGate: seq(resetGate), updateGate: seq(updateGate), candidate: seq(candidate) },
    };
    releaseGruForward(forward);
    return result;
  }
  const c0 = initial?.cellState ? readAll(initial.cellState) : new Float32Array(batch * units);
  const forward = lstmForward(x, {
    kernel: p.kernel as tf.Tensor as tf.Tensor2D,
    recurrentKernel: p.recurrentKernel as tf.Tensor as tf.Tensor2D,
    bias: p.bias as tf.Tensor as tf.Tensor1D,
    peepholes: p.peepholes as tf.Tensor as tf.Tensor2D | undefined,
  }, h0, c0);
  const [inputGate, forgetGate, candidate, outputGate] = splitBlocks(forward.gates, rows, 4, units);
  const result: RecurrentInspection = {
    output: seq(forward.hidden),
    final: { hidden: finalRows(forward.hidden), cellState: finalRows(forward.cellState) },
    trace: {
      cellState: seq(forward.cellState),
      hidden: seq(forward.hidden),
      inputGate: seq(inputGate),
      forgetGate: seq(forgetGate),
      outputGate: seq(outputGate),
      candidate: seq(candidate),
    },
  };
  releaseLstmForward(forward);
  return result;
}

/**
 * Time-distributed dense layer: x [batch, time, units] · kernel [units, outputs] + bias, as
 * [batch, time, outputs]. Same values as tf.add(tf.matMul(x2d, kernel), bias), but its gradient
 * uses plain matMuls with explicit transposes: tf's own matMul gradient runs transposeA/B
 * matMul kernels, which on wasm made the 256→29 output layer cost ~30% of a whole LSTM
 * training step (recurrent-bench --autograd-head).
 */
export function denseOverTime(x: tf.Tensor3D, kernel: tf.Tensor2D | tf.Variable, bias: tf.Tensor1D | tf.Variable): tf.Tensor3D {
  const [batch, time, units] = x.shape;
  if (kernel.rank !== 2 || kernel.shape[0] !== units || bias.rank !== 1 || bias.shape[0] !== kernel.shape[1]) {
    throw new Error(`denseOverTime: expected kernel [${units}, n] and bias [n] for x [${x.shape}], got kernel [${kernel.shape}] and bias [${bias.shape}]`);
  }
  const outputs = kernel.shape[1];
  const op = tf.customGrad((...args) => {
    const [xIn, kernelIn, biasIn] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const x2d = tf.reshape(xIn, [batch * time, units]) as tf.Tensor2D; // [batch*time, units]
    save([x2d, kernelIn]);
    const scores = tf.fused.matMul({ a: x2d, b: kernelIn as tf.Tensor2D, bias: biasIn }); // [batch*time, outputs]
    return {
      value: tf.reshape(scores, [batch, time, outputs]) as tf.Tensor3D, // [batch, time, outputs]
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xSaved, kernelSaved] = saved as tf.Tensor2D[];
        const dy2d = tf.reshape(dy, [batch * time, outputs]) as tf.Tensor2D; // [batch*time, outputs]
        return [
          tf.reshape(tf.matMul(dy2d, transposeTensor(kernelSaved)), [batch, time, units]), // [batch, time, units]
          tf.matMul(transposeTensor(xSaved), dy2d), // [units, outputs]
          columnSums(dy2d), // [outputs]
        ];
      },
    };
  });
  return op(x, kernel, bias) as tf.Tensor3D;
}
