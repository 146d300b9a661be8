/** Test helper: loads fixtures/mfcc_golden.json (written by scripts/golden/mfcc_golden.py). */
import { readFileSync } from 'node:fs';
import type { FeatureConfig } from '../config.ts';

export interface GoldenCase {
  name: string;
  /** The input exactly as the golden script used it. */
  pcm: Float32Array;
  frames: number;
  dim: number;
  /** Float64 reference, [frames × dim] row-major. */
  features: Float64Array;
}

function decode(base64: string): Uint8Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Reads the golden cases; int16 PCM is scaled by 1/32768 in float32 like the script does. */
export function loadGolden(): { config: FeatureConfig; cases: GoldenCase[] } {
  const raw = JSON.parse(readFileSync(new URL('./fixtures/mfcc_golden.json', import.meta.url), 'utf8'));
  const cases = (raw.cases as Record<string, unknown>[]).map((c) => {
    let pcm: Float32Array;
    if (typeof c.pcmFloat32 === 'string') {
      pcm = new Float32Array(decode(c.pcmFloat32).buffer);
    } else {
      const ints = new Int16Array(decode(c.pcmInt16 as string).buffer);
      pcm = new Float32Array(ints.length);
      for (let i = 0; i < ints.length; i++) pcm[i] = ints[i] / 32768;
    }
    return {
      name: c.name as string,
      pcm,
      frames: c.frames as number,
      dim: c.dim as number,
      features: new Float64Array(decode(c.features as string).buffer),
    };
  });
  return { config: raw.config as FeatureConfig, cases };
}
