/**
 * The time window the "look inside" lanes show: all of the recording, or a zoomed part of it.
 * Every lane maps time through the same view, so they stay lined up when zoomed or panned.
 * Also finds where the speech is, for "trim silence" (most of a recording is silence).
 */

export interface TimeView {
  /** Seconds at the left edge. */
  start: number;
  /** Seconds at the right edge (> start). */
  end: number;
}

/** The narrowest view: a few CTC steps, so a zoomed lane never shows less than a syllable. */
export const MIN_SPAN_SECONDS = 0.08;

export function fullView(duration: number): TimeView {
  return { start: 0, end: Math.max(duration, MIN_SPAN_SECONDS) };
}

/** Keeps a view inside [0, duration] and at least MIN_SPAN_SECONDS wide, its width kept where possible. */
export function clampView(view: TimeView, duration: number): TimeView {
  const total = Math.max(duration, MIN_SPAN_SECONDS);
  const span = Math.min(total, Math.max(MIN_SPAN_SECONDS, view.end - view.start));
  const start = Math.min(Math.max(0, view.start), total - span);
  return { start, end: start + span };
}

/** Zooms by `factor` (> 1 zooms in) keeping the time under `anchor` (seconds) where it is. */
export function zoomView(view: TimeView, factor: number, anchor: number, duration: number): TimeView {
  const span = view.end - view.start;
  const fraction = span > 0 ? (anchor - view.start) / span : 0.5;
  const next = span / factor;
  return clampView({ start: anchor - fraction * next, end: anchor - fraction * next + next }, duration);
}

/** Moves the view by `deltaSeconds` (positive: later), stopping at the ends. */
export function panView(view: TimeView, deltaSeconds: number, duration: number): TimeView {
  return clampView({ start: view.start + deltaSeconds, end: view.end + deltaSeconds }, duration);
}

/** x in [0, width] for `seconds` under the view (outside the view: outside [0, width]). */
export function xOf(seconds: number, view: TimeView, width: number): number {
  return ((seconds - view.start) / (view.end - view.start)) * width;
}

/** Seconds at x in [0, width] under the view. */
export function secondsAt(x: number, view: TimeView, width: number): number {
  return view.start + (x / Math.max(width, 1)) * (view.end - view.start);
}

export interface SpeechOptions {
  /** RMS frame length. */
  frameSeconds?: number;
  /** A frame is speech when its RMS is within this many dB of the loudest frame. */
  belowPeakDb?: number;
  /** Kept around the speech, so onsets and trailing consonants stay in view. */
  padSeconds?: number;
}

/**
 * The span from the first to the last frame loud enough to be speech, padded; null when the
 * audio is all silence (or empty). Relative to the loudest frame, so quiet recordings trim too;
 * an absolute floor (−60 dBFS) keeps pure noise from counting as speech.
 */
export function speechSpan(pcm: Float32Array, sampleRate: number, options: SpeechOptions = {}): TimeView | null {
  const frame = Math.max(1, Math.round((options.frameSeconds ?? 0.02) * sampleRate));
  const frames = Math.floor(pcm.length / frame);
  if (frames === 0) return null;
  const rms = new Float32Array(frames);
  let peak = 0;
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = f * frame; i < (f + 1) * frame; i++) sum += pcm[i] * pcm[i];
    rms[f] = Math.sqrt(sum / frame);
    if (rms[f] > peak) peak = rms[f];
  }
  const threshold = Math.max(peak * 10 ** (-(options.belowPeakDb ?? 30) / 20), 10 ** (-60 / 20));
  let first = -1;
  let last = -1;
  for (let f = 0; f < frames; f++) {
    if (rms[f] < threshold) continue;
    if (first < 0) first = f;
    last = f;
  }
  if (first < 0) return null;
  const pad = options.padSeconds ?? 0.15;
  const duration = pcm.length / sampleRate;
  return clampView({ start: (first * frame) / sampleRate - pad, end: ((last + 1) * frame) / sampleRate + pad }, duration);
}
