import { useCallback, useEffect, useState } from 'react';
import type { DatasetInfo, DatasetItem, ModelInfo } from '../../../contract/contract.ts';
import { errorText, getApi, useAppEvent } from '../api.ts';
import { trainingStore } from '../finetune/training-store.ts';
import { DatasetImport } from './DatasetImport.tsx';
import { DatasetItems } from './DatasetItems.tsx';
import { DatasetList } from './DatasetList.tsx';
import { KeepSection } from './KeepSection.tsx';
import { PromptRecorder } from './PromptRecorder.tsx';
import { TrainSection } from './TrainSection.tsx';

type Step = 'collect' | 'train' | 'keep';
const STEPS: { id: Step; label: string }[] = [
  { id: 'collect', label: '1 · Collect' },
  { id: 'train', label: '2 · Train' },
  { id: 'keep', label: '3 · Keep' },
];

interface Props {
  microphoneId: string;
  activeModelId: string;
  onActivate(modelId: string): Promise<void>;
}

/**
 * Your voice: fine-tune the recognizer on your own recordings. Collect (datasets, prompted
 * recording, folder import, the held-out split), Train (jobs, curves, gradient through time,
 * variants), Keep (model versions, before/after, switching back).
 */
export function VoicePanel({ microphoneId, activeModelId, onActivate }: Props) {
  const [step, setStep] = useState<Step>('collect');
  const [datasets, setDatasets] = useState<DatasetInfo[]>([]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [items, setItems] = useState<DatasetItem[]>([]);
  const [models, setModels] = useState<ModelInfo[]>([]);
  const [notice, setNotice] = useState<string | null>(null);

  const loadDatasets = useCallback(async () => {
    try {
      const list = await getApi().listDatasets();
      setDatasets(list);
      setSelectedId((current) => (current && list.some((dataset) => dataset.id === current) ? current : list[0]?.id ?? null));
    } catch (error) {
      setNotice(`Could not list datasets: ${errorText(error)}`);
    }
  }, []);
  const loadModels = useCallback(async () => {
    try {
      setModels(await getApi().listModels());
    } catch (error) {
      setNotice(`Could not list models: ${errorText(error)}`);
    }
  }, []);
  const loadItems = useCallback(async (id: string | null) => {
    if (!id) {
      setItems([]);
      return;
    }
    try {
      setItems((await getApi().getDataset(id)).items);
    } catch (error) {
      setNotice(`Could not load the dataset: ${errorText(error)}`);
    }
  }, []);

  useEffect(() => {
    void loadDatasets();
    void loadModels();
    getApi().listJobs().then((jobs) => trainingStore.setJobs(jobs), (error) => setNotice(`Could not list jobs: ${errorText(error)}`));
  }, [loadDatasets, loadModels]);
  useEffect(() => void loadItems(selectedId), [selectedId, loadItems]);

  useAppEvent((event) => {
    if (event.type === 'datasets-changed') {
      void loadDatasets();
      void loadItems(selectedId);
    } else if (event.type === 'models-changed') {
      void loadModels();
    } else if (event.type === 'status') {
      // The active model changed (here or in Settings): the list marks it.
      void loadModels();
    }
  });

  const selected = datasets.find((dataset) => dataset.id === selectedId) ?? null;
  return (
    <section className="panel voice-panel" aria-label="Your voice">
      <nav className="step-bar" role="tablist" aria-label="Fine-tuning steps">
        {STEPS.map((one) => (
          <button key={one.id} type="button" role="tab" aria-selected={step === one.id} data-testid={`voice-${one.id}`} className={step === one.id ? 'active' : ''} onClick={() => setStep(one.id)}>{one.label}</button>
        ))}
      </nav>
      {notice ? <p className="notice" role="status">{notice} <button type="button" className="link" onClick={() => setNotice(null)}>dismiss</button></p> : null}
      <div className="voice-layout">
        <DatasetList datasets={datasets} selectedId={selectedId} onSelect={setSelectedId} />
        <div className="voice-main">
          <div hidden={step !== 'collect'}>
            {selected ? (
              <div className="collect-section">
                <PromptRecorder datasetId={selected.id} items={items} microphoneId={microphoneId} />
                <DatasetImport datasetId={selected.id} />
                <DatasetItems datasetId={selected.id} items={items} onError={setNotice} />
              </div>
            ) : <p className="muted">Create or pick a dataset on the left.</p>}
          </div>
          <div hidden={step !== 'train'}>
            {selected ? <TrainSection dataset={selected} models={models} activeModelId={activeModelId} /> : <p className="muted">Pick a dataset to train on.</p>}
          </div>
          <div hidden={step !== 'keep'}>
            <KeepSection models={models} datasets={datasets} selectedDatasetId={selectedId} activeModelId={activeModelId} onActivate={onActivate} />
          </div>
        </div>
      </div>
    </section>
  );
}
