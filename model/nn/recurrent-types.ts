/**
 * Shared types of the recurrent layers, and the host-buffer plumbing their hot loops use.
 *
 * Every recurrent variant here runs the same way: big matmuls (input projection, weight
 * gradients) go through tf ops, and the time loop keeps its per-step state in Float32Array
 * buffers on the host, moving one [batch, gates*units] block in and out of the backend per
 * step. Host buffers are TIME-major, row (t*batch + b), so each step's block is one contiguous
 * [batch, n] range that uploads without a gather; tensors at the API are batch-major
 * [batch, time, n], reordered once on the way in and out (swapBatchTime).
 */
import * as tf from '@tensorflow/tfjs';
import type { RecurrentKind } from '../config.ts';

export type { RecurrentKind };

/** Number of gate blocks in the kernels: LSTM (i, f, g, o), GRU (r, z, n). */
export function gateCount(kind: RecurrentKind): number {
  return kind === 'gru' ? 3 : 4;
}

/**
 * Weights of one recurrent layer, in PyTorch's gate order and transposed layout:
 * kernel = weight_ih.T, recurrentKernel = weight_hh.T, so a PyTorch checkpoint copies over with
 * one transpose per matrix.
 */
export interface RecurrentParams {
  kind: RecurrentKind;
  inputSize: number;
  units: number;
  /** [inputSize, gates*units]; gate blocks LSTM (i, f, g, o), GRU (r, z, n). */
  kernel: tf.Variable;
  /** [units, gates*units], same gate blocks. */
  recurrentKernel: tf.Variable;
  /** [gates*units]. LSTM/peephole: b_ih + b_hh (they only ever appear summed). GRU: b_ih. */
  bias: tf.Variable;
  /** [gates*units], GRU only: b_hh (kept apart because r multiplies W_hn h + b_hn). */
  recurrentBias?: tf.Variable;
  /** [3, units], peephole only: rows w_ci, w_cf, w_co. */
  peepholes?: tf.Variable;
}

/** Recurrent state between chunks, each [batch, units]. cellState only for LSTM and peephole. */
export interface RecurrentState {
  hidden: tf.Tensor2D;
  cellState?: tf.Tensor2D;
}

/**
 * Per-step values for the "look inside" views, each [batch, time, units].
 * LSTM and peephole: cellState c_t, hidden h_t, inputGate i_t, forgetGate f_t, outputGate o_t,
 * candidate g_t. GRU: resetGate r_t, updateGate z_t, candidate n_t (the tanh proposal),
 * hidden h_t = (1 - z_t) * n_t + z_t * h_{t-1}; a GRU has no cell state and no i/f/o gates.
 */
export interface RecurrentTrace {
  cellState?: tf.Tensor3D;
  hidden: tf.Tensor3D;
  inputGate?: tf.Tensor3D;
  forgetGate?: tf.Tensor3D;
  outputGate?: tf.Tensor3D;
  candidate: tf.Tensor3D;
  resetGate?: tf.Tensor3D;
  updateGate?: tf.Tensor3D;
}

/**
 * The weights a backward pass reads, saved through customGrad's save() so they outlive the
 * caller's forward tidy (x itself is kept as a host copy in the forward record).
 */
export interface BackwardInputs {
  kernel: tf.Tensor2D; // [inputSize, gates*units]
  recurrentKernel: tf.Tensor2D; // [units, gates*units]
}

/** Sizes of one run of a layer. */
export interface RunShape {
  batch: number;
  time: number;
  inputSize: number;
  units: number;
}

/**
 * Copies a tensor's values (flat elements [begin, end)) into dst at offset without allocating. On the wasm backend the
 * values are read through a view of the wasm heap (dataSync would allocate a fresh copy per
 * step, which costs more than the copy itself); elsewhere dataSync.
 */
export function readInto(tensor: tf.Tensor, dst: Float32Array, offset = 0, begin = 0, end = tensor.size): void {
  const backend = tf.backend() as unknown as { typedArrayFromHeap?: (t: tf.Tensor) => Float32Array };
  if (typeof backend.typedArrayFromHeap === 'function' && tf.getBackend() === 'wasm') {
    dst.set(backend.typedArrayFromHeap(tensor).subarray(begin, end), offset);
  } else {
    dst.set((tensor.dataSync() as Float32Array).subarray(begin, end), offset);
  }
}

/** A tensor's values as a new Float32Array (the host copy, safe to keep). */
export function readAll(tensor: tf.Tensor): Float32Array {
  const dst = new Float32Array(tensor.size);
  readInto(tensor, dst);
  return dst;
}

/**
 * Transposes a row-major [rows, cols] host matrix into dst (default: a new array) as [cols, rows]. Blocked so both
 * sides stay in cache; on wasm this beats tf.transpose by a wide margin for the
 * [batch*time, units] matrices the weight gradients need.
 */
export function transposeHost(src: Float32Array, rows: number, cols: number, dst: Float32Array = new Float32Array(rows * cols)): Float32Array {
  transposeInto(src, rows, cols, dst, rows, 0);
  return dst;
}

/**
 * The [units, time*batch] matrix of previous hidden states h_{t-1} (h_{-1} = initial state),
 * columns in the (t*batch + b) row order of the time-major gate gradients, ready for
 * dRecurrentKernel = hiddenPrevT · dGates as one plain matMul. Pooled: release after use.
 */
export function previousHiddenTransposed(hidden: Float32Array, initialHidden: Float32Array, shape: RunShape): Float32Array {
  const { batch, time, units } = shape;
  const rows = batch * time;
  const dst = acquireBuffer(units * rows); // fully written below
  // time-major, so the previous states are [h_{-1}; h_0 … h_{T-2}]: two contiguous blocks
  transposeInto(initialHidden, batch, units, dst, rows, 0);
  transposeInto(hidden.subarray(0, (time - 1) * batch * units), (time - 1) * batch, units, dst, rows, batch);
  return dst;
}

/** Writes the transpose of a row-major [rows, cols] matrix into dst: dst[c*dstStride + dstOffset + r] = src[r*cols + c]. */
function transposeInto(src: Float32Array, rows: number, cols: number, dst: Float32Array, dstStride: number, dstOffset: number): void {
  const block = 32;
  for (let r0 = 0; r0 < rows; r0 += block) {
    const r1 = Math.min(rows, r0 + block);
    for (let c0 = 0; c0 < cols; c0 += block) {
      const c1 = Math.min(cols, c0 + block);
      for (let r = r0; r < r1; r++) {
        const rowOffset = r * cols;
        for (let c = c0; c < c1; c++) dst[c * dstStride + dstOffset + r] = src[rowOffset + c];
      }
    }
  }
}

/**
 * Reorders [outer, inner, width] into [inner, outer, width]: batch-major → time-major with
 * (outer, inner) = (batch, time), and back with (time, batch). dst defaults to a pooled buffer.
 */
export function swapBatchTime(src: Float32Array, outer: number, inner: number, width: number, dst: Float32Array = acquireBuffer(outer * inner * width)): Float32Array {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const from = (o * inner + i) * width;
      dst.set(src.subarray(from, from + width), (i * outer + o) * width);
    }
  }
  return dst;
}

/** Splits a [rows, blocks*units] buffer into `blocks` separate [rows, units] buffers. */
export function splitBlocks(src: Float32Array, rows: number, blocks: number, units: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let k = 0; k < blocks; k++) out.push(new Float32Array(rows * units));
  const width = blocks * units;
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < blocks; k++) {
      out[k].set(src.subarray(r * width + k * units, r * width + (k + 1) * units), r * units);
    }
  }
  return out;
}

// Large host buffers are recycled: a fresh 13 MB Float32Array costs ~25 ms in page faults and
// zeroing on first touch, more than the arithmetic done in it. Buffers only come back through
// releaseBuffers (after the backward pass has used them); anything not released is simply
// garbage-collected, so a forgotten release costs speed, never correctness.
// The pool is keyed by length, and length-bucketed batches bring hundreds of distinct lengths, so
// it is capped in bytes: over the cap, the sizes used least recently are dropped (to the GC).
// Uncapped, a base-model training run grew past 20 GB and was killed by the OOM killer.
const bufferPool = new Map<number, Float32Array[]>(); // insertion order = least recently used first
const POOL_PER_SIZE = 16;
export const POOL_MAX_BYTES = 1 << 30;
let pooledBytes = 0;

/** Marks a size as just used, so it is the last to be dropped. */
function touch(length: number, list: Float32Array[]): void {
  bufferPool.delete(length);
  bufferPool.set(length, list);
}

/** A Float32Array of the given length with STALE contents: callers must write every element before reading. */
export function acquireBuffer(length: number): Float32Array {
  const list = bufferPool.get(length);
  const buffer = list?.pop();
  if (!list || !buffer) return new Float32Array(length);
  pooledBytes -= buffer.byteLength;
  touch(length, list);
  return buffer;
}

/** Returns buffers to the pool; nothing may use them afterwards (and no tensor may wrap them). */
export function releaseBuffers(...buffers: (Float32Array | undefined)[]): void {
  for (const buffer of buffers) {
    if (!buffer) continue;
    const list = bufferPool.get(buffer.length) ?? [];
    if (list.length >= POOL_PER_SIZE || list.includes(buffer) || (list.length + 1) * buffer.byteLength > POOL_MAX_BYTES) continue;
    list.push(buffer);
    pooledBytes += buffer.byteLength;
    touch(buffer.length, list);
    // Drop whole sizes, least recently used first, until the pool fits again.
    for (const [length, stale] of bufferPool) {
      if (pooledBytes <= POOL_MAX_BYTES || length === buffer.length) break;
      pooledBytes -= stale.reduce((n, b) => n + b.byteLength, 0);
      bufferPool.delete(length);
    }
  }
}

/** Bytes held by the pool now (for tests and memory checks). */
export function pooledBufferBytes(): number {
  return pooledBytes;
}

/** A tensor's values in a pooled buffer (release it when done). */
export function readPooled(tensor: tf.Tensor): Float32Array {
  const dst = acquireBuffer(tensor.size);
  readInto(tensor, dst);
  return dst;
}

/** Host transpose of a 2-D tensor into a new tensor (tfjs-wasm's Transpose kernel is slow). */
export function transposeTensor(matrix: tf.Tensor2D): tf.Tensor2D {
  const [rows, cols] = matrix.shape;
  const host = readPooled(matrix);
  const flipped = transposeHost(host, rows, cols, acquireBuffer(rows * cols)); // [cols, rows], every element written
  const transposed = uploadPooled(flipped, [cols, rows]) as tf.Tensor2D; // [cols, rows]
  releaseBuffers(host, flipped); // (a [3200, 256] activation per step: a fresh array each time kept the GC busy)
  return transposed;
}

/**
 * Column sums of a [rows, cols] tensor as a plain matMul with a ones row: [1, rows] · [rows, cols].
 * (tf.sum over axis 0 costs ~15 ms at [3200, 1024] on wasm; this costs well under 1 ms.)
 */
export function columnSums(matrix: tf.Tensor2D): tf.Tensor1D {
  const [rows, cols] = matrix.shape;
  return tf.tidy(() => tf.reshape(tf.matMul(tf.ones([1, rows]), matrix), [cols]) as tf.Tensor1D); // [cols]
}

/** A tensor copied from a pooled host buffer, which is free for reuse once this returns. */
export function uploadPooled(buffer: Float32Array, shape: number[]): tf.Tensor {
  // Only wasm copies on upload; cpu (and webgl until it uploads) would keep a reference.
  return tf.tensor(tf.getBackend() === 'wasm' ? buffer : buffer.slice(), shape);
}

/**
 * Rows [start, start+count) of a 2-D tensor, differentiable. Same as tf.slice, but tfjs-wasm's
 * Slice first copies its WHOLE input into a fresh array (~10 ms for a [3200, 256] output
 * under page faults); this copies only the rows, through a pooled buffer, and pads the
 * gradient the same way.
 */
export function takeRows(matrix: tf.Tensor2D, start: number, count: number): tf.Tensor2D {
  const [rows, cols] = matrix.shape;
  if (start < 0 || count < 1 || start + count > rows) {
    throw new Error(`takeRows: expected rows [${start}, ${start + count}) inside [0, ${rows}), they are not`);
  }
  const op = tf.customGrad((...args) => {
    const source = args[0] as tf.Tensor2D;
    const host = acquireBuffer(count * cols);
    readInto(source, host, 0, start * cols, (start + count) * cols);
    const value = uploadPooled(host, [count, cols]) as tf.Tensor2D; // [count, cols]
    releaseBuffers(host);
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const padded = acquireBuffer(rows * cols);
        padded.fill(0);
        readInto(dy, padded, start * cols);
        const grad = uploadPooled(padded, [rows, cols]); // [rows, cols]
        releaseBuffers(padded);
        return grad;
      },
    };
  });
  return op(matrix) as tf.Tensor2D;
}
