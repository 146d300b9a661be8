/** Input level, −60…0 dBFS, with the clipping zone marked. */
export function LevelMeter({ levelDb, active }: { levelDb: number; active: boolean }) {
  const fraction = active ? Math.min(1, Math.max(0, (levelDb + 60) / 60)) : 0;
  return (
    <div className="level-meter" data-testid="level-meter" data-level-db={active ? levelDb.toFixed(1) : ''} role="meter" aria-label="Input level" aria-valuemin={-60} aria-valuemax={0} aria-valuenow={active ? Math.round(levelDb) : -60}>
      <div className={`level-fill${levelDb > -3 ? ' hot' : ''}`} style={{ width: `${fraction * 100}%` }} />
      <span className="level-text">{active ? `${levelDb <= -99 ? '−∞' : levelDb.toFixed(0)} dB` : 'idle'}</span>
    </div>
  );
}
