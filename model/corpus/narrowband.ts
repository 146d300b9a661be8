/**
 * Narrowband (8 kHz) copies of training speech.
 *
 * Telephone audio, Bluetooth headsets (HFP) and the Free Spoken Digit Dataset are sampled at
 * 8 kHz, so nothing above 4 kHz survives. A model trained mostly on 16 kHz speech leans on the
 * 4–8 kHz band (where fricatives such as /s/ and /θ/ differ) and falls apart without it: the base
 * recipe without nicolas reads AN4 dev at 10.4 % CER, and the same recordings taken down to 8 kHz
 * at 45.9 %. Training on narrowband copies of many speakers teaches it the cues that survive.
 *
 * The copies are real 8 kHz WAVs made with the engine's own band-limited resampler; the loader
 * brings them back up to 16 kHz exactly as it does any 8 kHz file, so training sees what
 * inference will.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadAudioFile, resample, TARGET_RATE, writeWav } from '../audio/load-audio.ts';
import type { ManifestEntry } from '../train/manifest.ts';
import { createRandom } from '../train/random.ts';

export const NARROWBAND_RATE = 8000;

/** 16 kHz samples → the same speech sampled at 8 kHz (content above 4 kHz filtered out). */
export async function toNarrowband(samples: Float32Array): Promise<Float32Array> {
  return resample(samples, TARGET_RATE, NARROWBAND_RATE); // [round(n / 2)]
}

export interface NarrowbandCopy {
  audio_filepath: string;
  duration: number;
  text: string;
}

/**
 * Writes an 8 kHz copy of a seeded `fraction` of `entries` into `audioDir` and returns them as
 * manifest rows. The subset depends only on the seed and the entries' order; a copy already on
 * disk is kept, so an interrupted run resumes where it stopped.
 */
export async function writeNarrowbandCopies(
  entries: readonly ManifestEntry[],
  audioDir: string,
  opts: { fraction?: number; seed?: number } = {},
): Promise<{ copies: NarrowbandCopy[]; written: number }> {
  const fraction = opts.fraction ?? 1;
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`narrowband copies: fraction must be in (0, 1], got ${fraction}`);
  mkdirSync(audioDir, { recursive: true });
  const random = createRandom(opts.seed ?? 1);
  const copies: NarrowbandCopy[] = [];
  let written = 0;
  for (const entry of entries) {
    // Draw for every entry, kept or not, so each entry's fate does not depend on the others'.
    if (random() >= fraction) continue;
    // The speaker or voice folder keeps names unique across AN4 speakers and corpus voices.
    const name = `${basename(dirname(entry.audioPath))}-${basename(entry.audioPath).replace(/\.[^.]+$/, '')}.wav`;
    const target = join(audioDir, name);
    if (!existsSync(target)) {
      const audio = await loadAudioFile(entry.audioPath); // 16 kHz mono
      writeWav(target, await toNarrowband(audio.samples), NARROWBAND_RATE); // atomic
      written++;
    }
    copies.push({ audio_filepath: target, duration: entry.durationSeconds, text: entry.text });
  }
  return { copies, written };
}
