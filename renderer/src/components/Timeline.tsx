import { useCallback, useEffect, useRef, useState, type MouseEvent } from 'react';
import type { LayerTraceDTO } from '../../../contract/contract.ts';
import { play, type Playback } from '../audio/playback.ts';
import { robustLimit } from '../inspect/colour-scales.ts';
import { drawCtcLane, drawImageLane, drawTimeAxis, drawWaveform } from '../inspect/draw-lanes.ts';
import { featurePixels, heatmapPixels, HEATMAP_LANES, mostLikelyClasses, stepAt, type HeatmapLane } from '../inspect/timeline-data.ts';
import { timelineStore, type TimelineSnapshot } from '../inspect/timeline-store.ts';
import { unitOrder, type UnitSortKey } from '../inspect/unit-order.ts';
import { ColourLegend } from './ColourLegend.tsx';
import { HoverReadout, type Readout } from './HoverReadout.tsx';

const SAMPLE_RATE = 16_000;
/** Seconds per MFCC frame (the contract's 10 ms hop). */
const FEATURE_SECONDS = 0.01;

interface Props {
  /** Only draws while shown. */
  visible: boolean;
  layer: number;
  sortKey: UnitSortKey;
  /** Heatmap lanes present in the chosen layer. */
  lanes: readonly HeatmapLane[];
}

/** What a heatmap lane drew last, for hover lookups. */
interface DrawnMatrix {
  matrix: Float32Array;
  steps: number;
  units: number;
  order: Int32Array;
}

/** Seconds the timeline spans: the audio or the steps, whichever is longer (at least 3 s live). */
function timelineSeconds(snapshot: TimelineSnapshot): number {
  const { inspection } = snapshot;
  const seconds = Math.max(snapshot.pcmLength / SAMPLE_RATE, inspection.steps * inspection.stepSeconds, inspection.featureFrames * FEATURE_SECONDS);
  return Math.max(seconds, snapshot.live ? 3 : 0.1);
}

/** The "look inside" lanes on one time axis, with hover readout, click-to-play and a playhead. */
export function Timeline({ visible, layer, sortKey, lanes }: Props) {
  const axisRef = useRef<HTMLCanvasElement>(null);
  const waveformRef = useRef<HTMLCanvasElement>(null);
  const mfccRef = useRef<HTMLCanvasElement>(null);
  const ctcRef = useRef<HTMLCanvasElement>(null);
  const heatmapRefs = useRef(new Map<string, HTMLCanvasElement>());
  const playheadRef = useRef<HTMLDivElement>(null);
  const drawn = useRef(new Map<string, DrawnMatrix>());
  const bestClasses = useRef<Int32Array>(new Int32Array(0));
  const playback = useRef<Playback | null>(null);
  const [readout, setReadout] = useState<Readout | null>(null);
  const [limits, setLimits] = useState<Record<string, number>>({});

  const draw = useCallback(() => {
    const snapshot = timelineStore.get();
    const { inspection } = snapshot;
    const duration = timelineSeconds(snapshot);
    if (axisRef.current) drawTimeAxis(axisRef.current, duration);
    if (waveformRef.current) drawWaveform(waveformRef.current, snapshot.pcm, SAMPLE_RATE, duration);
    if (mfccRef.current) {
      const { featureFrames, featureDim, features } = inspection;
      drawImageLane(mfccRef.current, featurePixels(features, featureFrames, featureDim), featureFrames, featureDim, featureFrames * FEATURE_SECONDS, duration);
    }
    const classes = inspection.classes.length;
    bestClasses.current = classes > 0 ? mostLikelyClasses(inspection.logProbs, inspection.steps, classes) : new Int32Array(0);
    if (ctcRef.current) drawCtcLane(ctcRef.current, bestClasses.current, inspection.logProbs, inspection.classes, inspection.stepSeconds, duration);

    const trace: LayerTraceDTO | undefined = inspection.layers[layer];
    const newLimits: Record<string, number> = {};
    for (const lane of lanes) {
      const canvas = heatmapRefs.current.get(lane.id);
      const matrix = trace?.[lane.key];
      if (!canvas) continue;
      if (!trace || !matrix) {
        canvas.dataset.frames = '0';
        canvas.dataset.units = '0';
        continue;
      }
      const units = trace.units;
      const steps = Math.floor(matrix.length / Math.max(units, 1));
      const order = unitOrder(matrix, steps, units, sortKey);
      // h is tanh(c)·o, so it lives in ±1; c is unbounded and is scaled to its own spread
      // (98th percentile of |c|; the few larger values saturate).
      const limit = lane.scale === 'diverging' ? (lane.id === 'h' ? 1 : robustLimit(matrix)) : 1;
      newLimits[lane.id] = limit;
      drawImageLane(canvas, heatmapPixels(matrix, steps, units, order, lane.scale, limit), steps, units, steps * inspection.stepSeconds, duration);
      canvas.dataset.frames = String(steps);
      canvas.dataset.units = String(units);
      drawn.current.set(lane.id, { matrix, steps, units, order });
    }
    setLimits((old) => (JSON.stringify(old) === JSON.stringify(newLimits) ? old : newLimits));
  }, [layer, sortKey, lanes]);

  // Redraw in requestAnimationFrame whenever the store changed or the canvases were resized.
  useEffect(() => {
    if (!visible) return;
    let drawnVersion = -1;
    let drawnWidth = -1;
    let frame = 0;
    const tick = () => {
      const snapshot = timelineStore.get();
      const width = waveformRef.current?.clientWidth ?? 0;
      if (snapshot.version !== drawnVersion || width !== drawnWidth) {
        drawnVersion = snapshot.version;
        drawnWidth = width;
        draw();
      }
      const position = playback.current?.position() ?? null;
      const playhead = playheadRef.current;
      if (playhead) {
        playhead.hidden = position === null;
        if (position !== null) playhead.style.left = `${(position / timelineSeconds(snapshot)) * 100}%`;
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [visible, draw]);

  const pointerTime = (event: MouseEvent<HTMLElement>): number => {
    const rect = event.currentTarget.getBoundingClientRect();
    return ((event.clientX - rect.left) / Math.max(rect.width, 1)) * timelineSeconds(timelineStore.get());
  };

  const onMove = (event: MouseEvent<HTMLCanvasElement>) => {
    const seconds = pointerTime(event);
    const { inspection } = timelineStore.get();
    const step = stepAt(seconds, inspection.stepSeconds, inspection.steps);
    const character = step >= 0 && bestClasses.current.length > step ? inspection.classes[bestClasses.current[step]] ?? '' : null;
    const laneId = event.currentTarget.dataset.lane ?? '';
    const matrix = drawn.current.get(laneId);
    let unit: number | null = null;
    let value: number | null = null;
    if (matrix && step >= 0 && step < matrix.steps) {
      const rect = event.currentTarget.getBoundingClientRect();
      const row = Math.min(matrix.units - 1, Math.max(0, Math.floor(((event.clientY - rect.top) / rect.height) * matrix.units)));
      unit = matrix.order[row];
      value = matrix.matrix[step * matrix.units + unit];
    }
    const lane = HEATMAP_LANES.find((l) => l.id === laneId);
    setReadout({ seconds, step, lane: lane ? `layer ${layer + 1} · ${lane.label}` : laneId, unit, value, character });
  };

  const onClick = (event: MouseEvent<HTMLCanvasElement>) => {
    const snapshot = timelineStore.get();
    if (snapshot.pcmLength === 0 || snapshot.live) return;
    playback.current = play(snapshot.pcm, pointerTime(event));
  };

  const laneProps = (id: string) => ({ 'data-lane': id, onMouseMove: onMove, onMouseLeave: () => setReadout(null), onClick });

  return (
    <div className="timeline">
      <HoverReadout readout={readout} />
      <div className="lane lane-axis">
        <div className="lane-label" />
        <div className="lane-body"><canvas ref={axisRef} className="axis-canvas" /></div>
      </div>
      <div className="lanes">
        <div className="lane">
          <div className="lane-label">waveform</div>
          <div className="lane-body"><canvas ref={waveformRef} className="lane-canvas short" data-testid="lane-waveform" {...laneProps('waveform')} /></div>
        </div>
        <div className="lane">
          <div className="lane-label">MFCC + Δ</div>
          <div className="lane-body"><canvas ref={mfccRef} className="lane-canvas" data-testid="lane-mfcc" {...laneProps('mfcc')} /></div>
        </div>
        <div className="lane">
          <div className="lane-label">CTC best<br /><span className="muted">blank dimmed</span></div>
          <div className="lane-body"><canvas ref={ctcRef} className="lane-canvas thin" data-testid="lane-ctc" {...laneProps('ctc')} /></div>
        </div>
        {lanes.map((lane) => (
          <div className="lane" key={lane.id}>
            <div className="lane-label">
              {lane.label}
              <ColourLegend scale={lane.scale} limit={limits[lane.id] ?? 1} />
            </div>
            <div className="lane-body">
              <canvas
                ref={(canvas) => {
                  if (canvas) heatmapRefs.current.set(lane.id, canvas);
                  else heatmapRefs.current.delete(lane.id);
                }}
                className="lane-canvas heatmap"
                data-testid={`heatmap-${lane.id}`}
                data-frames="0"
                data-units="0"
                {...laneProps(lane.id)}
              />
            </div>
          </div>
        ))}
        <div className="playhead-track"><div ref={playheadRef} className="playhead" data-testid="playhead" hidden /></div>
      </div>
    </div>
  );
}
