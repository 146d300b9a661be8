/**
 * Transcript → text, SRT or WebVTT. Subtitle cues follow the usual broadcast guidance: at most
 * two lines of at most 42 characters, at most 6 seconds on screen, and a new cue at every pause
 * of half a second or more, so a cue is a phrase the viewer can read in time. A cue's two lines
 * are balanced (the break goes where the longer line is shortest). Plain text comes in
 * paragraphs: a new one at a pause of a second or more once the current one has run 10 s.
 * Times are the words' own (from the Viterbi alignment), never stretched.
 */
import type { WordTiming } from '../ctc/types.ts';

export type TranscriptFormat = 'text' | 'json' | 'srt' | 'vtt';
export const TRANSCRIPT_FORMATS: readonly TranscriptFormat[] = ['text', 'json', 'srt', 'vtt'];

export interface Cue {
  start: number;
  end: number;
  /** One or two lines, joined by '\n'. */
  text: string;
}

export interface CueRules {
  lineChars: number;
  maxLines: number;
  maxSeconds: number;
  pauseSeconds: number;
}

export const CUE_RULES: CueRules = { lineChars: 42, maxLines: 2, maxSeconds: 6, pauseSeconds: 0.5 };

/** Lines of a greedy wrap at `width` characters (a longer word gets a line of its own). */
function wrapCount(words: readonly string[], width: number): number {
  let lines = 0;
  let length = -1;
  for (const word of words) {
    if (length >= 0 && length + 1 + word.length <= width) length += 1 + word.length;
    else { lines += 1; length = word.length; }
  }
  return lines;
}

/** The words as at most two lines: one if it fits, else the break that makes the longer line shortest. */
export function layoutLines(words: readonly string[], width = CUE_RULES.lineChars): string {
  const text = words.join(' ');
  if (text.length <= width || words.length < 2) return text;
  let best = 1;
  let bestLonger = Infinity;
  for (let i = 1; i < words.length; i++) {
    const longer = Math.max(words.slice(0, i).join(' ').length, words.slice(i).join(' ').length);
    if (longer < bestLonger) { bestLonger = longer; best = i; }
  }
  return `${words.slice(0, best).join(' ')}\n${words.slice(best).join(' ')}`;
}

export function groupCues(words: readonly WordTiming[], rules: CueRules = CUE_RULES): Cue[] {
  const cues: Cue[] = [];
  let current: WordTiming[] = [];
  const close = () => {
    if (current.length === 0) return;
    cues.push({ start: current[0].start, end: current[current.length - 1].end, text: layoutLines(current.map((w) => w.word), rules.lineChars) });
    current = [];
  };
  for (const word of words) {
    const previous = current[current.length - 1];
    if (previous) {
      const paused = word.start - previous.end >= rules.pauseSeconds;
      const tooLong = word.end - current[0].start > rules.maxSeconds;
      const tooWide = wrapCount([...current.map((w) => w.word), word.word], rules.lineChars) > rules.maxLines;
      if (paused || tooLong || tooWide) close();
    }
    current.push(word);
  }
  close();
  return cues;
}

/** The words as paragraphs: a new one at a pause ≥ pauseSeconds once the current one lasts minSeconds. */
export function toParagraphs(words: readonly WordTiming[], pauseSeconds = 1, minSeconds = 10): string[] {
  const paragraphs: string[] = [];
  let current: WordTiming[] = [];
  for (const word of words) {
    const previous = current[current.length - 1];
    if (previous && word.start - previous.end >= pauseSeconds && previous.end - current[0].start >= minSeconds) {
      paragraphs.push(current.map((w) => w.word).join(' '));
      current = [];
    }
    current.push(word);
  }
  if (current.length > 0) paragraphs.push(current.map((w) => w.word).join(' '));
  return paragraphs;
}

/** Plain text: paragraphs separated by a blank line, ending with a newline. */
export function toText(words: readonly WordTiming[]): string {
  return `${toParagraphs(words).join('\n\n')}\n`;
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
