import { legendGradient, type ScaleKind } from '../inspect/colour-scales.ts';

/** A small colour bar with its range: −limit…0…+limit (diverging) or 0…1 (sequential). */
export function ColourLegend({ scale, limit }: { scale: ScaleKind; limit: number }) {
  const low = scale === 'diverging' ? `−${formatLimit(limit)}` : '0';
  const high = scale === 'diverging' ? `+${formatLimit(limit)}` : '1';
  return (
    <div className="legend" title={scale === 'diverging' ? 'blue negative, background colour zero, orange positive' : 'dark 0 (closed) to yellow 1 (open)'}>
      <div className="legend-bar" style={{ background: `linear-gradient(to right, ${legendGradient(scale)})` }} />
      <div className="legend-labels">
        <span>{low}</span>
        {scale === 'diverging' && <span>0</span>}
        <span>{high}</span>
      </div>
    </div>
  );
}

function formatLimit(limit: number): string {
  return limit >= 10 ? limit.toFixed(0) : limit.toFixed(limit >= 1 ? 1 : 2);
}
