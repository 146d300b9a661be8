/**
 * Adam (Kingma & Ba) with its state in plain sight: the step count and each variable's first and
 * second moments. tfjs's own Adam recomputes β^t differently after a restore than during a run,
 * which would make a resumed training drift from an uninterrupted one; here β^t is always
 * Math.pow(β, t), so a resume continues bit for bit.
 */
import * as tf from '@tensorflow/tfjs';

export class Adam {
  step = 0;
  private firstMoments: tf.Variable[];
  private secondMoments: tf.Variable[];

  constructor(
    private readonly variables: tf.Variable[],
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
  ) {
    this.firstMoments = variables.map((v) => tf.variable(tf.zerosLike(v), false)); // same shape as v
    this.secondMoments = variables.map((v) => tf.variable(tf.zerosLike(v), false)); // same shape as v
  }

  /** Applies one update; `gradients[i]` belongs to `variables[i]`. */
  apply(gradients: tf.Tensor[], learningRate: number): void {
    this.step += 1;
    const correction1 = 1 - Math.pow(this.beta1, this.step);
    const correction2 = 1 - Math.pow(this.beta2, this.step);
    const stepSize = (learningRate * Math.sqrt(correction2)) / correction1;
    tf.tidy(() => {
      this.variables.forEach((variable, i) => {
        const gradient = gradients[i];
        const m = this.firstMoments[i];
        const v = this.secondMoments[i];
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(gradient, 1 - this.beta1))); // running mean of g
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2))); // running mean of g²
        const update = tf.div(m, tf.add(tf.sqrt(v), this.epsilon)); // same shape as variable
        variable.assign(tf.sub(variable, tf.mul(update, stepSize)));
      });
    });
  }

  /** State to checkpoint: [step (as a 1-element tensor), m₀…mₙ, v₀…vₙ]. */
  state(): tf.Tensor[] {
    return [tf.tensor1d([this.step], 'float32'), ...this.firstMoments, ...this.secondMoments];
  }

  /** Restores what state() returned; shapes must match the variables. */
  restore(saved: tf.Tensor[]): void {
    const n = this.variables.length;
    if (saved.length !== 1 + 2 * n) throw new Error(`optimizer state has ${saved.length} tensors, expected ${1 + 2 * n}`);
    this.step = saved[0].dataSync()[0];
    for (let i = 0; i < n; i++) {
      const shape = this.variables[i].shape;
      if (!tf.util.arraysEqual(saved[1 + i].shape, shape) || !tf.util.arraysEqual(saved[1 + n + i].shape, shape)) {
        throw new Error(`optimizer state for variable ${i} has the wrong shape`);
      }
      this.firstMoments[i].assign(saved[1 + i]);
      this.secondMoments[i].assign(saved[1 + n + i]);
    }
  }

  dispose(): void {
    for (const t of [...this.firstMoments, ...this.secondMoments]) t.dispose();
  }
}
