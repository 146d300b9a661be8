import type { DatasetItem } from '../../../contract/contract.ts';
import { errorText, getApi } from '../api.ts';
import { play } from '../audio/playback.ts';

function ItemRow({ datasetId, item, onError }: { datasetId: string; item: DatasetItem; onError(message: string): void }) {
  const playIt = async () => {
    try {
      play(await getApi().getDatasetItemAudio(datasetId, item.id), 0);
    } catch (error) {
      onError(`Playback failed: ${errorText(error)}`);
    }
  };
  const remove = async () => {
    try {
      await getApi().deleteDatasetItem(datasetId, item.id);
    } catch (error) {
      onError(`Delete failed: ${errorText(error)}`);
    }
  };
  return (
    <tr data-testid="dataset-item" data-split={item.split} data-warnings={item.warnings.length}>
      <td>{item.text}</td>
      <td className="number">{item.durationSeconds.toFixed(1)} s</td>
      <td className="muted">{item.source}</td>
      <td className="number" title={`RMS ${item.rms.toFixed(3)}`}>{item.peak.toFixed(2)}</td>
      <td>{item.warnings.map((warning) => <div key={warning} className="warning-text">⚠ {warning}</div>)}</td>
      <td><div className="row-actions">
        <button type="button" onClick={() => void playIt()} aria-label={`Play “${item.text}”`}>▶</button>
        <button type="button" className="danger" onClick={() => void remove()} aria-label={`Delete “${item.text}”`}>✕</button>
      </div></td>
    </tr>
  );
}

/** The dataset's recordings, in the two parts of the automatic split. */
export function DatasetItems({ datasetId, items, onError }: { datasetId: string; items: DatasetItem[]; onError(message: string): void }) {
  const parts = [
    { split: 'train' as const, title: 'Training', hint: 'the model learns from these' },
    { split: 'heldout' as const, title: 'Held out', hint: 'never trained on: the before/after and the CER curve are measured here' },
  ];
  return (
    <div className="dataset-items" data-testid="dataset-items">
      {parts.map(({ split, title, hint }) => {
        const mine = items.filter((item) => item.split === split);
        return (
          <div key={split} className="split-part" data-testid={`split-${split}`} data-count={mine.length}>
            <h3>{title} ({mine.length}) <span className="subtitle">— {hint}</span></h3>
            {mine.length === 0 ? <p className="muted">None yet.</p> : (
              <table className="data-table">
                <thead><tr><th>Text</th><th>Length</th><th>Source</th><th>Peak</th><th>Level check</th><th /></tr></thead>
                <tbody>{mine.map((item) => <ItemRow key={item.id} datasetId={datasetId} item={item} onError={onError} />)}</tbody>
              </table>
            )}
          </div>
        );
      })}
    </div>
  );
}
