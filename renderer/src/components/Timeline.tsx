import { useCallback, useEffect, useRef, useState, type MouseEvent } from 'react';
import type { LayerTraceDTO } from '../../../contract/contract.ts';
import { play, type Playback } from '../audio/playback.ts';
import { robustLimit } from '../inspect/colour-scales.ts';
import { explainStep } from '../inspect/ctc-collapse.ts';
import { drawCtcLane, drawImageLane, drawTimeAxis, drawWaveform, LaneImage } from '../inspect/draw-lanes.ts';
import { describeLayout, laneLayout, unitsInRow } from '../inspect/lane-layout.ts';
import { fullView, panView, secondsAt, speechSpan, xOf, zoomView, type TimeView } from '../inspect/time-view.ts';
import { featurePixels, heatmapColumns, HEATMAP_LANES, mostLikelyClasses, stepAt, stickyLimit, type HeatmapLane } from '../inspect/timeline-data.ts';
import { timelineStore, type TimelineSnapshot } from '../inspect/timeline-store.ts';
import { unitOrder, type UnitSortKey } from '../inspect/unit-order.ts';
import { ColourLegend } from './ColourLegend.tsx';
import { HoverReadout, type Readout } from './HoverReadout.tsx';

const SAMPLE_RATE = 16_000;
/** Seconds per MFCC frame (the contract's 10 ms hop). */
const FEATURE_SECONDS = 0.01;
/** One press of + or − (or one wheel notch with Ctrl) zooms by this much. */
const ZOOM_STEP = 1.5;
/** Pointer travel (CSS px) after which a press on a lane pans instead of playing. */
const DRAG_PX = 4;

interface Props {
  /** Only draws while shown. */
  visible: boolean;
  layer: number;
  sortKey: UnitSortKey;
  /** Heatmap lanes present in the chosen layer. */
  lanes: readonly HeatmapLane[];
  /** Units in the chosen layer (0 before any step arrived): sets the lanes' heights. */
  units: number;
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

function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(2)} s`;
}

/**
 * The "look inside" lanes on one time axis, with zoom and pan (buttons, Ctrl+wheel, drag,
 * shift+wheel), silence trimming, hover readout (with the CTC rule spelled out on the CTC lane),
 * click-to-play and a playhead.
 */
export function Timeline({ visible, layer, sortKey, lanes, units }: Props) {
  const axisRef = useRef<HTMLCanvasElement>(null);
  const waveformRef = useRef<HTMLCanvasElement>(null);
  const mfccRef = useRef<HTMLCanvasElement>(null);
  const ctcRef = useRef<HTMLCanvasElement>(null);
  const heatmapRefs = useRef(new Map<string, HTMLCanvasElement>());
  const playheadRef = useRef<HTMLDivElement>(null);
  const drawn = useRef(new Map<string, DrawnMatrix>());
  const images = useRef(new Map<string, LaneImage>());
  const liveLimits = useRef(new Map<string, number>());
  const viewTextRef = useRef<HTMLSpanElement>(null);
  const bestClasses = useRef<Int32Array>(new Int32Array(0));
  const playback = useRef<Playback | null>(null);
  /** The zoomed window; null shows the whole recording (and follows it while live). */
  const zoomRef = useRef<TimeView | null>(null);
  const ctcHighlight = useRef<{ from: number; to: number } | null>(null);
  /** Bumped to make the animation loop redraw (view or highlight changed). */
  const redraws = useRef(0);
  const drag = useRef<{ x: number; view: TimeView; width: number; moved: boolean } | null>(null);
  const [readout, setReadout] = useState<Readout | null>(null);
  const [limits, setLimits] = useState<Record<string, number>>({});
  const [zoomed, setZoomed] = useState(false);
  const [trimNote, setTrimNote] = useState('');
  const layout = laneLayout(units);

  /** The window the lanes show now. */
  const currentView = (snapshot: TimelineSnapshot = timelineStore.get()): TimeView => {
    const duration = timelineSeconds(snapshot);
    return !snapshot.live && zoomRef.current ? zoomRef.current : fullView(duration);
  };

  const setView = useCallback((view: TimeView | null) => {
    zoomRef.current = view;
    setZoomed(view !== null);
    redraws.current++;
  }, []);

  const draw = useCallback(() => {
    const started = performance.now();
    const snapshot = timelineStore.get();
    const { inspection } = snapshot;
    const duration = timelineSeconds(snapshot);
    const view = currentView(snapshot);
    if (axisRef.current) drawTimeAxis(axisRef.current, view);
    if (waveformRef.current) drawWaveform(waveformRef.current, snapshot.pcm, SAMPLE_RATE, view);
    if (mfccRef.current) {
      const { featureFrames, featureDim, features } = inspection;
      drawImageLane(mfccRef.current, featurePixels(features, featureFrames, featureDim), featureFrames, featureDim, FEATURE_SECONDS, view);
    }
    const classes = inspection.classes.length;
    bestClasses.current = classes > 0 ? mostLikelyClasses(inspection.logProbs, inspection.steps, classes) : new Int32Array(0);
    if (ctcRef.current) drawCtcLane(ctcRef.current, bestClasses.current, inspection.logProbs, inspection.classes, inspection.stepSeconds, view, ctcHighlight.current);

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
      const laneUnits = trace.units;
      const steps = Math.floor(matrix.length / Math.max(laneUnits, 1));
      const order = unitOrder(matrix, steps, laneUnits, sortKey);
      const rows = laneLayout(laneUnits);
      // h is tanh(c)·o, so it lives in ±1; c is unbounded and is scaled to its own spread
      // (98th percentile of |c|; the few larger values saturate). While recording, the range
      // holds until the estimate moves by a quarter, so earlier steps need no recolouring.
      let limit = lane.scale === 'diverging' ? (lane.id === 'h' ? 1 : robustLimit(matrix)) : 1;
      const limitKey = `${layer}${lane.id}`;
      if (snapshot.live) limit = stickyLimit(liveLimits.current.get(limitKey), limit);
      liveLimits.current.set(limitKey, limit);
      newLimits[lane.id] = limit;
      let image = images.current.get(lane.id);
      if (!image) images.current.set(lane.id, (image = new LaneImage()));
      // Sorted orders change with every chunk: only the index order can be extended in place.
      const key = `${snapshot.title}|${layer}|${sortKey}|${sortKey === 'index' ? '' : snapshot.version}|${limit}|${rows.pool}|${laneUnits}`;
      image.update(key, steps, rows.rows, (from) => heatmapColumns(matrix, steps, laneUnits, order, lane.scale, limit, rows.pool, from));
      image.draw(canvas, inspection.stepSeconds, view);
      canvas.dataset.frames = String(steps);
      canvas.dataset.units = String(laneUnits);
      canvas.dataset.rows = String(rows.rows);
      canvas.dataset.pool = String(rows.pool);
      drawn.current.set(lane.id, { matrix, steps, units: laneUnits, order });
    }
    setLimits((old) => (JSON.stringify(old) === JSON.stringify(newLimits) ? old : newLimits));
    // Written straight into the DOM: a React render per frame would cost the live frame budget.
    const text = `${formatSeconds(view.start)} – ${formatSeconds(view.end)} of ${formatSeconds(duration)}`;
    if (viewTextRef.current && viewTextRef.current.textContent !== text) viewTextRef.current.textContent = text;
    if (axisRef.current) {
      axisRef.current.dataset.viewStart = view.start.toFixed(3);
      axisRef.current.dataset.viewEnd = view.end.toFixed(3);
      // How long a full redraw took, for the live frame budget (33 ms at 30 fps); read by the e2e.
      const spent = performance.now() - started;
      axisRef.current.dataset.drawMs = spent.toFixed(1);
      axisRef.current.dataset.drawMsMax = Math.max(Number(axisRef.current.dataset.drawMsMax ?? 0), spent).toFixed(1);
    }
  }, [layer, sortKey, lanes]);

  // Redraw in requestAnimationFrame whenever the store, the view or the canvases' size changed.
  useEffect(() => {
    if (!visible) return;
    let drawnVersion = -1;
    let drawnWidth = -1;
    let drawnRedraws = -1;
    let frame = 0;
    const tick = () => {
      const snapshot = timelineStore.get();
      const width = waveformRef.current?.clientWidth ?? 0;
      if (snapshot.version !== drawnVersion || width !== drawnWidth || redraws.current !== drawnRedraws) {
        drawnVersion = snapshot.version;
        drawnWidth = width;
        drawnRedraws = redraws.current;
        draw();
      }
      const position = playback.current?.position() ?? null;
      const playhead = playheadRef.current;
      if (playhead) {
        const view = currentView(snapshot);
        const x = position === null ? -1 : xOf(position, view, 100);
        playhead.hidden = position === null || x < 0 || x > 100;
        if (!playhead.hidden) playhead.style.left = `${x}%`;
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [visible, draw]);

  // A new recording or transcript starts unzoomed.
  const shownTitle = useRef(timelineStore.get().title);
  useEffect(() => timelineStore.subscribe(() => {
    const { live, title } = timelineStore.get();
    if (title !== shownTitle.current || live) {
      shownTitle.current = title;
      if (zoomRef.current) {
        setView(null);
        setTrimNote('');
      }
    }
  }), [setView]);

  const pointerTime = (event: MouseEvent<HTMLElement>): number => {
    const rect = event.currentTarget.getBoundingClientRect();
    return secondsAt(event.clientX - rect.left, currentView(), rect.width);
  };

  const onMove = (event: MouseEvent<HTMLCanvasElement>) => {
    const press = drag.current;
    if (press && (event.buttons & 1) === 1) {
      const dx = event.clientX - press.x;
      if (Math.abs(dx) >= DRAG_PX) press.moved = true;
      if (press.moved && !timelineStore.get().live) {
        const secondsPerPx = (press.view.end - press.view.start) / Math.max(press.width, 1);
        setView(panView(press.view, -dx * secondsPerPx, timelineSeconds(timelineStore.get())));
      }
    }
    const seconds = pointerTime(event);
    const { inspection } = timelineStore.get();
    const step = stepAt(seconds, inspection.stepSeconds, inspection.steps);
    const character = step >= 0 && bestClasses.current.length > step ? inspection.classes[bestClasses.current[step]] ?? '' : null;
    const laneId = event.currentTarget.dataset.lane ?? '';
    const matrix = drawn.current.get(laneId);
    let unit: number | null = null;
    let value: number | null = null;
    let pooled: number[] | null = null;
    if (matrix && step >= 0 && step < matrix.steps) {
      const rect = event.currentTarget.getBoundingClientRect();
      const rows = laneLayout(matrix.units);
      const row = Math.min(rows.rows - 1, Math.max(0, Math.floor(((event.clientY - rect.top) / rect.height) * rows.rows)));
      const candidates = unitsInRow(rows, matrix.order, row);
      // The unit whose value the row shows (the largest |value| when rows are pooled).
      unit = candidates.reduce((best, u) => (Math.abs(matrix.matrix[step * matrix.units + u]) > Math.abs(matrix.matrix[step * matrix.units + best]) ? u : best));
      value = matrix.matrix[step * matrix.units + unit];
      pooled = candidates.length > 1 ? candidates : null;
    }
    const ctc = laneId === 'ctc' ? explainStep(bestClasses.current, inspection.classes, step) : null;
    const highlight = ctc ? { from: ctc.from, to: ctc.to } : null;
    if (JSON.stringify(highlight) !== JSON.stringify(ctcHighlight.current)) {
      ctcHighlight.current = highlight;
      redraws.current++;
    }
    const lane = HEATMAP_LANES.find((l) => l.id === laneId);
    setReadout({ seconds, step, lane: lane ? `layer ${layer + 1} · ${lane.label}` : laneId, unit, value, character, pooled, ctc });
  };

  const onLeave = () => {
    setReadout(null);
    if (ctcHighlight.current) {
      ctcHighlight.current = null;
      redraws.current++;
    }
  };

  const onDown = (event: MouseEvent<HTMLCanvasElement>) => {
    if (event.button !== 0) return;
    drag.current = { x: event.clientX, view: currentView(), width: event.currentTarget.getBoundingClientRect().width, moved: false };
  };

  const onClick = (event: MouseEvent<HTMLCanvasElement>) => {
    const moved = drag.current?.moved ?? false;
    drag.current = null;
    if (moved) return;
    const snapshot = timelineStore.get();
    if (snapshot.pcmLength === 0 || snapshot.live) return;
    playback.current = play(snapshot.pcm, pointerTime(event));
  };

  // Ctrl (or ⌘) + wheel zooms at the pointer; shift + wheel or a sideways wheel pans. A plain
  // wheel scrolls the page as usual: the lanes are tall. A native listener, because React's
  // wheel listeners are passive and could not keep Ctrl + wheel from zooming the whole page.
  const lanesRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const lanesElement = lanesRef.current;
    if (!lanesElement) return;
    const onWheel = (event: globalThis.WheelEvent) => {
      const snapshot = timelineStore.get();
      if (snapshot.live || !(event.target instanceof HTMLCanvasElement)) return;
      const duration = timelineSeconds(snapshot);
      const view = currentView(snapshot);
      const rect = event.target.getBoundingClientRect();
      if (event.ctrlKey || event.metaKey) {
        event.preventDefault();
        const anchor = secondsAt(event.clientX - rect.left, view, rect.width);
        setView(zoomView(view, event.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP, anchor, duration));
      } else if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
        event.preventDefault();
        const delta = event.shiftKey ? event.deltaY || event.deltaX : event.deltaX;
        setView(panView(view, (delta / 500) * (view.end - view.start), duration));
      }
    };
    lanesElement.addEventListener('wheel', onWheel, { passive: false });
    return () => lanesElement.removeEventListener('wheel', onWheel);
  }, [setView]);

  const zoomBy = (factor: number) => {
    const snapshot = timelineStore.get();
    const view = currentView(snapshot);
    setView(zoomView(view, factor, (view.start + view.end) / 2, timelineSeconds(snapshot)));
    setTrimNote('');
  };

  const trimSilence = () => {
    const snapshot = timelineStore.get();
    const span = speechSpan(snapshot.pcm, SAMPLE_RATE);
    if (!span) {
      setTrimNote('No speech found: the whole recording is near silence.');
      return;
    }
    setView(span);
    setTrimNote(`Silence trimmed: showing the speech, ${formatSeconds(span.start)} – ${formatSeconds(span.end)}.`);
  };

  const showAll = () => {
    setView(null);
    setTrimNote('');
  };

  const live = timelineStore.get().live;
  const laneProps = (id: string) => ({ 'data-lane': id, onMouseMove: onMove, onMouseLeave: onLeave, onMouseDown: onDown, onClick });

  return (
    <div className="timeline">
      <div className="time-controls" data-testid="time-controls">
        <button type="button" onClick={() => zoomBy(1 / ZOOM_STEP)} disabled={live || !zoomed} title="Zoom out (Ctrl + wheel down)" data-testid="zoom-out">−</button>
        <button type="button" onClick={() => zoomBy(ZOOM_STEP)} disabled={live} title="Zoom in (Ctrl + wheel up); drag a lane or Shift + wheel to move along" data-testid="zoom-in">+</button>
        <button type="button" onClick={trimSilence} disabled={live} title="Zoom to where the speech is, leaving out the silence before and after" data-testid="trim-silence">Trim silence</button>
        <button type="button" onClick={showAll} disabled={live || !zoomed} data-testid="zoom-all">Whole recording</button>
        <span className="muted" data-testid="view-range" ref={viewTextRef} />
        {trimNote ? <span className="muted" data-testid="trim-note">{trimNote}</span> : null}
      </div>
      <HoverReadout readout={readout} />
      <div className="lane lane-axis">
        <div className="lane-label" />
        <div className="lane-body"><canvas ref={axisRef} className="axis-canvas" data-testid="time-axis" /></div>
      </div>
      <div className="lanes" ref={lanesRef}>
        <div className="lane">
          <div className="lane-label">waveform</div>
          <div className="lane-body"><canvas ref={waveformRef} className="lane-canvas short" data-testid="lane-waveform" {...laneProps('waveform')} /></div>
        </div>
        <div className="lane">
          <div className="lane-label">MFCC + Δ</div>
          <div className="lane-body"><canvas ref={mfccRef} className="lane-canvas" data-testid="lane-mfcc" {...laneProps('mfcc')} /></div>
        </div>
        <div className="lane">
          <div className="lane-label">CTC best<br /><span className="muted">hover: how it spells</span></div>
          <div className="lane-body"><canvas ref={ctcRef} className="lane-canvas thin" data-testid="lane-ctc" {...laneProps('ctc')} /></div>
        </div>
        {lanes.map((lane) => (
          <div className="lane" key={lane.id}>
            <div className="lane-label">
              {lane.label}
              <div className="muted lane-rows" data-testid={`rows-${lane.id}`}>{describeLayout(layout)}</div>
              <ColourLegend scale={lane.scale} limit={limits[lane.id] ?? 1} />
            </div>
            <div className="lane-body">
              <canvas
                ref={(canvas) => {
                  if (canvas) heatmapRefs.current.set(lane.id, canvas);
                  else heatmapRefs.current.delete(lane.id);
                }}
                className="lane-canvas heatmap"
                style={{ height: `${layout.heightPx}px` }}
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
