import { useEffect, useRef } from 'react';
import type { GradientSnapshotDTO } from '../../../contract/contract.ts';
import { legendGradient } from '../inspect/colour-scales.ts';
import { decadeLabel, decadesAcrossTime, writeGradientColour, type LogRange } from '../finetune/gradient-scale.ts';

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

/** Draws the global-norm history: a bar per snapshot, red where it exceeded the clipping limit. */
function drawHistory(canvas: HTMLCanvasElement, norms: Props['norms']): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  if (norms.length === 0) return;
  const top = Math.max(...norms.map((entry) => Math.max(entry.globalNorm, entry.clipNorm))) * 1.1 || 1;
  const barWidth = Math.max(1, width / norms.length);
  norms.forEach((entry, index) => {
    const clipped = entry.globalNorm > entry.clipNorm;
    const barHeight = Math.min(height, (entry.globalNorm / top) * height);
    context.fillStyle = clipped ? '#e5484d' : '#5fb3f0';
    context.fillRect(index * barWidth, height - barHeight, Math.max(1, barWidth - 1), barHeight);
  });
  // The clipping limit (the latest one; it does not change within a job).
  const limit = height - (norms.at(-1)!.clipNorm / top) * height;
  context.strokeStyle = '#f0b35f';
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
        Gradient through time <span className="subtitle">— ‖∂loss/∂c<sub>t</sub>‖ per layer and time step · {jobName}{snapshot ? `, training step ${snapshot.step}` : ''}</span>
      </h3>
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
            <div className="legend-labels"><span>{decadeLabel(range.low)}</span><span>log scale</span><span>{decadeLabel(range.high)}</span></div>
          </div>
          <span className={`clip-badge${clipped ? ' clipped' : ''}`} data-testid="clip-indicator" data-clipped={clipped ? 'true' : 'false'}>
            {clipped ? `clipped: global norm ${snapshot.globalNorm.toFixed(2)} > ${snapshot.clipNorm}` : `not clipped: global norm ${snapshot.globalNorm.toFixed(2)} ≤ ${snapshot.clipNorm}`}
          </span>
          <span className="muted">
            {decades.map((value, index) => `layer ${index + 1}: ${Number.isFinite(value) ? `${value > 0 ? '+' : ''}${value.toFixed(1)}` : '?'} decades`).join(' · ')} from the last step back to the first
          </span>
        </div>
      ) : <p className="muted">Gradient snapshots appear every few training steps once a job runs.</p>}
      <div className="norm-history">
        <span className="muted">global norm per snapshot (dashed: clipping limit; red: clipping acted, {clippedCount} of {norms.length})</span>
        <canvas ref={history} className="norm-history-canvas" data-testid="norm-history" data-clipped={clippedCount} />
      </div>
    </div>
  );
}
