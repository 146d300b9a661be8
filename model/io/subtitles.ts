/**
 * Transcript → text, SRT or WebVTT. Words are grouped into cues that end at a long pause, after
 * 12 words, or after 6 seconds, which keeps subtitles readable.
 */
import type { WordTiming } from '../ctc/types.ts';

export type TranscriptFormat = 'text' | 'json' | 'srt' | 'vtt';
export const TRANSCRIPT_FORMATS: readonly TranscriptFormat[] = ['text', 'json', 'srt', 'vtt'];

export interface Cue {
  start: number;
  end: number;
  text: string;
}

export function groupCues(words: readonly WordTiming[], maxWords = 12, maxSeconds = 6, pauseSeconds = 0.8): Cue[] {
  const cues: Cue[] = [];
  let current: WordTiming[] = [];
  const close = () => {
    if (current.length === 0) return;
    cues.push({ start: current[0].start, end: current[current.length - 1].end, text: current.map((w) => w.word).join(' ') });
    current = [];
  };
  for (const word of words) {
    const previous = current[current.length - 1];
    if (previous && (word.start - previous.end > pauseSeconds || current.length >= maxWords || word.end - current[0].start > maxSeconds)) close();
    current.push(word);
  }
  close();
  return cues;
}

function timestamp(seconds: number, separator: ',' | '.'): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

export function toSrt(words: readonly WordTiming[]): string {
  return groupCues(words)
    .map((cue, i) => `${i + 1}\n${timestamp(cue.start, ',')} --> ${timestamp(cue.end, ',')}\n${cue.text}\n`)
    .join('\n');
}

export function toVtt(words: readonly WordTiming[]): string {
  const body = groupCues(words)
    .map((cue) => `${timestamp(cue.start, '.')} --> ${timestamp(cue.end, '.')}\n${cue.text}\n`)
    .join('\n');
  return `WEBVTT\n\n${body}`;
}
