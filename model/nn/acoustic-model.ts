/**
 * The acoustic model: normalised MFCC frames → optional frame stacking → N recurrent layers →
 * a dense layer to the characters plus the CTC blank. Like nanoGPT's model.py: one class, one
 * config, a shape comment on every tensor line.
 */
import * as tf from '@tensorflow/tfjs';
import { featureDim, type FeatureConfig, type ModelConfig } from '../config.ts';
import { Alphabet } from '../text/alphabet.ts';
import type { Normalisation } from '../io/model-store.ts';
import {
  createRecurrentParams,
  denseOverTime,
  inspectRecurrent,
  recurrentParamList,
  runRecurrent,
  type RecurrentParams,
  type RecurrentState,
} from './recurrent.ts';
import { runRecurrentOnDevice } from './recurrent-device.ts';
import { inferRecurrent } from './inference.ts';

/** Everything a layer exposes for the "look inside" views, each [batch, steps, units]. */
export interface LayerTrace {
  cellState?: tf.Tensor3D;
  hidden: tf.Tensor3D;
  inputGate?: tf.Tensor3D;
  forgetGate?: tf.Tensor3D;
  outputGate?: tf.Tensor3D;
  candidate?: tf.Tensor3D;
  resetGate?: tf.Tensor3D;
  updateGate?: tf.Tensor3D;
}

export interface ForwardResult {
  /** Unnormalised class scores, [batch, steps, classes]. */
  logits: tf.Tensor3D;
  /** Recurrent state of each layer after the last step (for streaming). */
  states: RecurrentState[];
  /** Per-layer traces, only when asked for. */
  traces?: LayerTrace[];
}

// tfjs variable names are global to the process, so each model instance gets its own prefix.
let instanceCounter = 0;

export class AcousticModel {
  readonly alphabet: Alphabet;
  readonly inputDim: number;

  private constructor(
    readonly config: ModelConfig,
    readonly features: FeatureConfig,
    readonly normalisation: Normalisation,
    readonly layers: RecurrentParams[],
    readonly outputKernel: tf.Variable, // [units, classes]
    readonly outputBias: tf.Variable, // [classes]
  ) {
    this.alphabet = new Alphabet(config.alphabet);
    this.inputDim = featureDim(features);
  }

  /** A freshly initialised model; deterministic for a given seed. */
  static create(config: ModelConfig, features: FeatureConfig, normalisation: Normalisation, seed: number): AcousticModel {
    const classes = new Alphabet(config.alphabet).size;
    const stepInput = featureDim(features) * config.stack;
    const prefix = `model${++instanceCounter}`;
    const layers: RecurrentParams[] = [];
    for (let i = 0; i < config.layers; i++) {
      const inputSize = i === 0 ? stepInput : config.units;
      const kind = i === config.layers - 1 ? (config.headArch ?? config.arch) : config.arch;
      layers.push(createRecurrentParams(kind, inputSize, config.units, seed + 1000 * (i + 1), `${prefix}/layer${i}`));
    }
    const limit = Math.sqrt(6 / (config.units + classes)); // Glorot uniform
    const outputKernel = tf.variable(
      tf.randomUniform([config.units, classes], -limit, limit, 'float32', seed + 7), // [units, classes]
      true,
      `${prefix}/output/kernel`,
    );
    const outputBias = tf.variable(tf.zeros([classes]), true, `${prefix}/output/bias`); // [classes]
    return new AcousticModel(config, features, normalisation, layers, outputKernel, outputBias);
  }

  /** Rebuilds a model from saved weights (see toWeights); checks every name and shape. */
  static fromWeights(config: ModelConfig, features: FeatureConfig, normalisation: Normalisation, weights: tf.NamedTensorMap): AcousticModel {
    const template = AcousticModel.create(config, features, normalisation, 0);
    const expected = template.namedVariables();
    const missing = Object.keys(expected).filter((name) => !(name in weights));
    if (missing.length > 0) {
      template.dispose();
      throw new Error(`weights do not match the architecture: missing ${missing.join(', ')}`);
    }
    for (const [name, variable] of Object.entries(expected)) {
      const given = weights[name];
      if (!tf.util.arraysEqual(given.shape, variable.shape)) {
        template.dispose();
        throw new Error(`weight ${name} has shape [${given.shape}], the architecture needs [${variable.shape}]`);
      }
      variable.assign(given);
    }
    return template;
  }

  /** Output classes: the alphabet plus the blank. */
  get classes(): number {
    return this.alphabet.size;
  }

  /** Seconds of audio per network step. */
  get stepSeconds(): number {
    return (this.config.stack * this.features.hopLength) / this.features.sampleRate;
  }

  /** Network steps for a number of feature frames (stacking pads the last group). */
  stepsFor(frames: number): number {
    return Math.ceil(frames / this.config.stack);
  }

  /** Every weight by its saved name: layer{i}/kernel, …, output/kernel, output/bias. */
  namedVariables(): Record<string, tf.Variable> {
    const named: Record<string, tf.Variable> = {};
    this.layers.forEach((layer, i) => {
      named[`layer${i}/kernel`] = layer.kernel;
      named[`layer${i}/recurrentKernel`] = layer.recurrentKernel;
      named[`layer${i}/bias`] = layer.bias;
      if (layer.recurrentBias) named[`layer${i}/recurrentBias`] = layer.recurrentBias;
      if (layer.peepholes) named[`layer${i}/peepholes`] = layer.peepholes;
    });
    named['output/kernel'] = this.outputKernel;
    named['output/bias'] = this.outputBias;
    return named;
  }

  /** The variables training updates; the first `frozenLayers` recurrent layers are left out. */
  trainableVariables(frozenLayers = 0): tf.Variable[] {
    if (frozenLayers < 0 || frozenLayers > this.layers.length) {
      throw new Error(`cannot freeze ${frozenLayers} layers of a ${this.layers.length}-layer model`);
    }
    return [...this.layers.slice(frozenLayers).flatMap((layer) => recurrentParamList(layer)), this.outputKernel, this.outputBias];
  }

  /** Applies the model's global mean/variance normalisation to raw features, in place. */
  normaliseInPlace(data: Float32Array): Float32Array {
    const { mean, std } = this.normalisation;
    const dim = this.inputDim;
    for (let i = 0; i < data.length; i++) data[i] = (data[i] - mean[i % dim]) / std[i % dim];
    return data;
  }

  /** Concatenates `stack` consecutive frames into one step; pads the last group with zeros (the mean). */
  stackFrames(features: tf.Tensor3D): tf.Tensor3D {
    const k = this.config.stack;
    if (k === 1) return features;
    return tf.tidy(() => {
      const [batch, frames, dim] = features.shape;
      const steps = Math.ceil(frames / k);
      const padded = tf.pad(features, [[0, 0], [0, steps * k - frames], [0, 0]]); // [batch, steps*k, dim]
      return tf.reshape(padded, [batch, steps, k * dim]) as tf.Tensor3D; // [batch, steps, k*dim]
    });
  }

  /**
   * Normalised features [batch, frames, dim] → logits [batch, steps, classes]. Differentiable:
   * training calls it inside tf.variableGrads.
   */
  logits(features: tf.Tensor3D): tf.Tensor3D {
    return this.forward(this.stackFrames(features)).logits;
  }

  /**
   * logits() for GPU backends: the layers of recurrent-device.ts and a plain dense layer, tf's
   * autodiff throughout, so neither the forward nor the backward pass reads values back to the host.
   */
  logitsOnDevice(features: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      let x = this.stackFrames(features); // [batch, steps, k*dim]
      for (const layer of this.layers) x = runRecurrentOnDevice(layer, x).output; // [batch, steps, units]
      const [batch, steps, units] = x.shape;
      const scores = tf.add(tf.matMul(tf.reshape(x, [batch * steps, units]), this.outputKernel), this.outputBias); // [batch*steps, classes]
      return tf.reshape(scores, [batch, steps, this.classes]) as tf.Tensor3D; // [batch, steps, classes]
    });
  }

  /**
   * Runs already-stacked input [batch, steps, k*dim] from `initial` states (zeros when absent).
   * With `inspect`, also returns every layer's gates and states (no gradient in that mode).
   */
  forward(stacked: tf.Tensor3D, initial?: RecurrentState[], inspect = false): ForwardResult {
    let x: tf.Tensor3D = stacked; // [batch, steps, k*dim]
    const states: RecurrentState[] = [];
    const traces: LayerTrace[] = [];
    this.layers.forEach((layer, i) => {
      if (inspect) {
        const run = inspectRecurrent(layer, x, initial?.[i]);
        x = run.output; // [batch, steps, units]
        states.push(run.final);
        traces.push(run.trace as LayerTrace);
      } else {
        // The features are data: no gradient of the first layer's input is needed.
        const run = runRecurrent(layer, x, initial?.[i], { inputGradient: i > 0 });
        x = run.output; // [batch, steps, units]
        states.push(run.final);
      }
    });
    // The dense layer's own gradient uses only plain matMuls (tf's matMul gradient needs the
    // transposed kernels that are slow on wasm).
    const logits = denseOverTime(x, this.outputKernel, this.outputBias); // [batch, steps, classes]
    return inspect ? { logits, states, traces } : { logits, states };
  }

  /**
   * Recognition-only forward pass: like forward() without inspection, but through the
   * forward-only recurrent path (no gates kept for a backward pass, memory independent of the
   * length). Not differentiable. Dispose the result's tensors (or call inside tf.tidy).
   */
  infer(stacked: tf.Tensor3D, initial?: RecurrentState[]): ForwardResult {
    let x: tf.Tensor3D = stacked; // [batch, steps, k*dim]
    const states: RecurrentState[] = [];
    this.layers.forEach((layer, i) => {
      const run = inferRecurrent(layer, x, initial?.[i]);
      if (x !== stacked) x.dispose(); // the previous layer's output is not needed any more
      x = run.output; // [batch, steps, units]
      states.push(run.final);
    });
    // The same fused kernel as denseOverTime's forward, without its gradient bookkeeping.
    const logits = tf.tidy(() => tf.fused.matMul({ a: tf.reshape(x, [-1, this.config.units]) as tf.Tensor2D, b: this.outputKernel, bias: this.outputBias })); // [batch*steps, classes]
    const [batch, steps] = x.shape;
    x.dispose();
    const shaped = tf.reshape(logits, [batch, steps, this.classes]) as tf.Tensor3D; // [batch, steps, classes]
    logits.dispose();
    return { logits: shaped, states };
  }

  /** Total number of weights. */
  parameterCount(): number {
    return Object.values(this.namedVariables()).reduce((sum, v) => sum + v.size, 0);
  }

  dispose(): void {
    for (const variable of Object.values(this.namedVariables())) variable.dispose();
  }
}
