import { CommandVerdict } from './CommandVerdict.tsx';
import { useEffect, useRef, useState } from 'react';
import type { ExportFormat, TranscriptDTO } from '../../../contract/contract.ts';
import { errorText, getApi } from '../api.ts';
import { LOW_CONFIDENCE, WordList } from './WordList.tsx';
import { safeFileName, saveBlob } from '../lib/save-file.ts';
import { play, type Playback } from '../audio/playback.ts';
import { PLAYBACK_RATES, wordAt } from '../library/follow-along.ts';
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

  // Editing the words: one field per word, so each keeps its timing.
  const [editing, setEditing] = useState<string[] | null>(null);
  const saveEdits = async () => {
    if (!editing) return;
    try {
      await getApi().editTranscriptWords(transcript.id, editing);
      setEditing(null);
      setNotice('Corrections saved; exports use them.');
      onChanged();
    } catch (error) {
      setNotice(`Saving the corrections failed: ${errorText(error)}`);
    }
  };

  // Playing the whole transcript at a chosen speed, the word being said lit up.
  const [rate, setRate] = useState(1);
  const [current, setCurrent] = useState(-1);
  const playback = useRef<Playback | null>(null);
  const audio = useRef<Float32Array | null>(null);
  const frame = useRef(0);
  const stopFollowing = () => {
    cancelAnimationFrame(frame.current);
    playback.current?.stop();
    playback.current = null;
    setCurrent(-1);
  };
  useEffect(() => stopFollowing, []);
  const playAll = async () => {
    try {
      audio.current ??= await getApi().getAudio(transcript.id);
      stopFollowing();
      const started = play(audio.current, 0, undefined, rate);
      playback.current = started;
      const follow = () => {
        const position = started.position();
        if (position === null) {
          if (playback.current === started) setCurrent(-1);
          return;
        }
        setCurrent(wordAt(transcript.words, position));
        frame.current = requestAnimationFrame(follow);
      };
      frame.current = requestAnimationFrame(follow);
    } catch (error) {
      setNotice(`Playing failed: ${errorText(error)}`);
    }
  };

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
      {transcript.command ? <CommandVerdict command={transcript.command} /> : null}
      <div className="transcript-words" data-testid="library-words">
        {editing ? (
          <p className="words word-editor" data-testid="word-editor">
            {transcript.words.map((word, index) => (
              <input
                key={index}
                className="word-input"
                data-testid="word-input"
                aria-label={`word ${index + 1}, ${word.start.toFixed(2)}–${word.end.toFixed(2)} s`}
                title={`${word.start.toFixed(2)}–${word.end.toFixed(2)} s (kept); leave empty to remove the word`}
                value={editing[index]}
                maxLength={200}
                size={Math.max(2, editing[index].length + 1)}
                onChange={(event) => setEditing((list) => list && list.map((value, i) => (i === index ? event.target.value : value)))}
                onKeyDown={(event) => {
                  if (event.key === 'Enter') void saveEdits();
                  if (event.key === 'Escape') setEditing(null);
                }}
              />
            ))}
          </p>
        ) : transcript.words.length > 0 ? <WordList transcriptId={transcript.id} words={transcript.words} current={current} /> : <p>{transcript.text || <span className="muted">(no words)</span>}</p>}
      </div>
      <div className="actions playback-actions">
        {editing ? (
          <>
            <button type="button" data-testid="save-words" onClick={() => void saveEdits()}>Save corrections</button>
            <button type="button" onClick={() => setEditing(null)}>Cancel</button>
            <span className="muted">Each word keeps its timing; an emptied word is removed.</span>
          </>
        ) : (
          <>
            <button type="button" data-testid="edit-words" disabled={transcript.words.length === 0} onClick={() => setEditing(transcript.words.map((word) => word.word))}>Edit words</button>
            <button type="button" data-testid="play-all" onClick={() => void (playback.current ? stopFollowing() : playAll())}>{current >= 0 || playback.current ? 'Stop' : 'Play and follow'}</button>
            <label className="field">Speed
              <select data-testid="playback-rate" value={rate} onChange={(event) => setRate(Number(event.target.value))}>
                {PLAYBACK_RATES.map((value) => <option key={value} value={value}>{value}×</option>)}
              </select>
            </label>
            {transcript.editedAt ? <span className="muted" data-testid="edited-note">corrected {new Date(transcript.editedAt).toLocaleString()}</span> : null}
          </>
        )}
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
