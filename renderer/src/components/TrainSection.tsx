import { useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import { LIMITS, type DatasetInfo, type FineTuneRequest, type JobInfo, type ModelInfo } from '../../../contract/contract.ts';
import { FINE_TUNE_DEFAULT_VALUES as DEFAULTS } from '../../../contract/fine-tune-defaults.ts';
import { errorText, getApi } from '../api.ts';
import { cerPoints, formatEta, lossPoints } from '../finetune/curve-data.ts';
import { trainingStore, type JobLive } from '../finetune/training-store.ts';
import { CurveChart } from './CurveChart.tsx';
import { GradientHeatmap } from './GradientHeatmap.tsx';
import { VariantsTable } from './VariantsTable.tsx';

const HEADS: FineTuneRequest['head'][] = ['keep', 'lstm', 'peephole', 'gru'];
const HEAD_LABELS: Record<FineTuneRequest['head'], string> = {
  keep: 'Keep it: adjust the whole model',
  lstm: 'Replace with a fresh LSTM layer',
  peephole: 'Replace with a fresh peephole LSTM layer',
  gru: 'Replace with a fresh GRU layer',
};
const HEAD_SHORT: Record<FineTuneRequest['head'], string> = { keep: 'whole model', lstm: 'fresh LSTM top', peephole: 'fresh peephole top', gru: 'fresh GRU top' };

/** A setting's label, its input, and one line saying what it does. */
function Setting({ label, hint, children }: { label: string; hint: string; children: ReactNode }) {
  return (
    <label className="field setting">
      <span>{label}</span>
      {children}
      <small className="muted setting-hint">{hint}</small>
    </label>
  );
}

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
      <span className="muted">{HEAD_SHORT[job.request.head]} · {job.state}</span>
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
  // The defaults are shown as their values (the request may also say 0 for "default").
  const [epochs, setEpochs] = useState<number>(DEFAULTS.epochs);
  const [learningRate, setLearningRate] = useState<number>(DEFAULTS.learningRate);
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
        <Setting label="Start from" hint="The model you adapt; it stays as it is, and the result is saved as a new version.">
          <select data-testid="finetune-base" value={baseModelId} onChange={(event) => setBaseModelId(event.target.value)}>
            {models.map((model) => <option key={model.id} value={model.id}>{model.name} ({model.architecture.arch} {model.architecture.layers}×{model.architecture.units})</option>)}
          </select>
        </Setting>
        <Setting label="Passes over your recordings (epochs)" hint={`At most this many; training stops early when the held-out recordings stop improving for ${DEFAULTS.patience} passes. Default ${DEFAULTS.epochs}.`}>
          <input type="number" data-testid="finetune-epochs" min={1} max={LIMITS.maxEpochs} step={1} value={epochs} onChange={(event) => setEpochs(Math.max(1, Math.min(LIMITS.maxEpochs, Math.round(Number(event.target.value) || DEFAULTS.epochs))))} />
        </Setting>
        <Setting label="Step size (learning rate)" hint={`How big each correction is: larger learns faster but can undo what the model knew. Default ${DEFAULTS.learningRate}.`}>
          <input type="number" data-testid="finetune-lr" min={0.00001} max={1} step="any" value={learningRate} onChange={(event) => setLearningRate(Math.min(1, Math.max(0, Number(event.target.value) || DEFAULTS.learningRate)))} />
        </Setting>
        <Setting label="Layers kept fixed" hint="Layers nearest the sound that do not change; fewer trainable weights overfit less on few recordings. Default 0.">
          <input type="number" data-testid="finetune-frozen" min={0} max={Math.max(0, (base?.architecture.layers ?? 1) - 1)} step={1} value={frozenLayers} onChange={(event) => setFrozenLayers(Math.max(0, Math.min((base?.architecture.layers ?? 1) - 1, Math.round(Number(event.target.value) || 0))))} />
        </Setting>
        <Setting label="Top layer" hint="Keep the model's top layer, or train a fresh one of another kind in its place (to compare memory cells).">
          <select data-testid="finetune-head" value={head} onChange={(event) => setHead(event.target.value as FineTuneRequest['head'])}>
            {HEADS.map((one) => <option key={one} value={one}>{HEAD_LABELS[one]}</option>)}
          </select>
        </Setting>
        <Setting label="Name of the new version" hint="How the result appears in the model list.">
          <input data-testid="finetune-name" maxLength={LIMITS.maxTitleLength} placeholder={`${dataset.name} …`} value={name} onChange={(event) => setName(event.target.value)} />
        </Setting>
        <p className="muted hint">
          Also fixed: {DEFAULTS.batchSize} recordings per step; corrections larger than {DEFAULTS.clipNorm} (gradient norm) are scaled down to it.{' '}
          <button type="button" className="link" data-testid="finetune-reset" onClick={() => {
            setEpochs(DEFAULTS.epochs);
            setLearningRate(DEFAULTS.learningRate);
            setFrozenLayers(0);
            setHead('keep');
          }}>Back to the defaults</button>
        </p>
        <div className="actions">
          <button type="submit" data-testid="finetune-start" disabled={!canTrain}>Start fine-tuning</button>
          <button type="button" data-testid="finetune-compare" disabled={!canTrain} title="Three jobs on the same recordings, each with a fresh top layer: LSTM, peephole LSTM and GRU" onClick={() => void start(['lstm', 'peephole', 'gru'])}>Compare top layers (LSTM / peephole / GRU)</button>
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
            <CurveChart title="Training loss (lower: fits your recordings better)" yLabel="CTC loss" series={lossSeries} testId="loss-chart" logY />
            <CurveChart title="Letter errors on held-out recordings (CER)" yLabel="CER" series={cerSeries} testId="cer-chart" />
          </div>
          {focused ? <GradientHeatmap jobName={focused.job.request.name} snapshot={focused.gradients} range={focused.range} norms={focused.norms} /> : null}
          <h3>Compare variants</h3>
          <VariantsTable jobs={jobs.map((live) => live.job)} />
        </>
      ) : null}
    </div>
  );
}
