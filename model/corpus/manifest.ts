/**
 * NeMo manifests of the corpus: `train.json` and `dev.json`, one JSON object a line with
 * `audio_filepath` (relative to the manifest), `duration`, `text`, plus what made the utterance
 * (`voice`, `engine`, `category`, `prosody`, `augment`) for filtering and debugging.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { type ByteSource, parseWavHeader } from '../audio/wav.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import type { PlannedUtterance } from './plan.ts';
import type { Split } from './voices.ts';

export interface SplitStats {
  file: string;
  utterances: number;
  hours: number;
  byVoice: Record<string, { utterances: number; hours: number }>;
  byCategory: Record<string, number>;
}
export type ManifestSummary = Record<Split, SplitStats>;

/** Duration of a WAV from its header alone (no need to read the samples). */
export function wavDuration(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const source: ByteSource = {
      size: fstatSync(fd).size,
      read(offset, length) {
        const bytes = new Uint8Array(length);
        return bytes.subarray(0, readSync(fd, bytes, 0, length, offset));
      },
    };
    const layout = parseWavHeader(source, path);
    return layout.frames / layout.sampleRate;
  } finally {
    closeSync(fd);
  }
}

/** One manifest line. */
export function manifestLine(utterance: PlannedUtterance, duration: number): string {
  return JSON.stringify({
    audio_filepath: utterance.wavPath,
    duration: Math.round(duration * 1000) / 1000,
    text: utterance.item.text,
    voice: utterance.voice.id,
    engine: utterance.voice.engine,
    category: utterance.item.category,
    prosody: utterance.prosody,
    augment: utterance.augment,
  });
}

/** Writes train.json and dev.json (atomically) for every finished WAV of the plan, in plan order. */
export function writeManifests(out: string, plan: readonly PlannedUtterance[]): ManifestSummary {
  const summary = {} as ManifestSummary;
  for (const split of ['train', 'dev'] as const) {
    const file = join(out, `${split}.json`);
    const stats: SplitStats = { file, utterances: 0, hours: 0, byVoice: {}, byCategory: {} };
    const lines: string[] = [];
    for (const u of plan) {
      if (u.split !== split) continue;
      const wav = join(out, u.wavPath);
      if (!existsSync(wav)) continue;
      const duration = wavDuration(wav);
      lines.push(manifestLine(u, duration));
      stats.utterances += 1;
      stats.hours += duration / 3600;
      const v = (stats.byVoice[u.voice.id] ??= { utterances: 0, hours: 0 });
      v.utterances += 1;
      v.hours += duration / 3600;
      stats.byCategory[u.item.category] = (stats.byCategory[u.item.category] ?? 0) + 1;
    }
    writeFileAtomic(file, lines.length > 0 ? `${lines.join('\n')}\n` : '');
    summary[split] = stats;
  }
  return summary;
}
