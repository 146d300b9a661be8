import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { LIMITS, type DatasetInfo, type FineTuneRequest, type JobInfo, type ModelInfo } from '../../../contract/contract.ts';
import { errorText, getApi } from '../api.ts';
import { cerPoints, formatEta, lossPoints } from '../finetune/curve-data.ts';
import { trainingStore, type JobLive } from '../finetune/training-store.ts';
import { CurveChart } from './CurveChart.tsx';
import { GradientHeatmap } from './GradientHeatmap.tsx';
import { VariantsTable } from './VariantsTable.tsx';

const HEADS: FineTuneRequest['head'][] = ['keep', 'lstm', 'peephole', 'gru'];
const HEAD_LABELS: Record<FineTuneRequest['head'], string> = { keep: 'keep (fine-tune as is)', lstm: 'new LSTM head', peephole: 'new peephole LSTM head', gru: 'new GRU head' };

interface Props {
  dataset: DatasetInfo;
  models: ModelInfo[];
  activeModelId: string;
}

function JobRow({ live, focused, onFocus, onChanged }: { live: JobLive; focused: boolean; onFocus(): void; onChanged(message: string | null): void }) {
  const { job } = live;
  const act = async (action: 'cancel' | 'resume') => {
    try {
      const updated = action === 'cancel' ? await getApi().cancelFineTune(job.id) : await getApi().resumeFineTune(job.id);
      trainingStore.setJobs([updated]);
      onChanged(null);
    } catch (error) {
      onChanged(`${action === 'cancel' ? 'Cancel' : 'Resume'} failed: ${errorText(error)}`);
    }
  };
  const fraction = job.totalSteps > 0 ? job.step / job.totalSteps : 0;
  const running = job.state === 'running' || job.state === 'queued';
  return (
    <li className={`job-row${focused ? ' selected' : ''}`} data-testid="job-row" data-job-id={job.id} data-state={job.state}>
      <button type="button" className="link job-name" onClick={onFocus}>{job.request.name}</button>
      <span className="muted">{job.request.head} · {job.state}</span>
      <progress data-testid="finetune-progress" data-state={job.state} data-step={job.step} data-total={job.totalSteps} max={1} value={job.state === 'done' ? 1 : fraction} />
      <span className="muted job-eta" data-testid="job-eta">
        step {job.step} / {job.totalSteps}
        {job.state === 'running' ? ` · ETA ${formatEta(live.etaSeconds)}` : ''}
        {Number.isFinite(live.loss.at(-1)?.y) ? ` · loss ${live.loss.at(-1)!.y.toFixed(3)}` : ''}
      </span>
      {running ? <button type="button" data-testid="finetune-cancel" onClick={() => void act('cancel')}>Cancel</button> : null}
      {job.state === 'cancelled' || job.state === 'failed' ? <button type="button" data-testid="finetune-resume" onClick={() => void act('resume')}>Resume</button> : null}
      {job.error ? <span className="error">{job.error}</span> : null}
    </li>
  );
}

/**
 * Train: settings, start (one job or the three heads side by side), progress with ETA, live loss
 * and held-out CER curves of every job on this dataset, the gradient-through-time heatmap of the
 * job in focus, and the table of final metrics.
 */
export function TrainSection({ dataset, models, activeModelId }: Props) {
  const store = useSyncExternalStore(trainingStore.subscribe, trainingStore.get);
  const [baseModelId, setBaseModelId] = useState(activeModelId);
  const [epochs, setEpochs] = useState(2);
  const [learningRate, setLearningRate] = useState(0);
  const [frozenLayers, setFrozenLayers] = useState(0);
  const [head, setHead] = useState<FineTuneRequest['head']>('keep');
  const [name, setName] = useState('');
  const [focusId, setFocusId] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    if (!models.some((model) => model.id === baseModelId) && models.length > 0) setBaseModelId(models.some((model) => model.id === activeModelId) ? activeModelId : models[0].id);
  }, [models, activeModelId, baseModelId]);

  const base = models.find((model) => model.id === baseModelId) ?? null;
  const jobs: JobLive[] = useMemo(() => [...store.jobs.values()].filter((live) => live.job.request.datasetId === dataset.id), [store, dataset.id]);
  const focused = jobs.find((live) => live.job.id === focusId) ?? jobs.find((live) => live.job.state === 'running') ?? jobs.at(-1) ?? null;

  const start = async (heads: FineTuneRequest['head'][]) => {
    const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ');
    try {
      const started: JobInfo[] = [];
      for (const variant of heads) {
        const label = name.trim() || `${dataset.name} ${stamp}`;
        const request: FineTuneRequest = {
          datasetId: dataset.id, baseModelId, epochs, learningRate, frozenLayers, head: variant,
          name: (heads.length > 1 ? `${label} (${variant})` : label).slice(0, LIMITS.maxTitleLength),
        };
        started.push(await getApi().startFineTune(request));
      }
      trainingStore.setJobs(started);
      setFocusId(started[0].id);
      setNotice(null);
    } catch (error) {
      setNotice(`Could not start: ${errorText(error)}`);
    }
  };

  const lossSeries = jobs.map((live) => ({ label: live.job.request.name, points: lossPoints(live.job, live.loss) }));
  const cerSeries = jobs.map((live) => ({ label: live.job.request.name, points: cerPoints(live.job) }));
  const canTrain = dataset.trainUtterances > 0 && base !== null;

  return (
    <div className="train-section">
      <form className="train-settings" onSubmit={(event) => {
        event.preventDefault();
        void start([head]);
      }}>
        <label className="field">Base model
          <select data-testid="finetune-base" value={baseModelId} onChange={(event) => setBaseModelId(event.target.value)}>
            {models.map((model) => <option key={model.id} value={model.id}>{model.name} ({model.architecture.arch} {model.architecture.layers}×{model.architecture.units})</option>)}
          </select>
        </label>
        <label className="field">Epochs
          <input type="number" data-testid="finetune-epochs" min={0} max={LIMITS.maxEpochs} value={epochs} onChange={(event) => setEpochs(Math.max(0, Math.min(LIMITS.maxEpochs, Math.round(Number(event.target.value) || 0))))} />
        </label>
        <label className="field">Learning rate
          <input type="number" data-testid="finetune-lr" min={0} step="any" value={learningRate} onChange={(event) => setLearningRate(Math.max(0, Number(event.target.value) || 0))} />
        </label>
        <label className="field">Frozen layers
          <input type="number" data-testid="finetune-frozen" min={0} max={Math.max(0, (base?.architecture.layers ?? 1) - 1)} value={frozenLayers} onChange={(event) => setFrozenLayers(Math.max(0, Math.min((base?.architecture.layers ?? 1) - 1, Math.round(Number(event.target.value) || 0))))} />
        </label>
        <label className="field">Head
          <select data-testid="finetune-head" value={head} onChange={(event) => setHead(event.target.value as FineTuneRequest['head'])}>
            {HEADS.map((one) => <option key={one} value={one}>{HEAD_LABELS[one]}</option>)}
          </select>
        </label>
        <label className="field">Name
          <input data-testid="finetune-name" maxLength={LIMITS.maxTitleLength} placeholder={`${dataset.name} …`} value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <p className="muted hint">0 epochs or learning rate 0 = the defaults of <code>cellscribe train --from</code>.</p>
        <div className="actions">
          <button type="submit" data-testid="finetune-start" disabled={!canTrain}>Start fine-tuning</button>
          <button type="button" data-testid="finetune-compare" disabled={!canTrain} title="Three jobs on the same data: a fresh LSTM, peephole LSTM and GRU head" onClick={() => void start(['lstm', 'peephole', 'gru'])}>Compare heads (LSTM / peephole / GRU)</button>
        </div>
        {dataset.trainUtterances === 0 ? <p className="muted">This dataset has no training recordings yet: record or import some first.</p> : null}
        {notice ? <p className="error" role="alert">{notice}</p> : null}
      </form>

      <ul className="job-list" data-testid="job-list">
        {jobs.map((live) => <JobRow key={live.job.id} live={live} focused={live === focused} onFocus={() => setFocusId(live.job.id)} onChanged={setNotice} />)}
      </ul>

      {jobs.length > 0 ? (
        <>
          <div className="curves">
            <CurveChart title="Training loss" yLabel="CTC loss" series={lossSeries} testId="loss-chart" logY />
            <CurveChart title="Held-out CER" yLabel="CER" series={cerSeries} testId="cer-chart" />
          </div>
          {focused ? <GradientHeatmap jobName={focused.job.request.name} snapshot={focused.gradients} range={focused.range} norms={focused.norms} /> : null}
          <h3>Compare variants</h3>
          <VariantsTable jobs={jobs.map((live) => live.job)} />
        </>
      ) : null}
    </div>
  );
}
