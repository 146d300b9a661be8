/**
 * Canvas drawing for the timeline lanes. Every lane maps time the same way (x = seconds /
 * duration × width), so the waveform, the MFCC image, the CTC characters and the heatmaps line up.
 * One canvas per lane and one ImageData per matrix: never a DOM node per cell.
 */
import { waveformEnvelope } from './timeline-data.ts';

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
 * Draws an RGBA image `columns` wide and `rows` tall, stretched over the time span
 * [0, spanSeconds] of a timeline `durationSeconds` long, without smoothing (cells stay crisp).
 */
export function drawImageLane(canvas: HTMLCanvasElement, pixels: Uint8ClampedArray, columns: number, rows: number, spanSeconds: number, durationSeconds: number): void {
  const context = prepareCanvas(canvas);
  if (!context || !scratch || columns === 0 || rows === 0) return;
  scratch.width = columns;
  scratch.height = rows;
  const scratchContext = scratch.getContext('2d');
  if (!scratchContext) return;
  scratchContext.putImageData(new ImageData(pixels as Uint8ClampedArray<ArrayBuffer>, columns, rows), 0, 0);
  context.imageSmoothingEnabled = false;
  const width = (spanSeconds / durationSeconds) * canvas.width;
  context.drawImage(scratch, 0, 0, columns, rows, 0, 0, width, canvas.height);
}

/** The waveform as a min/max envelope per pixel column. */
export function drawWaveform(canvas: HTMLCanvasElement, pcm: Float32Array, sampleRate: number, durationSeconds: number): void {
  const context = prepareCanvas(canvas);
  if (!context) return;
  const { width, height } = canvas;
  const middle = height / 2;
  context.fillStyle = '#3a4250';
  context.fillRect(0, middle, width, 1);
  if (pcm.length === 0) return;
  const samplesPerColumn = (durationSeconds * sampleRate) / width;
  const columns = Math.min(width, Math.ceil(pcm.length / samplesPerColumn));
  const envelope = waveformEnvelope(pcm, columns, samplesPerColumn);
  // Quiet speech is common: scale to the loudest peak (at least −40 dBFS) so the shape is visible.
  let peak = 0.01;
  for (let i = 0; i < envelope.length; i++) peak = Math.max(peak, Math.abs(envelope[i]));
  context.fillStyle = '#5fb3f0';
  for (let c = 0; c < columns; c++) {
    const top = middle - (envelope[c * 2 + 1] / peak) * middle * 0.95;
    const bottom = middle - (envelope[c * 2] / peak) * middle * 0.95;
    context.fillRect(c, top, 1, Math.max(1, bottom - top));
  }
}

/**
 * The CTC lane: the most likely class at each step, as its character where there is room (a bar
 * otherwise), brightness by its probability; blanks are dimmed grey.
 */
export function drawCtcLane(canvas: HTMLCanvasElement, best: Int32Array, logProbs: Float32Array, classes: readonly string[], stepSeconds: number, durationSeconds: number): void {
  const context = prepareCanvas(canvas);
  if (!context) return;
  const { width, height } = canvas;
  const columnWidth = (stepSeconds / durationSeconds) * width;
  const ratio = window.devicePixelRatio || 1;
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.font = `${Math.round(13 * ratio)}px ui-monospace, monospace`;
  for (let t = 0; t < best.length; t++) {
    const x = t * columnWidth;
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
}

/** Seconds along the top: a tick every 0.1, 0.5, 1, 5 or 10 s depending on the span. */
export function drawTimeAxis(canvas: HTMLCanvasElement, durationSeconds: number): void {
  const context = prepareCanvas(canvas);
  if (!context) return;
  const { width, height } = canvas;
  const ratio = window.devicePixelRatio || 1;
  const spacing = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60].find((s) => (s / durationSeconds) * width >= 60 * ratio) ?? 60;
  context.fillStyle = '#8b95a5';
  context.font = `${Math.round(11 * ratio)}px system-ui, sans-serif`;
  context.textBaseline = 'top';
  for (let s = 0; s <= durationSeconds + 1e-9; s += spacing) {
    const x = (s / durationSeconds) * width;
    context.fillRect(x, height - 6 * ratio, 1, 6 * ratio);
    context.fillText(`${Number(s.toFixed(2))} s`, x + 3 * ratio, 2 * ratio);
  }
}
