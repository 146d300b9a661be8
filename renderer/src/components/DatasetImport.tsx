import { useState } from 'react';
import { LIMITS, type ImportReport } from '../../../contract/contract.ts';
import { errorText, getApi } from '../api.ts';

/** The path a file had inside the chosen folder (webkitdirectory), or its name when picked alone. */
function relativePath(file: File): string {
  return file.webkitRelativePath || file.name;
}

/**
 * Import a folder of labelled audio: a NeMo manifest, WAVs with .txt transcripts beside them, or
 * FSDD-style names. The backend decides what it can use; every file it skipped is listed with why.
 */
export function DatasetImport({ datasetId }: { datasetId: string }) {
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const importFiles = async (list: File[]) => {
    if (list.length === 0) return;
    const bytes = list.reduce((sum, file) => sum + file.size, 0);
    if (list.length > LIMITS.maxImportFiles || bytes > LIMITS.maxImportBytes) {
      setNotice(`That folder has ${list.length} files (${(bytes / 2 ** 20).toFixed(0)} MiB); one import takes at most ${LIMITS.maxImportFiles} files and ${LIMITS.maxImportBytes / 2 ** 30} GiB.`);
      return;
    }
    setBusy(true);
    setReport(null);
    setNotice(`Importing ${list.length} files…`);
    try {
      const files = await Promise.all(list.map(async (file) => ({ path: relativePath(file), bytes: await file.arrayBuffer() })));
      setReport(await getApi().importDatasetFiles(datasetId, files));
      setNotice(null);
    } catch (error) {
      setNotice(`Import failed: ${errorText(error)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="dataset-import">
      <h3>Import labelled audio</h3>
      <p className="muted">A folder with a NeMo manifest, WAV files with a .txt transcript beside each, or FSDD-style names (<code>7_jackson_3.wav</code>).</p>
      <label className="button">
        {busy ? 'Importing…' : 'Choose a folder…'}
        <input
          type="file"
          data-testid="dataset-import-input"
          className="visually-hidden"
          multiple
          disabled={busy}
          {...{ webkitdirectory: '' }}
          onChange={(event) => {
            void importFiles(Array.from(event.target.files ?? []));
            event.target.value = '';
          }}
        />
      </label>
      {notice ? <p className="notice" role="status">{notice}</p> : null}
      {report ? (
        <div className="import-report" data-testid="import-report" data-imported={report.imported} data-skipped={report.skipped.length}>
          <p>Imported {report.imported} recording{report.imported === 1 ? '' : 's'}{report.skipped.length > 0 ? `; skipped ${report.skipped.length}:` : '.'}</p>
          {report.skipped.length > 0 ? (
            <ul className="skipped">
              {report.skipped.map((entry) => <li key={entry.name}><code>{entry.name}</code> — {entry.reason}</li>)}
            </ul>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
