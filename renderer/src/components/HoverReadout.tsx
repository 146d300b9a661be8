/** What the pointer is over in the timeline. */
export interface Readout {
  seconds: number;
  step: number;
  lane: string;
  unit: number | null;
  value: number | null;
  /** The most likely character at that step: '' for blank, null outside the steps. */
  character: string | null;
}

function characterText(character: string | null): string {
  if (character === null) return '–';
  if (character === '') return 'blank';
  if (character === ' ') return 'space';
  return `“${character}”`;
}

/** One line: time, lane, unit, value and the character being emitted. */
export function HoverReadout({ readout }: { readout: Readout | null }) {
  return (
    <div className="hover-readout" data-testid="hover-readout" aria-live="off">
      {readout ? (
        <>
          <span>t = {readout.seconds.toFixed(2)} s{readout.step >= 0 ? ` (step ${readout.step})` : ''}</span>
          <span>{readout.lane}</span>
          {readout.unit !== null && <span>unit {readout.unit}</span>}
          {readout.value !== null && <span>value {readout.value.toFixed(3)}</span>}
          <span>emitting {characterText(readout.character)}</span>
        </>
      ) : (
        <span className="muted">Hover a lane to read values; click to play from there.</span>
      )}
    </div>
  );
}
