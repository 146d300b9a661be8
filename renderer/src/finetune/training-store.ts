/**
 * What the Train view shows about each fine-tuning job: the JobInfo the backend last reported,
 * the per-step loss seen live, the ETA, and the latest gradient-through-time snapshot with its
 * (widening) colour range and the history of global norms against the clipping limit. An
 * external store fed by engine events, so it keeps collecting while another tab is open.
 */
import type { AppEvent, GradientSnapshotDTO, JobInfo } from '../../../contract/contract.ts';
import { appendCapped, type CurvePoint } from './curve-data.ts';
import { widenRange, type LogRange } from './gradient-scale.ts';

export interface JobLive {
  job: JobInfo;
  /** Per-step training loss from train-progress events. */
  loss: CurvePoint[];
  etaSeconds: number;
  learningRate: number;
  gradients: GradientSnapshotDTO | null;
  range: LogRange | null;
  /** Global gradient norm (before clipping) per snapshot, with the limit. */
  norms: { step: number; globalNorm: number; clipNorm: number }[];
}

export interface TrainingSnapshot {
  jobs: ReadonlyMap<string, JobLive>;
  version: number;
}

function fresh(job: JobInfo): JobLive {
  return { job, loss: [], etaSeconds: Number.NaN, learningRate: Number.NaN, gradients: null, range: null, norms: [] };
}

export class TrainingStore {
  private snapshot: TrainingSnapshot = { jobs: new Map(), version: 0 };
  private readonly listeners = new Set<() => void>();

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get = (): TrainingSnapshot => this.snapshot;

  private change(jobId: string, update: (live: JobLive) => JobLive, job?: JobInfo): void {
    const jobs = new Map(this.snapshot.jobs);
    const current = jobs.get(jobId) ?? (job ? fresh(job) : null);
    if (!current) return; // gradients for a job we have not heard of yet: its progress comes first
    jobs.set(jobId, update(current));
    this.snapshot = { jobs, version: this.snapshot.version + 1 };
    for (const listener of this.listeners) listener();
  }

  /** Takes the backend's job list (on load and after start/cancel/resume), keeping live data. */
  setJobs(list: readonly JobInfo[]): void {
    const jobs = new Map(this.snapshot.jobs);
    for (const job of list) jobs.set(job.id, { ...(jobs.get(job.id) ?? fresh(job)), job });
    this.snapshot = { jobs, version: this.snapshot.version + 1 };
    for (const listener of this.listeners) listener();
  }

  /** Feeds one engine event (others are ignored). */
  handle(event: AppEvent): void {
    if (event.type === 'train-progress') {
      this.change(event.job.id, (live) => ({
        ...live,
        job: event.job,
        loss: Number.isFinite(event.loss) ? appendCapped(live.loss, { x: event.job.step, y: event.loss }) : live.loss,
        etaSeconds: event.etaSeconds,
        learningRate: event.learningRate,
      }), event.job);
    } else if (event.type === 'train-gradients') {
      const { snapshot } = event;
      this.change(event.jobId, (live) => ({
        ...live,
        gradients: snapshot,
        range: widenRange(live.range, snapshot.norms),
        norms: [...live.norms, { step: snapshot.step, globalNorm: snapshot.globalNorm, clipNorm: snapshot.clipNorm }].slice(-500),
      }));
    }
  }
}

export const trainingStore = new TrainingStore();
