import { useEffect, useRef } from 'react';
import type { GradientSnapshotDTO } from '../../../contract/contract.ts';
import { legendGradient } from '../inspect/colour-scales.ts';
import { decadeLabel, decadesAcrossTime, plainFactor, writeGradientColour, type LogRange } from '../finetune/gradient-scale.ts';

const ROW_HEIGHT = 28;
const HISTORY_HEIGHT = 40;

interface Props {
  /** Which job the snapshot belongs to (several may have run). */
  jobName: string;
  snapshot: GradientSnapshotDTO | null;
  range: LogRange | null;
  /** Global norm per snapshot so far, to show when clipping acted. */
  norms: { step: number; globalNorm: number; clipNorm: number }[];
}

/**
 * Draws the global-norm history: a bar per snapshot, the clipping limit as a dashed line, and a
 * small amber tick above each bar where clipping scaled the step down. Clipping is a normal part
 * of training, so it is marked, not painted as an alarm.
 */
function drawHistory(canvas: HTMLCanvasElement, norms: Props['norms']): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  if (norms.length === 0) return;
  const marker = 6;
  const plotHeight = height - marker;
  const top = Math.max(...norms.map((entry) => Math.max(entry.globalNorm, entry.clipNorm))) * 1.1 || 1;
  const barWidth = Math.max(1, width / norms.length);
  norms.forEach((entry, index) => {
    const barHeight = Math.min(plotHeight, (entry.globalNorm / top) * plotHeight);
    context.fillStyle = '#5fb3f0';
    context.fillRect(index * barWidth, height - barHeight, Math.max(1, barWidth - 1), barHeight);
    if (entry.globalNorm > entry.clipNorm) {
      context.fillStyle = '#f0b35f';
      context.fillRect(index * barWidth, 0, Math.max(2, barWidth - 1), marker - 2);
    }
  });
  // The clipping limit (the latest one; it does not change within a job).
  const limit = height - (norms.at(-1)!.clipNorm / top) * plotHeight;
  context.strokeStyle = '#8b95a5';
  context.setLineDash([4, 3]);
  context.beginPath();
  context.moveTo(0, limit);
  context.lineTo(width, limit);
  context.stroke();
  context.setLineDash([]);
}

/**
 * Gradient through time: ‖∂loss/∂c_t‖ as a heatmap of layers (rows, top layer at the top) by
 * time steps (columns, earliest at the left), on a log colour scale, so that gradients dying out
 * going back in time (vanishing) or growing (exploding) are visible. Below it, the global norm of
 * every snapshot against the clipping limit; the badge says whether clipping acted on this one.
 */
export function GradientHeatmap({ jobName, snapshot, range, norms }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const history = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const element = canvas.current;
    const context = element?.getContext('2d');
    if (!element || !context) return;
    if (!snapshot || !range) {
      context.clearRect(0, 0, element.width, element.height);
      return;
    }
    const { layers, steps, norms: values } = snapshot;
    // One pixel per (step, layer), then scaled up without smoothing into the visible canvas.
    const image = new ImageData(steps, layers);
    for (let layer = 0; layer < layers; layer++) {
      const row = layers - 1 - layer; // top layer drawn on top
      for (let t = 0; t < steps; t++) {
        const offset = (row * steps + t) * 4;
        writeGradientColour(values[layer * steps + t], range, image.data, offset);
        image.data[offset + 3] = 255;
      }
    }
    const source = document.createElement('canvas');
    source.width = steps;
    source.height = layers;
    source.getContext('2d')?.putImageData(image, 0, 0);
    element.width = Math.max(200, element.clientWidth || 600);
    element.height = layers * ROW_HEIGHT;
    context.imageSmoothingEnabled = false;
    context.drawImage(source, 0, 0, element.width, element.height);
  }, [snapshot, range]);

  useEffect(() => {
    const element = history.current;
    if (!element) return;
    element.width = Math.max(200, element.clientWidth || 600);
    element.height = HISTORY_HEIGHT;
    drawHistory(element, norms);
  }, [norms]);

  const clipped = snapshot ? snapshot.globalNorm > snapshot.clipNorm : false;
  const clippedCount = norms.filter((entry) => entry.globalNorm > entry.clipNorm).length;
  const decades = snapshot ? decadesAcrossTime(snapshot.norms, snapshot.layers, snapshot.steps) : [];
  return (
    <div className="gradient-view">
      <h3>
        How far back learning reaches <span className="subtitle">· {jobName}{snapshot ? `, training step ${snapshot.step}` : ''}</span>
      </h3>
      <p className="muted hint">
        Brightness is the size of the correction that reaches each layer’s memory at each moment of a recording (the gradient ‖∂loss/∂c<sub>t</sub>‖, log scale).
        Dark on the left means early sounds teach that layer little (the gradient vanishes going back in time).
      </p>
      <div className="gradient-grid">
        <div className="gradient-rows" aria-hidden="true">
          {snapshot ? Array.from({ length: snapshot.layers }, (_, index) => <span key={index} style={{ height: ROW_HEIGHT }}>layer {snapshot.layers - index}</span>) : null}
        </div>
        <canvas
          ref={canvas}
          className="gradient-canvas"
          data-testid="gradient-heatmap"
          data-layers={snapshot?.layers ?? 0}
          data-steps={snapshot?.steps ?? 0}
          data-step={snapshot?.step ?? ''}
          data-clipped={clipped ? 'true' : 'false'}
          aria-label="Gradient norm heatmap: layers by time steps, log colour scale"
        />
      </div>
      <div className="gradient-axis muted"><span>← earlier time steps</span><span>last step (where the loss is) →</span></div>
      {snapshot && range ? (
        <div className="gradient-readout">
          <div className="legend">
            <div className="legend-bar" style={{ background: `linear-gradient(to right, ${legendGradient('sequential')})` }} />
            <div className="legend-labels"><span>{decadeLabel(range.low)}</span><span>weak → strong</span><span>{decadeLabel(range.high)}</span></div>
          </div>
          <span className={`clip-badge${clipped ? ' clipped' : ''}`} data-testid="clip-indicator" data-clipped={clipped ? 'true' : 'false'}>
            {clipped
              ? `clipped on this step: correction ${snapshot.globalNorm.toFixed(1)} scaled down to the limit ${snapshot.clipNorm} (normal now and then)`
              : `no clipping on this step: correction ${snapshot.globalNorm.toFixed(1)}, limit ${snapshot.clipNorm}`}
          </span>
          <span className="muted" data-testid="gradient-reach">
            At the start of the recording, compared with its end: {decades.map((value, index) => `layer ${index + 1} ${plainFactor(value)}`).join(' · ')}
          </span>
        </div>
      ) : <p className="muted">Gradient snapshots appear every few training steps once a job runs.</p>}
      <div className="norm-history">
        <span className="muted">size of each step’s correction (dashed line: the clipping limit; amber tick: clipping scaled that step down, {clippedCount} of {norms.length})</span>
        <canvas ref={history} className="norm-history-canvas" data-testid="norm-history" data-clipped={clippedCount} />
      </div>
    </div>
  );
}
