import { useState } from 'react';
import type { EngineStatus } from '../../../contract/contract.ts';
import { AboutBox } from './AboutBox.tsx';

/** The footer: engine state, model and compute backend, and the About box (versions, logs, shortcuts). */
export function StatusBar({ status }: { status: EngineStatus | null }) {
  const [about, setAbout] = useState(false);
  return (
    <footer className="status-bar" data-testid="status-bar" data-state={status?.state ?? 'unknown'}>
      <span>Engine: {status?.state ?? '…'}</span>
      <span>Model: {status?.activeModel?.name ?? '—'}</span>
      <span title={status?.backendNotes.join('\n')}>Backend: {status?.backend ?? '—'}</span>
      {status && status.restarts > 0 ? <span>Restarts: {status.restarts}</span> : null}
      <button type="button" className="link status-about" data-testid="open-about" onClick={() => setAbout(true)}>About · logs · shortcuts</button>
      {about ? <AboutBox onClose={() => setAbout(false)} /> : null}
    </footer>
  );
}
