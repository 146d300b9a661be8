import type { Recorder } from '../audio/use-recorder.ts';
import { LevelMeter } from './LevelMeter.tsx';
import { MicPicker } from './MicPicker.tsx';
import { WordList } from './WordList.tsx';
import { CommandVerdict } from './CommandVerdict.tsx';

interface Props {
  recorder: Recorder;
  microphoneId: string;
  onMicrophoneChange(deviceId: string): void;
  onToggle(): void;
  onLookInside(): void;
}

/** Record: microphone, level, the record/stop button (also the R key), partial then final text. */
export function RecordPanel({ recorder, microphoneId, onMicrophoneChange, onToggle, onLookInside }: Props) {
  const { state, partial, final, levelDb, error } = recorder;
  const busy = state === 'starting' || state === 'stopping';
  const recording = state === 'recording';
  return (
    <section className="panel record-panel" aria-label="Record">
      <div className="record-controls">
        <button
          type="button"
          className={`record-button${recording ? ' recording' : ''}`}
          data-testid="record-button"
          data-state={state}
          disabled={busy}
          aria-pressed={recording}
          onClick={onToggle}
          title="Record / stop (R)"
        >
          <span className="record-icon" aria-hidden="true" />
          {state === 'starting' ? 'Starting…' : state === 'stopping' ? 'Finishing…' : recording ? 'Stop' : 'Record'}
          <kbd>R</kbd>
        </button>
        <MicPicker value={microphoneId} onChange={onMicrophoneChange} refreshKey={recorder.deviceLabel} disabled={state !== 'idle'} />
        <LevelMeter levelDb={levelDb} active={recording} />
      </div>
      {error ? <p className="error" role="alert">{error}</p> : null}
      <div className="transcript-box">
        <h3>{final ? 'Transcript' : recording ? 'Hearing…' : 'Transcript'}</h3>
        <p className={`transcript-partial${final ? ' settled' : ''}`} data-testid="transcript-partial">{partial || (recording ? '…' : '')}</p>
        {final?.command ? <CommandVerdict command={final.command} /> : null}
        <div className="transcript-final" data-testid="transcript-final" hidden={!final}>
          {final ? (final.words.length > 0 ? <WordList transcriptId={final.id} words={final.words} /> : <p>{final.text || <span className="muted">(no speech recognised)</span>}</p>) : null}
        </div>
        {final?.error ? <p className="error">{final.error}</p> : null}
        {final || recording ? <button type="button" className="link" onClick={onLookInside}>Look inside →</button> : null}
      </div>
    </section>
  );
}
