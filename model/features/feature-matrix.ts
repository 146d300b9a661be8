/** A block of feature frames, row-major: frame t occupies data[t*dim … (t+1)*dim). */
export interface FeatureMatrix {
  /** [frames × dim], row-major. */
  data: Float32Array;
  frames: number;
  dim: number;
}

/** An all-zero matrix of the given shape. */
export function emptyFeatures(frames: number, dim: number): FeatureMatrix {
  return { data: new Float32Array(frames * dim), frames, dim };
}

/** Stacks matrices of equal dim along time (used to join streaming output). */
export function concatFeatures(parts: readonly FeatureMatrix[], dim: number): FeatureMatrix {
  let frames = 0;
  for (const part of parts) {
    if (part.frames > 0 && part.dim !== dim) {
      throw new Error(`concatFeatures: expected dim ${dim}, got a block of dim ${part.dim}`);
    }
    frames += part.frames;
  }
  const out = emptyFeatures(frames, dim);
  let offset = 0;
  for (const part of parts) {
    out.data.set(part.data.subarray(0, part.frames * dim), offset);
    offset += part.frames * dim;
  }
  return out;
}
