import { useEffect, useRef, useState, type DragEvent } from 'react';
import { LIMITS } from '../../../contract/contract.ts';
import { errorText, getApi, useAppEvent } from '../api.ts';
import { onShortcut } from '../shortcut-events.ts';
import { FileQueue, type FileJob } from './FileQueue.tsx';

// Every format the engine's decoder reads (it detects the format from the bytes; the extension
// only keeps obviously wrong files out of the queue).
const FORMAT_EXTENSIONS = ['wav', 'flac', 'mp3', 'ogg', 'oga', 'opus', 'm4a', 'mp4', 'aac', 'webm', 'aiff', 'aif', 'aifc', 'caf', 'amr', 'wma'];
const ACCEPT = [...FORMAT_EXTENSIONS.map((ext) => `.${ext}`), 'audio/*'].join(',');
const EXTENSIONS = new RegExp(`\\.(${FORMAT_EXTENSIONS.join('|')})$`, 'i');

let jobCounter = 0;
function newJobId(): string {
  jobCounter += 1;
  return `job-${Date.now().toString(36)}-${jobCounter}`;
}

/** Files: drop or pick audio files; each is transcribed in turn with its own progress bar. */
export function FilesPanel({ onOpenTranscript }: { onOpenTranscript(id: string): void }) {
  const [jobs, setJobs] = useState<FileJob[]>([]);
  const [dragging, setDragging] = useState(false);
  const queue = useRef<{ job: FileJob; file: File }[]>([]);
  const running = useRef(false);
  const fileInput = useRef<HTMLInputElement>(null);
  // Ctrl/⌘+O (App switches to this tab first): open the file picker.
  useEffect(() => onShortcut((action) => {
    if (action.kind === 'open-file') fileInput.current?.click();
  }), []);

  const patch = (jobId: string, change: Partial<FileJob>) => setJobs((list) => list.map((job) => (job.jobId === jobId ? { ...job, ...change } : job)));

  useAppEvent((event) => {
    if (event.type !== 'file-progress') return;
    // Progress only moves forward: a late event must not pull a finished bar back.
    setJobs((list) => list.map((job) => (job.jobId === event.jobId && job.stage !== 'done' && job.stage !== 'failed' && job.stage !== 'cancelled'
      ? {
          ...job,
          fraction: Math.max(job.fraction, event.fraction),
          stage: event.stage,
          error: event.stage === 'cancelled' ? null : event.error ?? job.error,
          ...(event.processedSeconds !== undefined ? { processedSeconds: Math.max(job.processedSeconds ?? 0, event.processedSeconds) } : {}),
          ...(event.totalSeconds !== undefined ? { totalSeconds: event.totalSeconds } : {}),
          ...(event.etaSeconds !== undefined ? { etaSeconds: event.etaSeconds } : {}),
        }
      : job)));
  });

  // Jobs the user cancelled: a queued one leaves the queue, a running one is stopped in the engine.
  const cancelled = useRef(new Set<string>());
  const cancel = (jobId: string) => {
    cancelled.current.add(jobId);
    const queuedAt = queue.current.findIndex((entry) => entry.job.jobId === jobId);
    if (queuedAt >= 0) {
      queue.current.splice(queuedAt, 1);
      patch(jobId, { stage: 'cancelled' });
      return;
    }
    getApi().cancelFileTranscription(jobId).catch(() => undefined);
  };

  const runQueue = async () => {
    if (running.current) return;
    running.current = true;
    while (queue.current.length > 0) {
      const { job, file } = queue.current.shift()!;
      patch(job.jobId, { stage: 'decoding' });
      try {
        const bytes = await file.arrayBuffer();
        const { transcript } = await getApi().transcribeFile(job.jobId, file.name, bytes);
        patch(job.jobId, { stage: 'done', fraction: 1, transcriptId: transcript.id, text: transcript.text });
      } catch (error) {
        if (cancelled.current.has(job.jobId)) patch(job.jobId, { stage: 'cancelled', error: null });
        else patch(job.jobId, { stage: 'failed', error: errorText(error) });
      }
    }
    running.current = false;
  };

  const addFiles = (files: Iterable<File>) => {
    const added: FileJob[] = [];
    for (const file of files) {
      const job: FileJob = { jobId: newJobId(), fileName: file.name, fraction: 0, stage: 'queued', error: null, transcriptId: null, text: null };
      if (!EXTENSIONS.test(file.name)) {
        job.stage = 'failed';
        job.error = 'not an audio file (WAV, FLAC, MP3, Ogg, Opus, M4A/AAC, WebM, AIFF, CAF, AMR or WMA)';
      } else if (file.size > LIMITS.maxFileBytes) {
        job.stage = 'failed';
        job.error = `too large: ${(file.size / 2 ** 20).toFixed(0)} MiB, the limit is ${LIMITS.maxFileBytes / 2 ** 20} MiB`;
      } else {
        queue.current.push({ job, file });
      }
      added.push(job);
    }
    setJobs((list) => [...list, ...added]);
    void runQueue();
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    addFiles(Array.from(event.dataTransfer.files));
  };

  return (
    <section className="panel files-panel" aria-label="Files">
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        data-testid="drop-zone"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>Drop audio files here (WAV, FLAC, MP3, Ogg, M4A, WebM, AIFF, CAF, AMR, WMA)</p>
        <label className="button">
          Choose files…
          <input
            type="file"
            ref={fileInput}
            data-testid="file-input"
            accept={ACCEPT}
            multiple
            className="visually-hidden"
            onChange={(event) => {
              addFiles(Array.from(event.target.files ?? []));
              event.target.value = '';
            }}
          />
        </label>
      </div>
      <FileQueue jobs={jobs} onOpen={onOpenTranscript} onCancel={cancel} />
    </section>
  );
}
