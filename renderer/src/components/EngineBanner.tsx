import type { EngineStatus } from '../../../contract/contract.ts';

/** A banner whenever the engine is not ready: crashed, restarting, or without a model. */
export function EngineBanner({ status }: { status: EngineStatus | null }) {
  if (!status) return null;
  if (status.state === 'crashed' || status.state === 'restarting') {
    return (
      <div className="banner danger" role="alert" data-testid="engine-banner" data-state={status.state}>
        {status.state === 'crashed' ? 'The engine crashed. ' : 'The engine crashed and is restarting… '}
        Recordings already sent are saved. Restarts so far: {status.restarts}.
      </div>
    );
  }
  if (status.state === 'starting') return <div className="banner" data-testid="engine-banner" data-state="starting">Starting the engine…</div>;
  if (status.modelError) return <div className="banner warning" role="alert" data-testid="engine-banner" data-state="model-error">No model loaded: {status.modelError}</div>;
  return null;
}
