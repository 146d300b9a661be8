import type { EngineStatus } from '../../../contract/contract.ts';

/** The footer: engine state, model and compute backend. */
export function StatusBar({ status }: { status: EngineStatus | null }) {
  return (
    <footer className="status-bar" data-testid="status-bar" data-state={status?.state ?? 'unknown'}>
      <span>Engine: {status?.state ?? '…'}</span>
      <span>Model: {status?.activeModel?.name ?? '—'}</span>
      <span title={status?.backendNotes.join('\n')}>Backend: {status?.backend ?? '—'}</span>
      {status && status.restarts > 0 ? <span>Restarts: {status.restarts}</span> : null}
    </footer>
  );
}
