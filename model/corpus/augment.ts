/**
 * Per-utterance augmentation, drawn from a seeded generator and recorded in the manifest:
 * speed perturbation (0.9/1.0/1.1), pitch shift, reverb, silence padding, additive noise at a
 * target SNR, telephone band-limiting (8 kHz μ-law, 300–3400 Hz) and output level.
 *
 * sox does the signal effects; the noise and the level are applied here in TypeScript, from the
 * same seeded generator, so a rebuilt utterance is bit-identical (sox's own noise would need -R,
 * which makes it identical across *all* utterances, tts.md §4).
 */
import { type Random, between, pick, round } from './random.ts';
import { frameEnergies } from './quality.ts';

export type NoiseColour = 'white' | 'pink' | 'brown';

export interface AugmentChain {
  /** Speed perturbation factor (pitch and tempo together, Kaldi style). */
  speed: number;
  /** Pitch shift in cents (tempo kept), when drawn. */
  pitchCents?: number;
  /** sox reverb parameters (percentages), when drawn. */
  reverb?: { reverberance: number; hfDamping: number; roomScale: number };
  /** Silence added before and after, seconds. */
  padStart: number;
  padEnd: number;
  /** Additive noise, when drawn: colour and target signal-to-noise ratio in dB. */
  noise?: { colour: NoiseColour; snrDb: number };
  /** Telephone channel: 300–3400 Hz band, 8 kHz μ-law, back to 16 kHz. */
  telephone: boolean;
  /** Final peak level, dBFS. */
  peakDb: number;
}

/** Ranges and probabilities of the chain (tts.md §4, kept milder as its WER table suggests). */
export const AUGMENT_POLICY = {
  /** Share of utterances left clean: only padding and level. */
  cleanShare: 0.2,
  speeds: [0.9, 1.0, 1.1],
  pitch: { probability: 0.25, maxCents: 300 },
  reverb: { probability: 0.3 },
  pad: { min: 0.05, max: 0.4 },
  /** SNR = 30·√u dB, u uniform: covers 0–30 dB but most utterances get a moderate level (P(SNR < 10 dB) = 1/9). */
  noise: { probability: 0.6, maxSnrDb: 30 },
  telephone: { probability: 0.08 },
  peakDb: { min: -20, max: -1 },
} as const;

/** Draws a chain. Each step is independent; values are rounded so the manifest stays readable. */
export function drawChain(random: Random): AugmentChain {
  const p = AUGMENT_POLICY;
  const clean = random() < p.cleanShare;
  const chain: AugmentChain = {
    speed: clean ? 1 : pick(random, p.speeds),
    padStart: round(between(random, p.pad.min, p.pad.max), 3),
    padEnd: round(between(random, p.pad.min, p.pad.max), 3),
    telephone: false,
    peakDb: round(between(random, p.peakDb.min, p.peakDb.max), 1),
  };
  if (clean) return chain;
  if (random() < p.pitch.probability) chain.pitchCents = Math.round(between(random, -p.pitch.maxCents, p.pitch.maxCents));
  if (random() < p.reverb.probability) {
    chain.reverb = {
      reverberance: Math.round(between(random, 10, 70)),
      hfDamping: Math.round(between(random, 20, 80)),
      roomScale: Math.round(between(random, 20, 100)),
    };
  }
  if (random() < p.noise.probability) {
    chain.noise = { colour: pick(random, ['white', 'pink', 'brown'] as const), snrDb: round(p.noise.maxSnrDb * Math.sqrt(random()), 1) };
  }
  chain.telephone = random() < p.telephone.probability;
  return chain;
}

/**
 * sox effect arguments for the chain's signal effects (speed, pitch, reverb, padding), input and
 * output at 16 kHz. `rate 16000` follows speed and pitch at once: both change sox's internal
 * rate, and later effects would otherwise see the wrong Nyquist (tts.md §4).
 */
export function soxEffects(chain: AugmentChain): string[] {
  const effects: string[] = [];
  if (chain.speed !== 1) effects.push('speed', String(chain.speed), 'rate', '16000');
  if (chain.pitchCents !== undefined && chain.pitchCents !== 0) effects.push('pitch', String(chain.pitchCents), 'rate', '16000');
  if (chain.reverb) effects.push('reverb', String(chain.reverb.reverberance), String(chain.reverb.hfDamping), String(chain.reverb.roomScale));
  effects.push('pad', String(chain.padStart), String(chain.padEnd));
  return effects;
}

/**
 * RMS of the speech in `samples`: over 20 ms frames whose energy is within 35 dB of the loudest
 * frame, so the padding and pauses do not dilute it (which would make the real SNR lower than
 * the target).
 */
export function activeRms(samples: Float32Array, sampleRate = 16000): number {
  const frame = Math.max(1, Math.round(sampleRate * 0.02));
  const energies = frameEnergies(samples, frame);
  const loudest = Math.max(0, ...energies);
  if (loudest === 0) return 0;
  const floor = loudest * 10 ** (-35 / 10);
  let sum = 0;
  let count = 0;
  for (const e of energies) if (e >= floor) { sum += e; count += 1; }
  return Math.sqrt(sum / count);
}

/** `length` samples of noise of a colour, unit RMS. Pink: Paul Kellet's economy filter; brown: leaky integrator. */
export function noiseSamples(colour: NoiseColour, length: number, random: Random): Float32Array {
  const out = new Float32Array(length);
  let b0 = 0, b1 = 0, b2 = 0, brown = 0;
  for (let i = 0; i < length; i++) {
    const white = random() * 2 - 1;
    if (colour === 'white') out[i] = white;
    else if (colour === 'pink') {
      b0 = 0.99765 * b0 + white * 0.099046;
      b1 = 0.963 * b1 + white * 0.2965164;
      b2 = 0.57 * b2 + white * 1.0526913;
      out[i] = b0 + b1 + b2 + white * 0.1848;
    } else {
      brown = 0.995 * brown + white * 0.1;
      out[i] = brown;
    }
  }
  let sum = 0;
  for (let i = 0; i < length; i++) sum += out[i] * out[i];
  const rms = Math.sqrt(sum / Math.max(1, length));
  if (rms > 0) for (let i = 0; i < length; i++) out[i] /= rms;
  return out;
}

/** Adds noise so that activeRms(speech) / rms(noise) = snrDb. Returns a new array. */
export function addNoise(samples: Float32Array, noise: { colour: NoiseColour; snrDb: number }, random: Random): Float32Array {
  const speechRms = activeRms(samples);
  const noiseRms = speechRms / 10 ** (noise.snrDb / 20);
  const n = noiseSamples(noise.colour, samples.length, random);
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i] + n[i] * noiseRms;
  return out;
}

/** Scales to the given peak level (dBFS). Silent input is returned unchanged. */
export function setPeak(samples: Float32Array, peakDb: number): Float32Array {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]));
  const out = new Float32Array(samples);
  if (peak === 0) return out;
  const scale = 10 ** (peakDb / 20) / peak;
  for (let i = 0; i < out.length; i++) out[i] *= scale;
  return out;
}
