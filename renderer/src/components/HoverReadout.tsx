import { BLANK_MARK, type CtcExplanation } from '../inspect/ctc-collapse.ts';

/** What the pointer is over in the timeline. */
export interface Readout {
  seconds: number;
  step: number;
  lane: string;
  unit: number | null;
  value: number | null;
  /** The most likely character at that step: '' for blank, null outside the steps. */
  character: string | null;
  /** The units a pooled heatmap row covers (null: one unit per row). */
  pooled?: number[] | null;
  /** On the CTC lane: how the steps around the pointer spell their text. */
  ctc?: CtcExplanation | null;
}

function characterText(character: string | null): string {
  if (character === null) return '–';
  if (character === '') return 'blank';
  if (character === ' ') return 'space';
  return `“${character}”`;
}

/** The steps' labels with the one under the pointer marked. */
function StepLabels({ explanation }: { explanation: CtcExplanation }) {
  return (
    <code className="ctc-steps">
      {explanation.steps.map((label, index) => (
        <span key={index} className={index === explanation.current ? 'ctc-current' : undefined}>{label}</span>
      ))}
    </code>
  );
}

/** One line: time, lane, unit, value and the character being emitted; on the CTC lane, the collapse rule worked through. */
export function HoverReadout({ readout }: { readout: Readout | null }) {
  const ctc = readout?.ctc ?? null;
  return (
    <div className="hover-readout-box">
      <div className="hover-readout" data-testid="hover-readout" aria-live="off">
        {readout ? (
          <>
            <span>t = {readout.seconds.toFixed(2)} s{readout.step >= 0 ? ` (step ${readout.step})` : ''}</span>
            <span>{readout.lane}</span>
            {readout.unit !== null && <span>unit {readout.unit}{readout.pooled ? ` (largest |value| of units ${readout.pooled.join(', ')})` : ''}</span>}
            {readout.value !== null && <span>value {readout.value.toFixed(3)}</span>}
            <span>emitting {characterText(readout.character)}</span>
          </>
        ) : (
          <span className="muted">Hover a lane to read values; click to play from there. Ctrl + wheel zooms, drag moves along.</span>
        )}
      </div>
      {ctc ? (
        <div className="ctc-explain" data-testid="ctc-explain">
          <div>
            At each step the network’s most likely label: <StepLabels explanation={ctc} />
          </div>
          <div>
            1. Repeats of the same label merge: <code>{ctc.merged.join(' ')}</code>
            {'  '}2. Blanks ({BLANK_MARK}) drop out: <strong data-testid="ctc-text">“{ctc.text}”</strong>
          </div>
          <div className="muted">
            A blank between two equal letters keeps both (l{BLANK_MARK}l → ll); without it they merge (ll → l). Steps {ctc.from}–{ctc.to}; the transcript
            may differ where the decoder’s vocabulary or beam chose another spelling.
          </div>
        </div>
      ) : null}
    </div>
  );
}
