import { useEffect, useRef, useState } from 'react';
import type { AboutInfo } from '../../../contract/contract.ts';
import { errorText, getApi } from '../api.ts';
import { SHORTCUT_TABLE } from '../shortcuts.ts';

/**
 * About CellScribe: versions, the compute backend and the model in use, where the data and the
 * log live ("Show logs" opens the log's folder), and the keyboard shortcuts.
 */
export function AboutBox({ onClose }: { onClose(): void }) {
  const [about, setAbout] = useState<AboutInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    dialog.current?.showModal();
    getApi().getAbout().then(setAbout, (error) => setNotice(`Could not read the versions: ${errorText(error)}`));
  }, []);

  const showLogs = async () => {
    try {
      const path = await getApi().showLogs();
      setNotice(`The log is ${path}`);
    } catch (error) {
      setNotice(`Could not show the log: ${errorText(error)}`);
    }
  };

  const model = about?.model;
  return (
    <dialog ref={dialog} className="about-box" data-testid="about-box" onClose={onClose} aria-label="About CellScribe">
      <h2>{about?.appName ?? 'CellScribe'} <span className="subtitle">{about?.appVersion ?? ''}</span></h2>
      <p className="muted">Offline speech recognition with an LSTM you can watch. Nothing you say leaves this computer.</p>
      {about ? (
        <table className="data-table about-table" data-testid="about-table">
          <tbody>
            {Object.entries(about.versions).map(([name, version]) => <tr key={name}><td>{name}</td><td>{version}</td></tr>)}
            <tr><td>compute backend</td><td data-testid="about-backend">{about.backend ?? 'none yet'}{about.backendNotes.length > 0 ? <span className="muted"> ({about.backendNotes.join('; ')})</span> : null}</td></tr>
            <tr><td>model</td><td data-testid="about-model">{model ? `${model.name} · ${model.architecture.arch} ${model.architecture.layers}×${model.architecture.units}` : 'none loaded'}</td></tr>
            <tr><td>data folder</td><td><code>{about.dataFolder}</code></td></tr>
            <tr><td>log file</td><td><code data-testid="about-log">{about.logFile}</code></td></tr>
          </tbody>
        </table>
      ) : null}
      <h3>Keyboard shortcuts</h3>
      <table className="data-table shortcut-table">
        <tbody>{SHORTCUT_TABLE.map((row) => <tr key={row.keys}><td><kbd>{row.keys}</kbd></td><td>{row.does}</td></tr>)}</tbody>
      </table>
      {notice ? <p className="notice" role="status" data-testid="about-notice">{notice}</p> : null}
      <div className="actions">
        <button type="button" data-testid="show-logs" onClick={() => void showLogs()}>Show logs</button>
        <button type="button" data-testid="about-close" onClick={() => dialog.current?.close()}>Close</button>
      </div>
    </dialog>
  );
}
