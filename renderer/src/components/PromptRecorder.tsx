import { useEffect, useMemo, useState } from 'react';
import type { DatasetItem, PromptSet } from '../../../contract/contract.ts';
import { errorText, getApi } from '../api.ts';
import { play } from '../audio/playback.ts';
import { useTakeRecorder } from '../audio/use-take-recorder.ts';
import { promptsFromText } from '../finetune/prompt-file.ts';
import { LevelMeter } from './LevelMeter.tsx';

const OWN = 'own';

interface Props {
  datasetId: string;
  items: DatasetItem[];
  microphoneId: string;
}

/**
 * Prompted recording: pick a prompt set (built in, or a text file of your own), read each prompt
 * aloud, hear it back, re-record or delete it. The level check runs live (meter, peak) and on the
 * saved take (the backend's warnings).
 */
export function PromptRecorder({ datasetId, items, microphoneId }: Props) {
  const [sets, setSets] = useState<PromptSet[]>([]);
  const [setId, setSetId] = useState<string>('digits');
  const [own, setOwn] = useState<{ name: string; prompts: string[] } | null>(null);
  const [index, setIndex] = useState(0);
  const [last, setLast] = useState<DatasetItem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    getApi().listPromptSets().then(setSets, (error) => setNotice(`Could not load the prompt sets: ${errorText(error)}`));
  }, []);

  const prompts = useMemo(() => (setId === OWN ? own?.prompts ?? [] : sets.find((set) => set.id === setId)?.prompts ?? []), [setId, own, sets]);
  const prompt = prompts[Math.min(index, prompts.length - 1)] ?? '';
  const recordedTexts = useMemo(() => new Set(items.filter((item) => item.source === 'recorded').map((item) => item.text)), [items]);
  // The last take as the backend has it now (warnings may change nothing, but a delete removes it).
  const lastItem = last ? items.find((item) => item.id === last.id) ?? null : null;

  const save = async (pcm: Float32Array, text: string) => {
    if (pcm.length === 0) {
      setNotice('Nothing was recorded.');
      return;
    }
    try {
      const item = await getApi().addDatasetRecording(datasetId, text, pcm);
      setLast(item);
      setNotice(null);
    } catch (error) {
      setNotice(`Saving the take failed: ${errorText(error)}`);
    }
  };
  const take = useTakeRecorder((pcm) => void save(pcm, prompt));
  const recording = take.state === 'recording';

  const toggle = async () => {
    if (take.state === 'idle') {
      if (!prompt) return;
      setLast(null);
      await take.start(microphoneId);
    } else if (recording) {
      const pcm = await take.stop();
      if (pcm) await save(pcm, prompt);
    }
  };

  const remove = async (item: DatasetItem) => {
    try {
      await getApi().deleteDatasetItem(datasetId, item.id);
      if (last?.id === item.id) setLast(null);
    } catch (error) {
      setNotice(`Delete failed: ${errorText(error)}`);
    }
  };

  const reRecord = async (item: DatasetItem) => {
    await remove(item);
    const at = prompts.indexOf(item.text);
    if (at >= 0) setIndex(at);
    await take.start(microphoneId);
  };

  const playItem = async (item: DatasetItem) => {
    try {
      play(await getApi().getDatasetItemAudio(datasetId, item.id), 0);
    } catch (error) {
      setNotice(`Playback failed: ${errorText(error)}`);
    }
  };

  const loadOwn = async (file: File | undefined) => {
    if (!file) return;
    const lines = promptsFromText(await file.text());
    if (lines.length === 0) {
      setNotice(`${file.name} has no prompts: expected one prompt per line.`);
      return;
    }
    setOwn({ name: file.name, prompts: lines });
    setSetId(OWN);
    setIndex(0);
  };

  return (
    <div className="prompt-recorder" data-testid="prompt-recorder">
      <h3>Record prompts</h3>
      <div className="toolbar">
        <select data-testid="prompt-set" aria-label="Prompt set" value={setId} disabled={take.state !== 'idle'} onChange={(event) => {
          setSetId(event.target.value);
          setIndex(0);
        }}>
          {sets.map((set) => <option key={set.id} value={set.id}>{set.name} ({set.prompts.length})</option>)}
          {own ? <option value={OWN}>{own.name} ({own.prompts.length})</option> : null}
        </select>
        <label className="button">
          Load prompts from a text file…
          <input type="file" data-testid="prompt-file" accept=".txt,text/plain" className="visually-hidden" onChange={(event) => {
            void loadOwn(event.target.files?.[0]);
            event.target.value = '';
          }} />
        </label>
      </div>
      <div className="prompt-card">
        <div className="prompt-nav">
          <button type="button" aria-label="Previous prompt" disabled={index <= 0 || take.state !== 'idle'} onClick={() => setIndex(index - 1)}>‹</button>
          <span className="muted" data-testid="prompt-position">{prompts.length > 0 ? `${index + 1} / ${prompts.length}` : '–'}</span>
          <button type="button" aria-label="Next prompt" disabled={index >= prompts.length - 1 || take.state !== 'idle'} onClick={() => setIndex(index + 1)}>›</button>
          {recordedTexts.has(prompt) ? <span className="badge">recorded</span> : null}
        </div>
        <p className="prompt-text" data-testid="prompt-text">{prompt || <span className="muted">(no prompts)</span>}</p>
        <div className="record-controls">
          <button type="button" className={`record-button${recording ? ' recording' : ''}`} data-testid="prompt-record" data-state={take.state} disabled={!prompt || take.state === 'starting' || take.state === 'stopping'} onClick={() => void toggle()}>
            <span className="record-icon" aria-hidden="true" />
            {take.state === 'starting' ? 'Starting…' : take.state === 'stopping' ? 'Saving…' : recording ? 'Stop' : 'Record this prompt'}
          </button>
          <LevelMeter levelDb={take.levelDb} active={recording} />
          {recording && take.peak >= 0.99 ? <span className="warning-text" data-testid="live-clipping">clipping!</span> : null}
          {recording && take.levelDb < -50 ? <span className="warning-text">very quiet</span> : null}
        </div>
      </div>
      {take.error ? <p className="error" role="alert">{take.error}</p> : null}
      {lastItem ? (
        <div className="last-take" data-testid="last-take" data-item-id={lastItem.id}>
          <span>“{lastItem.text}” · {lastItem.durationSeconds.toFixed(1)} s · peak {lastItem.peak.toFixed(2)}</span>
          {lastItem.warnings.map((warning) => <span key={warning} className="warning-text" data-testid="take-warning">⚠ {warning}</span>)}
          <div className="actions">
            <button type="button" data-testid="take-play" onClick={() => void playItem(lastItem)}>Play</button>
            <button type="button" data-testid="take-rerecord" onClick={() => void reRecord(lastItem)}>Re-record</button>
            <button type="button" className="danger" data-testid="take-delete" onClick={() => void remove(lastItem)}>Delete</button>
            {index < prompts.length - 1 ? <button type="button" data-testid="prompt-next" onClick={() => {
              setIndex(index + 1);
              setLast(null);
            }}>Next prompt ›</button> : null}
          </div>
        </div>
      ) : null}
      {notice ? <p className="notice" role="status">{notice}</p> : null}
    </div>
  );
}
