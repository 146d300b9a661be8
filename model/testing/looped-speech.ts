/**
 * Long real speech for tests, cheaply: the committed samples (assets/samples) with 0.3 s of quiet
 * room between them, looped in memory to at least the asked length. (The bench makes its 10- and
 * 60-minute files the same way with sox.)
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAudioFile } from '../audio/load-audio.ts';

const SAMPLES = join(resolve(fileURLToPath(new URL('../..', import.meta.url))), 'assets', 'samples');

/** 16 kHz mono: the samples with quiet between, whole loops, at least `seconds` long. */
export async function loopedSpeech(seconds: number): Promise<Float32Array> {
  const unit: Float32Array[] = [];
  const gap = new Float32Array(4800);
  for (let i = 0; i < gap.length; i++) gap[i] = 1e-3 * Math.sin(i * 0.37);
  for (const file of ['an4-mskh-one-five-two-three-two.wav', 'an4-mskh-enter-seventy-one.wav', 'fsdd-jackson-seven.wav']) unit.push((await loadAudioFile(join(SAMPLES, file))).samples, gap);
  const unitLength = unit.reduce((n, p) => n + p.length, 0);
  const out = new Float32Array(Math.ceil((seconds * 16000) / unitLength) * unitLength);
  for (let at = 0; at < out.length;) for (const p of unit) { out.set(p, at); at += p.length; }
  return out;
}

