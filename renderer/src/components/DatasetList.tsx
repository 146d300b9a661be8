import { useEffect, useState } from 'react';
import { LIMITS, type DatasetInfo } from '../../../contract/contract.ts';
import { errorText, getApi } from '../api.ts';

/** "1:05" for 65 s. */
export function minutesText(seconds: number): string {
  const total = Math.round(seconds);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

interface Props {
  datasets: DatasetInfo[];
  selectedId: string | null;
  onSelect(id: string | null): void;
}

/** Datasets: create, pick, rename, delete; each with its training / held-out counts. */
export function DatasetList({ datasets, selectedId, onSelect }: Props) {
  const [name, setName] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const selected = datasets.find((dataset) => dataset.id === selectedId) ?? null;
  const [rename, setRename] = useState(selected?.name ?? '');
  useEffect(() => setRename(selected?.name ?? ''), [selected?.id, selected?.name]);

  const create = async () => {
    const trimmed = name.trim() || `My voice ${datasets.length + 1}`;
    try {
      const dataset = await getApi().createDataset(trimmed);
      setName('');
      setNotice(null);
      onSelect(dataset.id);
    } catch (error) {
      setNotice(`Could not create the dataset: ${errorText(error)}`);
    }
  };

  const saveName = async () => {
    const trimmed = rename.trim();
    if (!selected || !trimmed || trimmed === selected.name) return;
    try {
      await getApi().renameDataset(selected.id, trimmed);
    } catch (error) {
      setNotice(`Rename failed: ${errorText(error)}`);
    }
  };

  const remove = async () => {
    if (!selected || !window.confirm(`Delete the dataset “${selected.name}” and its ${selected.trainUtterances + selected.heldOutUtterances} recordings?`)) return;
    try {
      await getApi().deleteDataset(selected.id);
      onSelect(null);
    } catch (error) {
      setNotice(`Delete failed: ${errorText(error)}`);
    }
  };

  return (
    <aside className="dataset-list" aria-label="Datasets">
      <h3>Datasets</h3>
      <form className="dataset-new" onSubmit={(event) => {
        event.preventDefault();
        void create();
      }}>
        <input data-testid="dataset-name" placeholder="New dataset name" maxLength={LIMITS.maxTitleLength} value={name} onChange={(event) => setName(event.target.value)} />
        <button type="submit" data-testid="dataset-create">Create</button>
      </form>
      <ul>
        {datasets.map((dataset) => (
          <li key={dataset.id}>
            <button type="button" data-testid="dataset-entry" data-id={dataset.id} className={`library-item${dataset.id === selectedId ? ' selected' : ''}`} onClick={() => onSelect(dataset.id)}>
              <span className="library-title">{dataset.name}</span>
              <span className="library-meta" data-testid="dataset-counts">
                {dataset.trainUtterances} training · {dataset.heldOutUtterances} held out · {minutesText(dataset.durationSeconds)}
              </span>
            </button>
          </li>
        ))}
        {datasets.length === 0 ? <li className="muted">No datasets yet: create one, then record prompts or import a folder.</li> : null}
      </ul>
      {selected ? (
        <div className="dataset-edit">
          <input aria-label="Dataset name" data-testid="dataset-rename" maxLength={LIMITS.maxTitleLength} value={rename} onChange={(event) => setRename(event.target.value)} onBlur={() => void saveName()} onKeyDown={(event) => {
            if (event.key === 'Enter') void saveName();
            if (event.key === 'Escape') setRename(selected.name);
          }} />
          <button type="button" className="danger" data-testid="dataset-delete" onClick={() => void remove()}>Delete</button>
        </div>
      ) : null}
      {notice ? <p className="notice" role="status">{notice}</p> : null}
    </aside>
  );
}
