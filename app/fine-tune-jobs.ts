/**
 * Fine-tuning jobs: queued and run one at a time in the engine (worker), persisted in
 * userData/jobs/<id>/ (job.json, the dataset's split manifests, run/ with the training loop's
 * checkpoints and best model). A job interrupted by an app exit or an engine crash is marked
 * cancelled with the reason, and resumeFineTune continues it from its last checkpoint (the
 * training loop resumes from run/checkpoints). When a job ends, its best model is installed
 * as a new model version with provenance: parent model, dataset, held-out metrics, curve.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppEvent, FineTuneRequest, JobInfo } from '../contract/contract.ts';
import { checkValue, FineTuneRequestSchema } from '../contract/schemas.ts';
import type { EngineTrainConfig, EngineTrainEvent } from './engine/engine-protocol.ts';
import { writeFileAtomic } from '../model/io/atomic.ts';
import { FINE_TUNE_DEFAULTS } from '../model/train/fine-tune-defaults.ts';
import { formatManifest } from '../model/train/manifest.ts';
import type { DatasetStore } from './datasets.ts';
import type { EngineCall } from './engine/engine-host.ts';
import type { ModelVersions } from './model-versions.ts';
import { checkId, newId } from './paths.ts';

/**
 * The app's fine-tuning settings: FINE_TUNE_DEFAULTS (shared with the CLI; request fields left at
 * 0 take them), plus checkpoints and gradient heatmaps often enough for a live view and a cheap
 * resume.
 */
export const APP_FINE_TUNE_DEFAULTS = { ...FINE_TUNE_DEFAULTS, checkpointEvery: 20, gradientEvery: 5 } as const;

const INTERRUPTED_BY_EXIT = 'Interrupted: the app closed during training. Resume continues from the last checkpoint.';
const INTERRUPTED_BY_CRASH = 'Interrupted: the engine stopped during training. Resume continues from the last checkpoint.';

interface JobRecord extends JobInfo {
  createdAt: string;
}

/** Checks a FineTuneRequest with the contract's schema (the one main uses); the dataset id names a folder. */
export function checkFineTuneRequest(value: unknown): FineTuneRequest {
  const request = checkValue(FineTuneRequestSchema, value, 'fine-tune request');
  checkId(request.datasetId, 'datasetId');
  return request;
}

export interface FineTuneJobsOptions {
  jobsDir: string;
  cacheDir: string;
  datasets: DatasetStore;
  models: ModelVersions;
  call: EngineCall;
  emit: (event: AppEvent) => void;
}

export class FineTuneJobs {
  private readonly jobs = new Map<string, JobRecord>();
  private running: string | null = null;
  private lastSaved = 0;
  /** Resolvers waiting for a job to leave 'running'/'queued' (tests, dispose). */
  private readonly waiters = new Map<string, (() => void)[]>();

  constructor(private readonly o: FineTuneJobsOptions) {
    mkdirSync(o.jobsDir, { recursive: true });
    for (const id of readdirSync(o.jobsDir).sort()) {
      const file = join(o.jobsDir, id, 'job.json');
      if (!existsSync(file)) continue;
      try {
        const job = JSON.parse(readFileSync(file, 'utf8')) as JobRecord;
        // Running when the app stopped: resumable from its checkpoint.
        if (job.state === 'running') {
          job.state = 'cancelled';
          job.error = INTERRUPTED_BY_EXIT;
          this.save(job);
        }
        this.jobs.set(job.id, job);
      } catch {
        // A damaged job.json: ignored (its folder stays for inspection).
      }
    }
  }

  /** Starts jobs that were queued when the app stopped. */
  startQueued(): void {
    this.next();
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(publicJob);
  }

  get(id: string): JobInfo {
    return publicJob(this.job(id));
  }

  private job(id: string): JobRecord {
    const job = this.jobs.get(checkId(id, 'job id'));
    if (!job) throw new Error(`no fine-tuning job with id "${id}"`);
    return job;
  }

  private dir(id: string): string {
    return join(this.o.jobsDir, checkId(id, 'job id'));
  }

  private save(job: JobRecord): void {
    writeFileAtomic(join(this.dir(job.id), 'job.json'), JSON.stringify(job, null, 1));
  }

  private changed(job: JobRecord, progress: { loss: number; etaSeconds: number; learningRate: number } = { loss: Number.NaN, etaSeconds: 0, learningRate: 0 }): void {
    this.o.emit({ type: 'train-progress', job: publicJob(job), ...progress });
  }

  start(request: FineTuneRequest): JobInfo {
    const checked = checkFineTuneRequest(request);
    const base = this.o.models.find(checked.baseModelId);
    if (checked.frozenLayers > base.info.architecture.layers) throw new Error(`cannot freeze ${checked.frozenLayers} layers of a ${base.info.architecture.layers}-layer model`);
    this.o.datasets.prepareForTraining(checked.datasetId); // ≥ 3 items, a held-out part
    const job: JobRecord = { id: newId(), request: checked, state: 'queued', step: 0, totalSteps: 0, error: null, modelId: null, curve: [], createdAt: new Date().toISOString() };
    mkdirSync(this.dir(job.id), { recursive: true });
    this.writeManifests(job);
    this.jobs.set(job.id, job);
    this.save(job);
    this.changed(job);
    this.next();
    return publicJob(job);
  }

  /** The dataset's split as manifests in the job folder (kept as they are for a resume). */
  private writeManifests(job: JobRecord): void {
    const items = this.o.datasets.prepareForTraining(job.request.datasetId);
    const rows = (split: 'train' | 'heldout') =>
      items.filter((i) => i.split === split).map((i) => ({ audio_filepath: this.o.datasets.audioPath(job.request.datasetId, i.id), duration: i.durationSeconds, text: i.text }));
    writeFileAtomic(join(this.dir(job.id), 'train.json'), formatManifest(rows('train')));
    writeFileAtomic(join(this.dir(job.id), 'heldout.json'), formatManifest(rows('heldout')));
  }

  cancel(id: string): JobInfo {
    const job = this.job(id);
    if (job.state === 'queued') {
      job.state = 'cancelled';
      this.save(job);
      this.changed(job);
      this.settle(job.id);
    } else if (job.state === 'running') {
      // The engine checkpoints, then reports 'finished' with stoppedBy 'cancelled'.
      void this.o.call('trainCancel', job.id).catch(() => undefined);
    }
    return publicJob(job);
  }

  resume(id: string): JobInfo {
    const job = this.job(id);
    if (job.state !== 'cancelled' && job.state !== 'failed') throw new Error(`job "${id}" is ${job.state}; only a cancelled or failed job can be resumed`);
    job.state = 'queued';
    job.error = null;
    this.save(job);
    this.changed(job);
    this.next();
    return publicJob(job);
  }

  /** Resolves when the job is no longer queued or running. */
  whenSettled(id: string): Promise<JobInfo> {
    const job = this.job(id);
    if (job.state !== 'queued' && job.state !== 'running') return Promise.resolve(publicJob(job));
    return new Promise((resolve) => {
      this.waiters.set(id, [...(this.waiters.get(id) ?? []), () => resolve(publicJob(this.job(id)))]);
    });
  }

  private settle(id: string): void {
    const waiting = this.waiters.get(id) ?? [];
    this.waiters.delete(id);
    for (const resolve of waiting) resolve();
  }

  private next(): void {
    if (this.running) return;
    const job = [...this.jobs.values()].filter((j) => j.state === 'queued').sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
    if (!job) return;
    this.running = job.id;
    void this.launch(job);
  }

  private async launch(job: JobRecord): Promise<void> {
    try {
      const base = this.o.models.find(job.request.baseModelId);
      const dataset = this.o.datasets.get(job.request.datasetId);
      const digitsOnly = dataset.items.every((i) => /^(zero|one|two|three|four|five|six|seven|eight|nine|oh|[0-9]|\s)+$/i.test(i.text));
      const config: EngineTrainConfig = {
        trainManifest: join(this.dir(job.id), 'train.json'),
        devManifest: join(this.dir(job.id), 'heldout.json'),
        out: join(this.dir(job.id), 'run'),
        from: base.dir,
        frozenLayers: job.request.frozenLayers,
        ...(job.request.head !== 'keep' ? { newHead: job.request.head } : {}),
        epochs: job.request.epochs || APP_FINE_TUNE_DEFAULTS.epochs,
        batchSize: APP_FINE_TUNE_DEFAULTS.batchSize,
        learningRate: job.request.learningRate || APP_FINE_TUNE_DEFAULTS.learningRate,
        warmupSteps: APP_FINE_TUNE_DEFAULTS.warmupSteps,
        patience: APP_FINE_TUNE_DEFAULTS.patience,
        clipNorm: APP_FINE_TUNE_DEFAULTS.clipNorm,
        checkpointEvery: APP_FINE_TUNE_DEFAULTS.checkpointEvery,
        seed: 1,
        gradientEvery: APP_FINE_TUNE_DEFAULTS.gradientEvery,
        devVocabulary: digitsOnly ? 'digits' : null,
        cacheDir: this.o.cacheDir,
      };
      job.state = 'running';
      job.error = null;
      this.save(job);
      this.changed(job);
      await this.o.call('trainStart', job.id, config);
    } catch (error) {
      this.fail(job, (error as Error).message);
    }
  }

  private fail(job: JobRecord, message: string, state: JobInfo['state'] = 'failed'): void {
    job.state = state;
    job.error = message;
    this.save(job);
    this.changed(job);
    if (this.running === job.id) this.running = null;
    this.settle(job.id);
    this.next();
  }

  /** The engine stopped (crash): the running job becomes resumable. */
  engineCrashed(): void {
    const job = this.running ? this.jobs.get(this.running) : undefined;
    if (job && job.state === 'running') this.fail(job, INTERRUPTED_BY_CRASH, 'cancelled');
  }

  /** Every training event from the engine. */
  onEngineEvent(event: EngineTrainEvent): void {
    const job = this.jobs.get(event.jobId);
    if (!job) return;
    switch (event.type) {
      case 'step': {
        job.step = event.step;
        job.totalSteps = event.totalSteps;
        // Progress is pushed every step but saved at most every 2 s (the curve is saved per epoch).
        if (Date.now() - this.lastSaved > 2000) {
          this.lastSaved = Date.now();
          this.save(job);
        }
        this.changed(job, { loss: event.loss, etaSeconds: event.etaSeconds, learningRate: event.learningRate });
        break;
      }
      case 'epoch':
        job.curve.push({ epoch: event.epoch, step: job.step, trainLoss: event.trainLoss, heldOutCer: event.devCer });
        this.save(job);
        this.changed(job);
        break;
      case 'gradients':
        this.o.emit({ type: 'train-gradients', jobId: job.id, snapshot: { step: event.step, layers: event.layers, steps: event.steps, norms: event.norms, globalNorm: event.globalNorm, clipNorm: event.clipNorm } });
        break;
      case 'warning':
        break;
      case 'failed':
        this.fail(job, event.error);
        break;
      case 'finished':
        if (event.stoppedBy === 'cancelled') this.fail(job, null as unknown as string, 'cancelled');
        else this.finish(job, event);
        break;
    }
  }

  private finish(job: JobRecord, event: Extract<EngineTrainEvent, { type: 'finished' }>): void {
    try {
      const dataset = this.o.datasets.get(job.request.datasetId);
      const best = job.curve.reduce<JobRecord['curve'][number] | null>((b, p) => (b === null || p.heldOutCer <= b.heldOutCer ? p : b), null);
      const model = this.o.models.install(event.modelDir, {
        name: job.request.name,
        folderHint: job.request.name,
        parentId: job.request.baseModelId,
        datasetId: job.request.datasetId,
        datasetName: dataset.info.name,
        jobId: job.id,
        metrics: {
          heldOut: { cer: event.bestCer, epoch: event.bestEpoch, utterances: dataset.info.heldOutUtterances },
          trainUtterances: dataset.info.trainUtterances,
          head: job.request.head,
          frozenLayers: job.request.frozenLayers,
          stoppedBy: event.stoppedBy,
          curve: job.curve,
          bestCurvePoint: best,
        },
      });
      job.state = 'done';
      job.modelId = model.id;
      job.error = null;
      this.save(job);
      this.changed(job);
      this.o.emit({ type: 'models-changed' });
      if (this.running === job.id) this.running = null;
      this.settle(job.id);
      this.next();
    } catch (error) {
      this.fail(job, `training finished but the model could not be installed: ${(error as Error).message}`);
    }
  }
}

function publicJob(job: JobRecord): JobInfo {
  const { id, request, state, step, totalSteps, error, modelId, curve } = job;
  return { id, request, state, step, totalSteps, error, modelId, curve: curve.map((p) => ({ ...p })) };
}
