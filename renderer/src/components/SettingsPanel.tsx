import { useEffect, useState } from 'react';
import { LIMITS, type DecodingMode, type EngineStatus, type ModelInfo, type Settings } from '../../../contract/contract.ts';
import { errorText, getApi } from '../api.ts';

/** Settings: model, decoding (open / digits / custom list), beam width, and the compute backend. */
export function SettingsPanel({ settings, status, onSaved }: { settings: Settings | null; status: EngineStatus | null; onSaved(settings: Settings): void }) {
  const [draft, setDraft] = useState<Settings | null>(settings);
  const [models, setModels] = useState<ModelInfo[]>([]);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => setDraft(settings), [settings]);
  useEffect(() => {
    getApi().listModels().then(setModels, (error) => setNotice(`Could not list models: ${errorText(error)}`));
  }, [status?.activeModel?.id]);

  if (!draft) return <section className="panel">Loading settings…</section>;
  const decoding = draft.decoding;
  const setDecoding = (change: Partial<Settings['decoding']>) => setDraft({ ...draft, decoding: { ...decoding, ...change } });

  const save = async () => {
    try {
      const saved = await getApi().setSettings(draft);
      onSaved(saved);
      setNotice('Saved.');
    } catch (error) {
      setNotice(`Saving failed: ${errorText(error)}`);
    }
  };

  const loadList = async (file: File | undefined) => {
    if (!file) return;
    const text = await file.text();
    if (text.length > LIMITS.maxVocabularyLength) {
      setNotice(`That list is ${text.length} characters; the limit is ${LIMITS.maxVocabularyLength}.`);
      return;
    }
    setDecoding({ mode: decoding.mode === 'commands' ? 'commands' : 'custom', customVocabulary: text });
  };

  return (
    <section className="panel settings-panel" aria-label="Settings">
      <form onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}>
        <fieldset>
          <legend>Model</legend>
          <select data-testid="model-picker" value={draft.activeModelId} onChange={(event) => setDraft({ ...draft, activeModelId: event.target.value })}>
            {models.map((model) => (
              <option key={model.id} value={model.id}>
                {model.name} ({model.architecture.arch} {model.architecture.layers}×{model.architecture.units}, {model.kind})
              </option>
            ))}
            {models.length === 0 ? <option value={draft.activeModelId}>{draft.activeModelId || '(none)'}</option> : null}
          </select>
        </fieldset>
        <fieldset>
          <legend>Decoding</legend>
          {(['open', 'digits', 'custom', 'commands'] as DecodingMode[]).map((mode) => (
            <label key={mode} className="radio">
              <input type="radio" name="decoding-mode" data-testid={`decoding-${mode}`} checked={decoding.mode === mode} onChange={() => setDecoding({ mode })} />
              {mode === 'open' ? 'Open vocabulary (general English LM)' : mode === 'digits' ? 'Digits (zero–nine)' : mode === 'custom' ? 'Custom word / phrase list' : 'Commands (exactly one phrase of a list)'}
            </label>
          ))}
          {decoding.mode === 'custom' || decoding.mode === 'commands' ? (
            <div className="custom-list">
              <textarea data-testid="custom-vocabulary" rows={6} maxLength={LIMITS.maxVocabularyLength} placeholder={decoding.mode === 'commands' ? 'One command phrase per line, e.g. turn on the lights' : 'One word or phrase per line'} value={decoding.customVocabulary} onChange={(event) => setDecoding({ customVocabulary: event.target.value })} />
              <label className="button">
                Load list from file…
                <input type="file" accept=".txt,text/plain" className="visually-hidden" onChange={(event) => void loadList(event.target.files?.[0])} />
              </label>
            </div>
          ) : null}
          <label className="field">
            Beam width{' '}
            <input type="number" data-testid="beam-width" min={1} max={LIMITS.maxBeam} value={decoding.beam} onChange={(event) => setDecoding({ beam: Math.max(1, Math.min(LIMITS.maxBeam, Math.round(Number(event.target.value) || 1))) })} />
            <span className="muted"> 1 = greedy</span>
          </label>
        </fieldset>
        <button type="submit" data-testid="save-settings">Save</button>
        {notice ? <span className="notice" role="status"> {notice}</span> : null}
      </form>
      <fieldset className="backend-info" data-testid="backend-info">
        <legend>Compute</legend>
        <p>Backend in use: <strong>{status?.backend ?? 'not started'}</strong></p>
        {status && status.backend !== 'tfjs-node-gpu' ? <p className="muted">The GPU is not used{status.backendNotes.length > 0 ? ':' : '.'}</p> : null}
        <ul>{status?.backendNotes.map((note, index) => <li key={index}>{note}</li>)}</ul>
        <p>Engine: {status?.state ?? 'unknown'}; restarts since launch: {status?.restarts ?? 0}</p>
      </fieldset>
    </section>
  );
}
