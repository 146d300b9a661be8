import { useEffect, useRef, useState } from 'react';
import type { ExportFormat, TranscriptDTO } from '../../../contract/contract.ts';
import { errorText, getApi } from '../api.ts';
import { LOW_CONFIDENCE, WordList } from './WordList.tsx';
import { safeFileName, saveBlob } from '../lib/save-file.ts';
import { onShortcut } from '../shortcut-events.ts';

const MIME: Record<ExportFormat, string> = { txt: 'text/plain', srt: 'application/x-subrip', vtt: 'text/vtt', json: 'application/json' };

/** One transcript: rename, words with confidence, export, copy, delete, look inside. */
export function TranscriptDetail({ transcript, onChanged, onDelete, onLookInside }: { transcript: TranscriptDTO; onChanged(): void; onDelete(): void; onLookInside(): void }) {
  const [title, setTitle] = useState(transcript.title);
  const [notice, setNotice] = useState<string | null>(null);

  const rename = async () => {
    const trimmed = title.trim();
    if (!trimmed || trimmed === transcript.title) return;
    try {
      await getApi().renameTranscript(transcript.id, trimmed);
      onChanged();
    } catch (error) {
      setNotice(`Rename failed: ${errorText(error)}`);
    }
  };

  const exportAs = async (format: ExportFormat) => {
    try {
      const text = await getApi().exportTranscript(transcript.id, format);
      saveBlob(new Blob([text], { type: `${MIME[format]};charset=utf-8` }), `${safeFileName(transcript.title, 'transcript')}.${format}`);
      setNotice(`Exported ${format.toUpperCase()}.`);
    } catch (error) {
      setNotice(`Export failed: ${errorText(error)}`);
    }
  };

  // Ctrl/⌘+E exports the transcript shown, as plain text (only while the library shows it).
  const root = useRef<HTMLElement>(null);
  const exportRef = useRef(exportAs);
  exportRef.current = exportAs;
  useEffect(() => onShortcut((action) => {
    if (action.kind === 'export' && root.current && root.current.offsetParent !== null) void exportRef.current('txt');
  }), []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(transcript.text);
      setNotice('Copied to the clipboard.');
    } catch (error) {
      setNotice(`Copy failed: ${errorText(error)}`);
    }
  };

  const unsure = transcript.words.filter((word) => word.confidence < LOW_CONFIDENCE).length;
  return (
    <article className="transcript-detail" data-testid="transcript-detail" ref={root}>
      <input
        className="title-input"
        data-testid="rename-input"
        aria-label="Title"
        value={title}
        maxLength={200}
        onChange={(event) => setTitle(event.target.value)}
        onBlur={() => void rename()}
        onKeyDown={(event) => {
          if (event.key === 'Enter') void rename();
          if (event.key === 'Escape') setTitle(transcript.title);
        }}
      />
      <p className="library-meta">
        {new Date(transcript.createdAt).toLocaleString()} · {transcript.durationSeconds.toFixed(2)} s · {transcript.fileName ?? transcript.source} · model {transcript.modelId}
        {unsure > 0 ? ` · ${unsure} unsure word${unsure === 1 ? '' : 's'} underlined` : ''}
      </p>
      {transcript.error ? <p className="error">{transcript.error}</p> : null}
      {transcript.command ? (
        <p className={transcript.command.accepted ? 'command' : 'command error'} data-testid="command-choice">
          {transcript.command.accepted
            ? `Command: "${transcript.command.phrase}" · confidence ${(transcript.command.confidence * 100).toFixed(0)}%`
            : `No command recognised: the closest, "${transcript.command.phrase}", had confidence ${(transcript.command.confidence * 100).toFixed(0)}%`}
        </p>
      ) : null}
      <div className="transcript-words" data-testid="library-words">
        {transcript.words.length > 0 ? <WordList transcriptId={transcript.id} words={transcript.words} /> : <p>{transcript.text || <span className="muted">(no words)</span>}</p>}
      </div>
      <div className="actions">
        {(['txt', 'srt', 'vtt', 'json'] as const).map((format) => (
          <button type="button" key={format} data-testid={`export-${format}`} onClick={() => void exportAs(format)}>{format.toUpperCase()}</button>
        ))}
        <button type="button" data-testid="copy-text" onClick={() => void copy()}>Copy text</button>
        <button type="button" data-testid="look-inside" onClick={onLookInside}>Look inside</button>
        <button type="button" className="danger" data-testid="delete-transcript" onClick={onDelete}>Delete</button>
      </div>
      {notice ? <p className="notice" role="status">{notice}</p> : null}
    </article>
  );
}
