/** One imported file on its way to the library. */
export interface FileJob {
  jobId: string;
  fileName: string;
  fraction: number;
  stage: 'queued' | 'decoding' | 'transcribing' | 'done' | 'failed' | 'cancelled';
  /** While transcribing: audio processed, of the total, and the estimated time left (seconds). */
  processedSeconds?: number;
  totalSeconds?: number;
  etaSeconds?: number;
  error: string | null;
  transcriptId: string | null;
  text: string | null;
}

/** 75 → "1:15", 3725 → "1:02:05". */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** "transcribing 1:30 of 10:00, about 0:42 left", or the stage and percentage before that is known. */
export function stageText(job: FileJob): string {
  if (job.stage === 'failed' || job.stage === 'done' || job.stage === 'cancelled') return job.stage;
  if (job.stage === 'transcribing' && job.totalSeconds !== undefined && job.processedSeconds !== undefined) {
    const left = job.etaSeconds !== undefined ? `, about ${clock(job.etaSeconds)} left` : '';
    return `transcribing ${clock(job.processedSeconds)} of ${clock(job.totalSeconds)}${left}`;
  }
  return `${job.stage} ${(job.fraction * 100).toFixed(0)}%`;
}

/** The import queue: a progress bar per file, then its text and a link into the library. */
export function FileQueue({ jobs, onOpen, onCancel }: { jobs: readonly FileJob[]; onOpen(id: string): void; onCancel?(jobId: string): void }) {
  if (jobs.length === 0) return <p className="muted">No files yet. Transcripts land in the library.</p>;
  return (
    <ul className="file-queue" data-testid="file-queue">
      {jobs.map((job) => (
        <li key={job.jobId} className={`file-job ${job.stage}`} data-testid="file-job" data-stage={job.stage}>
          <div className="file-job-head">
            <span className="file-name">{job.fileName}</span>
            <span className="file-stage" data-testid="file-stage">{stageText(job)}</span>
            {onCancel && (job.stage === 'queued' || job.stage === 'decoding' || job.stage === 'transcribing') ? (
              <button type="button" className="link" data-testid="file-cancel" onClick={() => onCancel(job.jobId)}>Cancel</button>
            ) : null}
          </div>
          <progress data-testid="file-progress" max={1} value={job.fraction} />
          {job.error ? <p className="error">{job.error}</p> : null}
          {job.stage === 'done' && job.transcriptId ? (
            <p className="file-result">
              <span>{job.text || <span className="muted">(no speech recognised)</span>}</span>{' '}
              <button type="button" className="link" onClick={() => onOpen(job.transcriptId!)}>Open in library →</button>
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
