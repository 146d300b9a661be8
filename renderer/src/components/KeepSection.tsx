import { useState, useSyncExternalStore } from 'react';
import { LIMITS, type DatasetInfo, type JobInfo, type ModelComparisonDTO, type ModelInfo } from '../../../contract/contract.ts';
import { errorText, getApi } from '../api.ts';
import { metricsSummary } from '../finetune/model-metrics.ts';
import { trainingStore } from '../finetune/training-store.ts';
import { BeforeAfter } from './BeforeAfter.tsx';
import { safeFileName, saveBlob } from '../lib/save-file.ts';

/**
 * The dataset a version was trained on: from the job that produced it (jobs are kept across
 * restarts), else from its metrics when the training run recorded it there.
 */
export function trainedOn(model: ModelInfo, jobs: readonly JobInfo[]): string | null {
  const job = jobs.find((candidate) => candidate.modelId === model.id);
  if (job) return job.request.datasetId;
  const id = model.metrics.datasetId;
  return typeof id === 'string' ? id : null;
}

interface Props {
  models: ModelInfo[];
  datasets: DatasetInfo[];
  selectedDatasetId: string | null;
  activeModelId: string;
  onActivate(modelId: string): Promise<void>;
}

/**
 * Keep: the model versions (name, date, parent, dataset, metrics), one click to make any of them
 * active (so going back is one click too), rename, delete, export / import as a zip, and the
 * before/after of a version against its parent on the held-out part.
 */
export function KeepSection({ models, datasets, selectedDatasetId, activeModelId, onActivate }: Props) {
  const [notice, setNotice] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [comparison, setComparison] = useState<{ model: ModelInfo; result: ModelComparisonDTO } | null>(null);
  const [comparing, setComparing] = useState<string | null>(null);
  const training = useSyncExternalStore(trainingStore.subscribe, trainingStore.get);
  const jobs = [...training.jobs.values()].map((live) => live.job);
  const byId = new Map(models.map((model) => [model.id, model]));
  const datasetName = (id: string | null) => (id ? datasets.find((dataset) => dataset.id === id)?.name ?? id : '–');

  const run = async (label: string, action: () => Promise<unknown>) => {
    try {
      await action();
      setNotice(null);
    } catch (error) {
      setNotice(`${label} failed: ${errorText(error)}`);
    }
  };

  const compare = async (model: ModelInfo) => {
    const datasetId = trainedOn(model, jobs) ?? selectedDatasetId;
    if (!datasetId) {
      setNotice('Pick a dataset first: the comparison runs on its held-out part.');
      return;
    }
    setComparing(model.id);
    await run('Comparing', async () => setComparison({ model, result: await getApi().compareWithParent(model.id, datasetId) }));
    setComparing(null);
  };

  const saveName = async () => {
    if (!renaming) return;
    const { id, name } = renaming;
    setRenaming(null);
    if (name.trim() && name.trim() !== byId.get(id)?.name) await run('Rename', () => getApi().renameModel(id, name.trim()));
  };

  const importFile = async (file: File | undefined) => {
    if (!file) return;
    await run('Import', async () => {
      const model = await getApi().importModel(file.name, await file.arrayBuffer());
      setNotice(`Imported “${model.name}”.`);
    });
  };

  const active = byId.get(activeModelId);
  return (
    <div className="keep-section">
      <div className="toolbar">
        {active?.parentId ? (
          <button type="button" data-testid="model-rollback" onClick={() => void run('Switching back', () => onActivate(active.parentId!))}>
            ↶ Back to {byId.get(active.parentId)?.name ?? active.parentId}
          </button>
        ) : null}
        <label className="button">
          Import a model…
          <input type="file" data-testid="model-import-input" accept=".zip,application/zip" className="visually-hidden" onChange={(event) => {
            void importFile(event.target.files?.[0]);
            event.target.value = '';
          }} />
        </label>
      </div>
      <table className="data-table models-table" data-testid="model-versions">
        <thead><tr><th>Name</th><th>Created</th><th>Parent</th><th>Dataset</th><th>Metrics</th><th /></tr></thead>
        <tbody>
          {models.map((model) => {
            const isActive = model.id === activeModelId;
            return (
              <tr key={model.id} data-testid="model-row" data-model-id={model.id} data-active={isActive ? 'true' : 'false'} className={isActive ? 'active' : ''}>
                <td>
                  {renaming?.id === model.id ? (
                    <input autoFocus aria-label="Model name" maxLength={LIMITS.maxTitleLength} value={renaming.name} onChange={(event) => setRenaming({ id: model.id, name: event.target.value })} onBlur={() => void saveName()} onKeyDown={(event) => {
                      if (event.key === 'Enter') void saveName();
                      if (event.key === 'Escape') setRenaming(null);
                    }} />
                  ) : (
                    <button type="button" className="link" title="Rename" onClick={() => setRenaming({ id: model.id, name: model.name })}>{model.name}</button>
                  )}
                  {isActive ? <span className="badge active-badge">active</span> : null}
                  {model.kind === 'bundled' ? <span className="badge">bundled</span> : null}
                  <div className="muted small">{model.architecture.arch} {model.architecture.layers}×{model.architecture.units}</div>
                </td>
                <td>{model.createdAt ? new Date(model.createdAt).toLocaleString() : '–'}</td>
                <td>{model.parentId ? byId.get(model.parentId)?.name ?? model.parentId : '–'}</td>
                <td>{datasetName(trainedOn(model, jobs))}</td>
                <td className="small">{metricsSummary(model.metrics) || '–'}</td>
                <td><div className="row-actions">
                  <button type="button" data-testid={`model-activate-${model.id}`} disabled={isActive} onClick={() => void run('Activating', () => onActivate(model.id))}>{isActive ? 'Active' : 'Use this'}</button>
                  {model.parentId ? <button type="button" data-testid={`model-compare-${model.id}`} disabled={comparing !== null} onClick={() => void compare(model)}>{comparing === model.id ? 'Comparing…' : 'Before / after'}</button> : null}
                  <button type="button" data-testid={`model-export-${model.id}`} onClick={() => void run('Export', async () => saveBlob(new Blob([await getApi().exportModel(model.id)], { type: 'application/zip' }), `${safeFileName(model.name, 'model')}.zip`))}>Export</button>
                  {model.kind !== 'bundled' ? <button type="button" className="danger" data-testid={`model-delete-${model.id}`} disabled={isActive} title={isActive ? 'Switch to another model first' : 'Delete'} onClick={() => {
                    if (window.confirm(`Delete the model “${model.name}”?`)) void run('Delete', () => getApi().deleteModel(model.id));
                  }}>Delete</button> : null}
                </div></td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {notice ? <p className="notice" role="status">{notice}</p> : null}
      {comparison ? (
        <>
          <h3>Before / after: {comparison.model.name} vs. {byId.get(comparison.result.parentId)?.name ?? comparison.result.parentId} on “{datasetName(comparison.result.datasetId)}” (held out)</h3>
          <BeforeAfter comparison={comparison.result} parentName={byId.get(comparison.result.parentId)?.name ?? comparison.result.parentId} modelName={comparison.model.name} />
        </>
      ) : null}
    </div>
  );
}
