/**
 * Canvas drawing for the timeline lanes. Every lane maps time through the same TimeView (x =
 * (seconds − start) / (end − start) × width), so the waveform, the MFCC image, the CTC characters
 * and the heatmaps line up, zoomed or not. One canvas per lane and one ImageData per matrix:
 * never a DOM node per cell.
 */
import { waveformEnvelope } from './timeline-data.ts';
import { xOf, type TimeView } from './time-view.ts';

/** Sizes the canvas's backing store to its CSS box (× devicePixelRatio); returns the 2D context. */
export function prepareCanvas(canvas: HTMLCanvasElement): CanvasRenderingContext2D | null {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) return null;
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.clearRect(0, 0, width, height);
  return context;
}

const scratch = typeof document !== 'undefined' ? document.createElement('canvas') : null;

/**
 * Draws an RGBA image `columns` wide and `rows` tall, column c covering the seconds
 * [c·columnSeconds, (c+1)·columnSeconds), through the view, without smoothing (cells stay crisp).
 */
export function drawImageLane(canvas: HTMLCanvasElement, pixels: Uint8ClampedArray, columns: number, rows: number, columnSeconds: number, view: TimeView): void {
  if (!scratch || columns === 0 || rows === 0) {
    prepareCanvas(canvas);
    return;
  }
  scratch.width = columns;
  scratch.height = rows;
  scratch.getContext('2d')?.putImageData(new ImageData(pixels as Uint8ClampedArray<ArrayBuffer>, columns, rows), 0, 0);
  drawSourceLane(canvas, scratch, columns, rows, columnSeconds, view);
}

/** Scales the columns of `source` (an image `columns` × `rows`) that fall inside the view onto the lane. */
function drawSourceLane(canvas: HTMLCanvasElement, source: HTMLCanvasElement, columns: number, rows: number, columnSeconds: number, view: TimeView): void {
  const context = prepareCanvas(canvas);
  if (!context || columns === 0 || rows === 0 || !(columnSeconds > 0)) return;
  context.imageSmoothingEnabled = false;
  const first = Math.max(0, Math.floor(view.start / columnSeconds));
  const last = Math.min(columns, Math.ceil(view.end / columnSeconds));
  if (last <= first) return;
  const left = xOf(first * columnSeconds, view, canvas.width);
  const right = xOf(last * columnSeconds, view, canvas.width);
  context.drawImage(source, first, 0, last - first, rows, left, 0, right - left, canvas.height);
}

/**
 * A heatmap's image kept between frames: while a recording grows with the same colouring (same
 * `key`: layer, matrix, order, range, pooling), only the new steps' columns are coloured and
 * added, so a live frame costs the chunk, not the whole recording. Any other change recolours all.
 */
export class LaneImage {
  private readonly image = typeof document !== 'undefined' ? document.createElement('canvas') : null;
  private key = '';
  private filled = 0;
  private rows = 0;

  /** Brings the image to `steps` columns; `columns(from)` colours steps [from, steps) (rows × (steps − from) RGBA). */
  update(key: string, steps: number, rows: number, columns: (fromStep: number) => Uint8ClampedArray): void {
    const image = this.image;
    if (!image) return;
    if (key !== this.key || rows !== this.rows || steps < this.filled) {
      this.key = key;
      this.rows = rows;
      this.filled = 0;
      image.width = Math.max(1, steps);
      image.height = Math.max(1, rows);
    }
    if (steps === this.filled || rows === 0) return;
    const context = image.getContext('2d');
    if (!context) return;
    if (steps > image.width) {
      // Grow by doubling, keeping what is coloured (setting width clears a canvas).
      const kept = document.createElement('canvas');
      kept.width = this.filled;
      kept.height = rows;
      if (this.filled > 0) kept.getContext('2d')?.drawImage(image, 0, 0);
      image.width = Math.max(steps, image.width * 2);
      if (this.filled > 0) context.drawImage(kept, 0, 0);
    }
    const pixels = columns(this.filled);
    context.putImageData(new ImageData(pixels as Uint8ClampedArray<ArrayBuffer>, steps - this.filled, rows), this.filled, 0);
    this.filled = steps;
  }

  /** Draws the image's steps onto the lane through the view. */
  draw(canvas: HTMLCanvasElement, columnSeconds: number, view: TimeView): void {
    if (!this.image) return;
    drawSourceLane(canvas, this.image, this.filled, this.rows, columnSeconds, view);
  }
}

/** The waveform as a min/max envelope per pixel column. */
export function drawWaveform(canvas: HTMLCanvasElement, pcm: Float32Array, sampleRate: number, view: TimeView): void {
  const context = prepareCanvas(canvas);
  if (!context) return;
  const { width, height } = canvas;
  const middle = height / 2;
  context.fillStyle = '#3a4250';
  context.fillRect(0, middle, width, 1);
  const firstSample = Math.max(0, Math.floor(view.start * sampleRate));
  const visible = pcm.subarray(firstSample, Math.min(pcm.length, Math.ceil(view.end * sampleRate)));
  if (visible.length === 0) return;
  const samplesPerColumn = ((view.end - view.start) * sampleRate) / width;
  const columns = Math.min(width, Math.ceil(visible.length / samplesPerColumn));
  const envelope = waveformEnvelope(visible, columns, samplesPerColumn);
  // Quiet speech is common: scale to the loudest peak (at least −40 dBFS) so the shape is visible.
  let peak = 0.01;
  for (let i = 0; i < envelope.length; i++) peak = Math.max(peak, Math.abs(envelope[i]));
  context.fillStyle = '#5fb3f0';
  const offset = Math.max(0, xOf(firstSample / sampleRate, view, width));
  for (let c = 0; c < columns; c++) {
    const top = middle - (envelope[c * 2 + 1] / peak) * middle * 0.95;
    const bottom = middle - (envelope[c * 2] / peak) * middle * 0.95;
    context.fillRect(offset + c, top, 1, Math.max(1, bottom - top));
  }
}

/**
 * The CTC lane: the most likely class at each step, as its character where there is room (a bar
 * otherwise), brightness by its probability; blanks are dimmed grey. `highlight` (steps, inclusive)
 * outlines the stretch the hover explanation is about.
 */
export function drawCtcLane(canvas: HTMLCanvasElement, best: Int32Array, logProbs: Float32Array, classes: readonly string[], stepSeconds: number, view: TimeView, highlight?: { from: number; to: number } | null): void {
  const context = prepareCanvas(canvas);
  if (!context || !(stepSeconds > 0)) return;
  const { width, height } = canvas;
  const columnWidth = (stepSeconds / (view.end - view.start)) * width;
  const ratio = window.devicePixelRatio || 1;
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.font = `${Math.round(13 * ratio)}px ui-monospace, monospace`;
  const first = Math.max(0, Math.floor(view.start / stepSeconds));
  const last = Math.min(best.length, Math.ceil(view.end / stepSeconds));
  for (let t = first; t < last; t++) {
    const x = xOf(t * stepSeconds, view, width);
    const probability = Math.exp(logProbs[t * classes.length + best[t]]);
    const character = classes[best[t]] ?? '?';
    if (character === '') {
      context.fillStyle = 'rgba(140, 150, 165, 0.18)';
      context.fillRect(x, height * 0.45, Math.max(1, columnWidth - 1), height * 0.1);
      continue;
    }
    context.fillStyle = `rgba(255, 196, 90, ${0.25 + 0.75 * probability})`;
    context.fillRect(x, 0, Math.max(1, columnWidth - 1), height);
    if (columnWidth >= 7 * ratio || best[t - 1] !== best[t]) {
      context.fillStyle = '#10141b';
      context.fillText(character === ' ' ? '␣' : character, x + columnWidth / 2, height / 2);
    }
  }
  if (highlight) {
    const left = xOf(highlight.from * stepSeconds, view, width);
    const right = xOf((highlight.to + 1) * stepSeconds, view, width);
    context.strokeStyle = '#dfe5ee';
    context.lineWidth = Math.max(1, ratio);
    context.strokeRect(left + 0.5, 0.5, Math.max(1, right - left - 1), height - 1);
  }
}

/** Seconds along the top: a tick every 0.02 s to 60 s, depending on the span shown. */
export function drawTimeAxis(canvas: HTMLCanvasElement, view: TimeView): void {
  const context = prepareCanvas(canvas);
  if (!context) return;
  const { width, height } = canvas;
  const ratio = window.devicePixelRatio || 1;
  const span = view.end - view.start;
  const spacing = [0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60].find((s) => (s / span) * width >= 60 * ratio) ?? 60;
  context.fillStyle = '#8b95a5';
  context.font = `${Math.round(11 * ratio)}px system-ui, sans-serif`;
  context.textBaseline = 'top';
  for (let s = Math.ceil(view.start / spacing - 1e-9) * spacing; s <= view.end + 1e-9; s += spacing) {
    const x = xOf(s, view, width);
    context.fillRect(x, height - 6 * ratio, 1, 6 * ratio);
    context.fillText(`${Number(s.toFixed(2))} s`, x + 3 * ratio, 2 * ratio);
  }
}
