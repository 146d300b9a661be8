/** One imported file on its way to the library. */
export interface FileJob {
  jobId: string;
  fileName: string;
  fraction: number;
  stage: 'queued' | 'decoding' | 'transcribing' | 'done' | 'failed';
  error: string | null;
  transcriptId: string | null;
  text: string | null;
}

/** The import queue: a progress bar per file, then its text and a link into the library. */
export function FileQueue({ jobs, onOpen }: { jobs: readonly FileJob[]; onOpen(id: string): void }) {
  if (jobs.length === 0) return <p className="muted">No files yet. Transcripts land in the library.</p>;
  return (
    <ul className="file-queue" data-testid="file-queue">
      {jobs.map((job) => (
        <li key={job.jobId} className={`file-job ${job.stage}`} data-testid="file-job" data-stage={job.stage}>
          <div className="file-job-head">
            <span className="file-name">{job.fileName}</span>
            <span className="file-stage">{job.stage === 'failed' ? 'failed' : job.stage === 'done' ? 'done' : `${job.stage} ${(job.fraction * 100).toFixed(0)}%`}</span>
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
