/**
 * Recurrent layers against independent references: PyTorch goldens (nn.LSTM / nn.GRU and a
 * hand-written peephole cell, forward and autograd gradients; scripts/golden/recurrent_golden.py),
 * central finite differences of our own forward, and whole-sequence vs chunked runs.
 * All on the 'cpu' backend; the torch-golden tests also on 'wasm'.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { RecurrentKind } from '../config.ts';
import {
  createRecurrentParams,
  denseOverTime,
  inspectRecurrent,
  recurrentParamList,
  runRecurrent,
  type RecurrentParams,
  type RecurrentState,
} from './recurrent.ts';

interface GoldenCase {
  kind: RecurrentKind;
  batch: number; time: number; inputSize: number; units: number;
  x: number[]; h0: number[]; c0?: number[];
  kernel: number[]; recurrentKernel: number[]; bias: number[]; recurrentBias?: number[]; peepholes?: number[];
  output: number[]; finalHidden: number[]; finalCell?: number[];
  lossOutput: number[]; lossHidden: number[]; lossCell?: number[];
  trace: Record<string, number[]>;
  grad: Record<string, number[]>;
}
interface TwoLayerCase {
  batch: number; time: number; inputSize: number; units: number; x: number[];
  layers: { kernel: number[]; recurrentKernel: number[]; bias: number[]; gradKernel: number[]; gradRecurrentKernel: number[]; gradBias: number[] }[];
  output: number[]; lossOutput: number[]; gradX: number[];
}
const golden = JSON.parse(readFileSync(new URL('./fixtures/recurrent-golden.json', import.meta.url), 'utf8')) as {
  cases: GoldenCase[]; twoLayer: TwoLayerCase;
};

let nameCounter = 0;
const uniqueName = (what: string) => `recurrent-test/${++nameCounter}/${what}`;

/** Builds params holding the golden weights (fresh, uniquely named variables). */
function paramsFrom(c: { kind: RecurrentKind; inputSize: number; units: number; kernel: number[]; recurrentKernel: number[]; bias: number[]; recurrentBias?: number[]; peepholes?: number[] }): RecurrentParams {
  const gates = c.kind === 'gru' ? 3 : 4;
  const width = gates * c.units;
  const p: RecurrentParams = {
    kind: c.kind, inputSize: c.inputSize, units: c.units,
    kernel: tf.variable(tf.tensor2d(c.kernel, [c.inputSize, width]), true, uniqueName('kernel')),
    recurrentKernel: tf.variable(tf.tensor2d(c.recurrentKernel, [c.units, width]), true, uniqueName('recurrentKernel')),
    bias: tf.variable(tf.tensor1d(c.bias), true, uniqueName('bias')),
  };
  if (c.recurrentBias) p.recurrentBias = tf.variable(tf.tensor1d(c.recurrentBias), true, uniqueName('recurrentBias'));
  if (c.peepholes) p.peepholes = tf.variable(tf.tensor2d(c.peepholes, [3, c.units]), true, uniqueName('peepholes'));
  return p;
}

function disposeParams(p: RecurrentParams): void {
  for (const v of recurrentParamList(p)) v.dispose();
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: expected ${expected.length} values, got ${actual.length}`);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
    if (!(err <= worst)) { worst = err; worstAt = i; }
  }
  assert.ok(worst <= tol, `${what}: worst error ${worst} at ${worstAt} (got ${actual[worstAt]}, expected ${expected[worstAt]}), tolerance ${tol}`);
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());

/** The golden loss: sum(out*R_out) + sum(h_n*R_h) [+ sum(c_n*R_c)]. */
function goldenLoss(c: GoldenCase, result: { output: tf.Tensor3D; final: RecurrentState }): tf.Scalar {
  const { batch, time, units } = c;
  let loss = tf.add(
    tf.sum(tf.mul(result.output, tf.tensor3d(c.lossOutput, [batch, time, units]))),
    tf.sum(tf.mul(result.final.hidden, tf.tensor2d(c.lossHidden, [batch, units]))),
  );
  if (c.lossCell) loss = tf.add(loss, tf.sum(tf.mul(result.final.cellState!, tf.tensor2d(c.lossCell, [batch, units]))));
  return loss as tf.Scalar;
}

function initialState(c: GoldenCase): RecurrentState {
  return {
    hidden: tf.tensor2d(c.h0, [c.batch, c.units]),
    cellState: c.c0 ? tf.tensor2d(c.c0, [c.batch, c.units]) : undefined,
  };
}

function goldenTests(backend: 'cpu' | 'wasm'): void {
  describe(`torch goldens on ${backend}`, () => {
    before(async () => {
      assert.equal(await tf.setBackend(backend), true, `expected the ${backend} backend to initialise`);
    });

    for (const c of golden.cases) {
      test(`${c.kind}: forward equals torch (output, h_n${c.finalCell ? ', c_n' : ''})`, () => {
        const p = paramsFrom(c);
        const x = tf.tensor3d(c.x, [c.batch, c.time, c.inputSize]);
        const result = runRecurrent(p, x, initialState(c));
        assert.deepEqual(result.output.shape, [c.batch, c.time, c.units]);
        assertClose(values(result.output), c.output, 2e-6, 'output');
        assertClose(values(result.final.hidden), c.finalHidden, 2e-6, 'final hidden');
        if (c.finalCell) assertClose(values(result.final.cellState!), c.finalCell, 2e-6, 'final cell');
        else assert.equal(result.final.cellState, undefined, 'a GRU has no cell state');
        disposeParams(p);
      });

      test(`${c.kind}: gradients equal torch autograd (x, initial state, every weight)`, () => {
        const p = paramsFrom(c);
        const x = tf.tensor3d(c.x, [c.batch, c.time, c.inputSize]);
        const init = initialState(c);
        // weights through variableGrads, the way the trainer calls it
        const { grads } = tf.variableGrads(() => goldenLoss(c, runRecurrent(p, x, init)), recurrentParamList(p));
        assertClose(values(grads[p.kernel.name]), c.grad.kernel, 1e-5, 'dKernel');
        assertClose(values(grads[p.recurrentKernel.name]), c.grad.recurrentKernel, 1e-5, 'dRecurrentKernel');
        assertClose(values(grads[p.bias.name]), c.grad.bias, 1e-5, 'dBias');
        if (p.recurrentBias) assertClose(values(grads[p.recurrentBias.name]), c.grad.recurrentBias, 1e-5, 'dRecurrentBias');
        if (p.peepholes) assertClose(values(grads[p.peepholes.name]), c.grad.peepholes, 1e-5, 'dPeepholes');
        // input and initial state through tf.grads
        const inputs = c.c0 ? [x, init.hidden, init.cellState!] : [x, init.hidden];
        const inputGrads = tf.grads((...args: tf.Tensor[]) =>
          goldenLoss(c, runRecurrent(p, args[0] as tf.Tensor3D, { hidden: args[1] as tf.Tensor2D, cellState: args[2] as tf.Tensor2D | undefined })))(inputs);
        assertClose(values(inputGrads[0]), c.grad.x, 1e-5, 'dx');
        assertClose(values(inputGrads[1]), c.grad.h0, 1e-5, 'dh0');
        if (c.c0) assertClose(values(inputGrads[2]), c.grad.c0, 1e-5, 'dc0');
        disposeParams(p);
      });

      test(`${c.kind}: inspect trace equals torch's per-step gates and states`, () => {
        const p = paramsFrom(c);
        const x = tf.tensor3d(c.x, [c.batch, c.time, c.inputSize]);
        const { output, final, trace } = inspectRecurrent(p, x, initialState(c));
        assertClose(values(output), c.output, 2e-6, 'output');
        for (const [name, expected] of Object.entries(c.trace)) {
          const got = trace[name as keyof typeof trace];
          assert.ok(got, `trace.${name} missing`);
          assert.deepEqual(got.shape, [c.batch, c.time, c.units]);
          assertClose(values(got), expected, 2e-6, `trace.${name}`);
        }
        const gateNames = c.kind === 'gru' ? ['resetGate', 'updateGate'] : ['inputGate', 'forgetGate', 'outputGate'];
        for (const name of gateNames) {
          for (const v of values(trace[name as keyof typeof trace]!)) assert.ok(v >= 0 && v <= 1, `${name} value ${v} outside [0, 1]`);
        }
        if (c.finalCell) {
          // c_n from the trace's last step equals torch's c_n, and the returned final state
          const lastCell = tf.slice(trace.cellState!, [0, c.time - 1, 0], [c.batch, 1, c.units]);
          assertClose(values(lastCell), c.finalCell, 2e-6, 'trace c_T');
          assertClose(values(final.cellState!), c.finalCell, 2e-6, 'final cell');
          assert.equal(trace.resetGate, undefined);
        } else {
          assert.equal(trace.cellState, undefined);
          assert.equal(trace.inputGate, undefined);
        }
        assertClose(values(final.hidden), c.finalHidden, 2e-6, 'final hidden');
        disposeParams(p);
      });
    }

    test('2-layer LSTM stack: output and gradients equal torch nn.LSTM(num_layers=2)', () => {
      const c = golden.twoLayer;
      const layers = c.layers.map((l, i) => paramsFrom({ kind: 'lstm', inputSize: i === 0 ? c.inputSize : c.units, units: c.units, ...l }));
      const x = tf.tensor3d(c.x, [c.batch, c.time, c.inputSize]);
      const stack = (input: tf.Tensor3D) => runRecurrent(layers[1], runRecurrent(layers[0], input).output).output;
      assertClose(values(stack(x)), c.output, 2e-6, 'output');
      const lossWeights = tf.tensor3d(c.lossOutput, [c.batch, c.time, c.units]);
      const loss = (input: tf.Tensor3D) => tf.sum(tf.mul(stack(input), lossWeights)) as tf.Scalar;
      const { grads } = tf.variableGrads(() => loss(x), layers.flatMap(recurrentParamList));
      c.layers.forEach((l, i) => {
        assertClose(values(grads[layers[i].kernel.name]), l.gradKernel, 1e-5, `layer ${i} dKernel`);
        assertClose(values(grads[layers[i].recurrentKernel.name]), l.gradRecurrentKernel, 1e-5, `layer ${i} dRecurrentKernel`);
        assertClose(values(grads[layers[i].bias.name]), l.gradBias, 1e-5, `layer ${i} dBias`);
      });
      assertClose(values(tf.grad((input: tf.Tensor) => loss(input as tf.Tensor3D))(x)), c.gradX, 1e-5, 'dx');
      layers.forEach(disposeParams);
    });
  });
}

goldenTests('cpu');
goldenTests('wasm');

describe('finite differences, chunking, init and errors on cpu', () => {
  before(async () => {
    assert.equal(await tf.setBackend('cpu'), true, 'expected the cpu backend to initialise');
  });

  for (const kind of ['lstm', 'peephole', 'gru'] as const) {
    test(`${kind}: analytic gradients equal central finite differences of the forward`, () => {
      const batch = 2, time = 4, inputSize = 3, units = 3;
      const p = createRecurrentParams(kind, inputSize, units, 11, uniqueName(kind));
      // larger weights than the init so every gate leaves its linear range
      for (const v of recurrentParamList(p)) v.assign(tf.mul(v, 2.5));
      const x = tf.randomNormal([batch, time, inputSize], 0, 1, 'float32', 3) as tf.Tensor3D;
      const h0 = tf.randomNormal([batch, units], 0, 0.5, 'float32', 4) as tf.Tensor2D;
      const c0 = tf.randomNormal([batch, units], 0, 0.5, 'float32', 5) as tf.Tensor2D;
      const lossOut = tf.randomNormal([batch, time, units], 0, 1, 'float32', 6);
      const lossCell = tf.randomNormal([batch, units], 0, 1, 'float32', 7);
      const hasCell = kind !== 'gru';
      const inputs: tf.Tensor[] = [x, h0, ...(hasCell ? [c0] : []), ...recurrentParamList(p)];
      const names = ['x', 'h0', ...(hasCell ? ['c0'] : []), ...recurrentParamList(p).map((v) => v.name.split('/').pop()!)];
      // The loss as a function of all inputs; weights swapped in as plain tensors.
      const lossOf = (args: tf.Tensor[]): tf.Scalar => tf.tidy(() => {
        const [xa, ha] = args;
        const ca = hasCell ? args[2] : undefined;
        const w = args.slice(hasCell ? 3 : 2) as tf.Variable[];
        const q: RecurrentParams = { ...p, kernel: w[0], recurrentKernel: w[1], bias: w[2] };
        if (kind === 'gru') q.recurrentBias = w[3];
        if (kind === 'peephole') q.peepholes = w[3];
        const r = runRecurrent(q, xa as tf.Tensor3D, { hidden: ha as tf.Tensor2D, cellState: ca as tf.Tensor2D | undefined });
        let loss = tf.sum(tf.mul(r.output, lossOut));
        if (hasCell) loss = tf.add(loss, tf.sum(tf.mul(r.final.cellState!, lossCell)));
        return loss as tf.Scalar;
      });
      const analytic = tf.grads((...args: tf.Tensor[]) => lossOf(args))(inputs);
      const eps = 1e-2;
      inputs.forEach((input, k) => {
        const base = input.dataSync().slice();
        const numeric = new Float32Array(base.length);
        for (let i = 0; i < base.length; i++) {
          const shifted = (delta: number) => {
            const data = base.slice();
            data[i] += delta;
            const args = inputs.slice();
            args[k] = tf.tensor(data, input.shape);
            const value = lossOf(args).dataSync()[0];
            args[k].dispose();
            return value;
          };
          numeric[i] = (shifted(eps) - shifted(-eps)) / (2 * eps);
        }
        // normwise relative error: float32 FD noise is ~1e-4 here, a wrong formula gives O(1)
        const got = analytic[k].dataSync();
        let diff = 0, norm = 0;
        for (let i = 0; i < base.length; i++) { diff += (got[i] - numeric[i]) ** 2; norm += numeric[i] ** 2; }
        const rel = Math.sqrt(diff) / Math.max(1e-3, Math.sqrt(norm));
        assert.ok(rel < 2e-3, `${kind} d${names[k]}: normwise relative error ${rel} vs finite differences`);
      });
      disposeParams(p);
    });

    test(`${kind}: running in chunks with carried state equals the whole sequence (values and gradients)`, () => {
      const batch = 2, time = 7, inputSize = 4, units = 5;
      const p = createRecurrentParams(kind, inputSize, units, 21, uniqueName(kind));
      const x = tf.randomNormal([batch, time, inputSize], 0, 1, 'float32', 8) as tf.Tensor3D;
      const lossOut = tf.randomNormal([batch, time, units], 0, 1, 'float32', 9);
      const whole = runRecurrent(p, x);
      const chunks = [[0, 3], [3, 1], [4, 3]];
      const runChunks = () => {
        let state: RecurrentState | undefined;
        const outputs: tf.Tensor3D[] = [];
        for (const [start, length] of chunks) {
          const r = runRecurrent(p, tf.slice(x, [0, start, 0], [batch, length, inputSize]), state);
          outputs.push(r.output);
          state = r.final;
        }
        return { output: tf.concat(outputs, 1) as tf.Tensor3D, final: state! };
      };
      const chunked = runChunks();
      assertClose(values(chunked.output), values(whole.output), 1e-6, 'chunked output');
      assertClose(values(chunked.final.hidden), values(whole.final.hidden), 1e-6, 'chunked final hidden');
      if (kind !== 'gru') assertClose(values(chunked.final.cellState!), values(whole.final.cellState!), 1e-6, 'chunked final cell');
      // inspect must agree with run, chunk by chunk too
      const inspected = inspectRecurrent(p, tf.slice(x, [0, 3, 0], [batch, 4, inputSize]), runRecurrent(p, tf.slice(x, [0, 0, 0], [batch, 3, inputSize])).final);
      assertClose(values(inspected.output), values(tf.slice(whole.output, [0, 3, 0], [batch, 4, units])), 1e-6, 'inspect after a chunk');
      // gradients flow through the carried state: chunked loss has the whole-sequence gradients
      const gradsOf = (run: () => { output: tf.Tensor3D }) =>
        tf.variableGrads(() => tf.sum(tf.mul(run().output, lossOut)) as tf.Scalar, recurrentParamList(p)).grads;
      const gWhole = gradsOf(() => runRecurrent(p, x));
      const gChunked = gradsOf(runChunks);
      for (const v of recurrentParamList(p)) assertClose(values(gChunked[v.name]), values(gWhole[v.name]), 1e-5, `chunked d${v.name}`);
      disposeParams(p);
    });
  }

  test('denseOverTime: values and gradients equal tf.matMul + tf.add under autograd', () => {
    const x = tf.randomNormal([3, 4, 5], 0, 1, 'float32', 1) as tf.Tensor3D;
    const kernel = tf.randomNormal([5, 6], 0, 1, 'float32', 2) as tf.Tensor2D;
    const bias = tf.randomNormal([6], 0, 1, 'float32', 3) as tf.Tensor1D;
    const weights = tf.randomNormal([3, 4, 6], 0, 1, 'float32', 4);
    const ours = (a: tf.Tensor, k: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(denseOverTime(a as tf.Tensor3D, k as tf.Tensor2D, b as tf.Tensor1D), weights)) as tf.Scalar;
    const reference = (a: tf.Tensor, k: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.reshape(tf.add(tf.matMul(tf.reshape(a, [12, 5]), k), b), [3, 4, 6]), weights)) as tf.Scalar;
    assertClose(values(ours(x, kernel, bias)), values(reference(x, kernel, bias)), 1e-5, 'value');
    const gOurs = tf.grads(ours)([x, kernel, bias]);
    const gRef = tf.grads(reference)([x, kernel, bias]);
    ['dx', 'dKernel', 'dBias'].forEach((name, i) => assertClose(values(gOurs[i]), values(gRef[i]), 1e-5, name));
    assert.throws(() => denseOverTime(x, tf.zeros([4, 6]) as tf.Tensor2D, bias), /expected kernel \[5, n\]/);
  });

  test('padding at the end leaves the valid steps unchanged', () => {
    const p = createRecurrentParams('lstm', 3, 4, 5, uniqueName('pad'));
    const x = tf.randomNormal([1, 5, 3], 0, 1, 'float32', 1) as tf.Tensor3D;
    const padded = tf.concat([x, tf.fill([1, 3, 3], 7)], 1) as tf.Tensor3D;
    const a = runRecurrent(p, x).output;
    const b = tf.slice(runRecurrent(p, padded).output, [0, 0, 0], [1, 5, 4]);
    assertClose(values(b), values(a), 0, 'valid steps of the padded run');
    disposeParams(p);
  });

  test('createRecurrentParams: PyTorch-style init, deterministic by seed, right shapes', () => {
    for (const kind of ['lstm', 'peephole', 'gru'] as const) {
      const a = createRecurrentParams(kind, 6, 8, 42, uniqueName(kind));
      const b = createRecurrentParams(kind, 6, 8, 42, uniqueName(kind));
      const gates = kind === 'gru' ? 3 : 4;
      assert.deepEqual(a.kernel.shape, [6, gates * 8]);
      assert.deepEqual(a.recurrentKernel.shape, [8, gates * 8]);
      assert.deepEqual(a.bias.shape, [gates * 8]);
      assert.equal(recurrentParamList(a).length, kind === 'lstm' ? 3 : 4);
      if (kind === 'peephole') assert.deepEqual(a.peepholes!.shape, [3, 8]);
      if (kind === 'gru') assert.deepEqual(a.recurrentBias!.shape, [24]);
      const limit = 1 / Math.sqrt(8);
      recurrentParamList(a).forEach((v, i) => {
        assert.deepEqual(values(v), values(recurrentParamList(b)[i]), `${kind} ${v.name} not deterministic`);
        const shift = kind !== 'gru' && v === a.bias;
        values(v).forEach((w, j) => {
          const forget = shift && j >= 8 && j < 16 ? 1 : 0;
          assert.ok(Math.abs(w - forget) <= limit + 1e-7, `${v.name}[${j}] = ${w} outside ±${limit} (+${forget})`);
        });
      });
      const c = createRecurrentParams(kind, 6, 8, 43, uniqueName(kind));
      assert.notDeepEqual(values(c.kernel), values(a.kernel), 'another seed should give other weights');
      [a, b, c].forEach(disposeParams);
    }
  });

  test('no tensors leak from a training step or an inspection', () => {
    const p = createRecurrentParams('peephole', 3, 4, 1, uniqueName('leak'));
    const g = createRecurrentParams('gru', 3, 4, 1, uniqueName('leak'));
    const x = tf.randomNormal([2, 5, 3]) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    for (const q of [p, g]) {
      const { value, grads } = tf.variableGrads(() => tf.sum(runRecurrent(q, x).output) as tf.Scalar, recurrentParamList(q));
      value.dispose();
      tf.dispose(grads);
      const inspected = inspectRecurrent(q, x);
      tf.dispose([inspected.output, inspected.final.hidden, inspected.final.cellState ?? [], ...Object.values(inspected.trace)]);
    }
    assert.equal(tf.memory().numTensors, before, 'tensor count changed');
    [p, g].forEach(disposeParams);
  });

  test('shape mistakes fail with what was expected and what came in', () => {
    const p = createRecurrentParams('lstm', 3, 4, 1, uniqueName('err'));
    assert.throws(() => runRecurrent(p, tf.zeros([2, 5, 4]) as tf.Tensor3D), /expected x \[batch, time, 3\], got \[2,5,4\]/);
    assert.throws(() => runRecurrent(p, tf.zeros([2, 5, 3]) as tf.Tensor3D, { hidden: tf.zeros([2, 4]) as tf.Tensor2D }), /needs cellState/);
    assert.throws(() => runRecurrent(p, tf.zeros([2, 5, 3]) as tf.Tensor3D, { hidden: tf.zeros([3, 4]) as tf.Tensor2D, cellState: tf.zeros([3, 4]) as tf.Tensor2D }),
      /expected initial.hidden of shape \[2,4\], got \[3,4\]/);
    disposeParams(p);
  });
});
