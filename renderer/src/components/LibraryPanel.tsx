import { useCallback, useEffect, useState } from 'react';
import type { TranscriptDTO } from '../../../contract/contract.ts';
import { errorText, getApi, useAppEvent } from '../api.ts';
import { TranscriptDetail } from './TranscriptDetail.tsx';
import { UndoToast } from './UndoToast.tsx';

interface Props {
  /** Transcript to select (from the files queue), or null. */
  selectedId: string | null;
  onSelect(id: string | null): void;
  onLookInside(transcript: TranscriptDTO): void;
}

/** Library: search, the list of transcripts, the selected one in detail, undo after delete. */
export function LibraryPanel({ selectedId, onSelect, onLookInside }: Props) {
  const [query, setQuery] = useState('');
  const [items, setItems] = useState<TranscriptDTO[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [deleted, setDeleted] = useState<TranscriptDTO | null>(null);

  const refresh = useCallback(async () => {
    try {
      setItems(await getApi().listTranscripts(query));
      setError(null);
    } catch (caught) {
      setError(`Could not load the library: ${errorText(caught)}`);
    }
  }, [query]);

  useEffect(() => {
    void refresh();
  }, [refresh]);
  useAppEvent((event) => {
    if (event.type === 'library-changed') void refresh();
  });

  const selected = items.find((item) => item.id === selectedId) ?? null;

  const remove = async (transcript: TranscriptDTO) => {
    try {
      await getApi().deleteTranscript(transcript.id);
      setDeleted(transcript);
      if (selectedId === transcript.id) onSelect(null);
      await refresh();
    } catch (caught) {
      setError(`Delete failed: ${errorText(caught)}`);
    }
  };

  const undo = async () => {
    if (!deleted) return;
    try {
      const restored = await getApi().restoreTranscript(deleted.id);
      setDeleted(null);
      onSelect(restored.id);
      await refresh();
    } catch (caught) {
      setError(`Undo failed: ${errorText(caught)}`);
    }
  };

  return (
    <section className="panel library-panel" aria-label="Library">
      <div className="library-list">
        <input type="search" data-testid="library-search" placeholder="Search transcripts" value={query} maxLength={200} onChange={(event) => setQuery(event.target.value)} />
        {error ? <p className="error">{error}</p> : null}
        <ul data-testid="library-list">
          {items.map((item) => (
            <li key={item.id}>
              <button type="button" className={`library-item${item.id === selectedId ? ' selected' : ''}`} data-testid="library-item" onClick={() => onSelect(item.id)}>
                <span className="library-title">{item.title}</span>
                <span className="library-meta">{new Date(item.createdAt).toLocaleString()} · {item.durationSeconds.toFixed(1)} s · {item.source}</span>
                <span className="library-snippet">{item.error ? `⚠ ${item.error}` : item.text || '(empty)'}</span>
              </button>
            </li>
          ))}
          {items.length === 0 ? <li className="muted">{query ? 'Nothing matches.' : 'No transcripts yet.'}</li> : null}
        </ul>
      </div>
      <div className="library-detail">
        {selected ? (
          <TranscriptDetail key={selected.id} transcript={selected} onChanged={() => void refresh()} onDelete={() => void remove(selected)} onLookInside={() => onLookInside(selected)} />
        ) : (
          <p className="muted">Pick a transcript.</p>
        )}
      </div>
      {deleted ? <UndoToast message={`Deleted “${deleted.title}”.`} onUndo={() => void undo()} onDismiss={() => setDeleted(null)} /> : null}
    </section>
  );
}
