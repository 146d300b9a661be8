import { useState, useSyncExternalStore } from 'react';
import { HEATMAP_LANES } from '../inspect/timeline-data.ts';
import { timelineStore } from '../inspect/timeline-store.ts';
import type { UnitSortKey } from '../inspect/unit-order.ts';
import { Timeline } from './Timeline.tsx';

/**
 * A string that changes only when the lanes to show change (layer count, matrices present, live
 * or not), so ten timeline updates a second do not re-render React.
 */
function shapeKey(): string {
  const { inspection, live, title } = timelineStore.get();
  const layers = inspection.layers.map((layer) => `${HEATMAP_LANES.filter((lane) => layer[lane.key]).map((lane) => lane.id).join('')}:${layer.units}`).join('|');
  // Only the covered span (fixed once reached), not the growing total: no re-render per update.
  const covered = inspection.truncated ? String(Math.round(inspection.truncated.coveredSeconds)) : '';
  return `${live}\u0000${title}\u0000${layers}\u0000${covered}`;
}

/** 120 → "2 min", 90 → "90 s". */
function span(seconds: number): string {
  return seconds >= 60 && seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/** "Look inside": the layer picker, the unit order and the timeline. */
export function InspectPanel({ visible }: { visible: boolean }) {
  const shape = useSyncExternalStore(timelineStore.subscribe, shapeKey);
  const [live, title, layerShape, covered] = shape.split('\u0000');
  const layerLanes = layerShape ? layerShape.split('|') : [];
  const [layer, setLayer] = useState(0);
  const [sortKey, setSortKey] = useState<UnitSortKey>('index');
  const shownLayer = Math.min(layer, Math.max(layerLanes.length - 1, 0));
  const [present, unitText] = (layerLanes[shownLayer] ?? ':0').split(':');
  // Before any step arrived, still show the LSTM lanes (empty) so the layout does not jump.
  const lanes = HEATMAP_LANES.filter((lane) => (present ? present.includes(lane.id) : 'chifo'.includes(lane.id)));

  return (
    <section className="panel inspect-panel" aria-label="Look inside">
      <div className="toolbar">
        <h2>Look inside{title ? <span className="subtitle"> · {title}</span> : null}{live === 'true' ? <span className="live-dot"> ● live</span> : null}</h2>
        <label>
          Layer{' '}
          <select data-testid="layer-picker" value={shownLayer} onChange={(event) => setLayer(Number(event.target.value))}>
            {(layerLanes.length > 0 ? layerLanes : ['']).map((_, index) => (
              <option key={index} value={index}>{`layer ${index + 1}`}</option>
            ))}
          </select>
        </label>
        <label>
          Units by{' '}
          <select data-testid="unit-sort" value={sortKey} onChange={(event) => setSortKey(event.target.value as UnitSortKey)}>
            <option value="index">index</option>
            <option value="variance">variance</option>
            <option value="mean">mean activation</option>
          </select>
        </label>
      </div>
      {covered ? (
        <p className="muted" data-testid="inspection-truncated">
          Look inside shows the first {span(Number(covered))} of this audio (it takes about 0.6 MB a second); the transcript covers all of it.
        </p>
      ) : null}
      {title === '' ? <p className="muted">Record something or open a transcript from the library to see the network at work.</p> : null}
      <Timeline visible={visible} layer={shownLayer} sortKey={sortKey} lanes={lanes} units={Number(unitText) || 0} />
    </section>
  );
}
