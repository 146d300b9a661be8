/**
 * What the backend writes to the log file (userData/logs/cellscribe.log, log-file.ts): start-up
 * with versions, start-up recovery's report, each distinct engine state (backend, model, restarts)
 * and fine-tuning jobs that finish or fail. The events are the same AppEvents the window gets, so
 * the log tells the story a user saw, in order.
 */
import type { AppEvent } from '../contract/contract.ts';
import { LogFile, type LogLevel } from './log-file.ts';

export class AppLog {
  private readonly file: LogFile;
  /** The last engine line written: a status event that changes nothing is not logged again. */
  private lastEngineLine = '';

  constructor(path: string) {
    this.file = new LogFile(path);
  }

  get path(): string {
    return this.file.path;
  }

  write(level: LogLevel, message: string): void {
    this.file.write(level, message);
  }

  /** Logs the events worth keeping; others pass by. */
  observe(event: AppEvent): void {
    if (event.type === 'status') {
      const { state, backend, activeModel, modelError, restarts } = event.status;
      const line = `engine ${state}; backend ${backend ?? 'none'}; model ${activeModel?.id ?? 'none'}${modelError ? ` (${modelError})` : ''}; restarts ${restarts}`;
      if (line !== this.lastEngineLine) this.write(state === 'crashed' ? 'error' : 'info', line);
      this.lastEngineLine = line;
    } else if (event.type === 'train-progress' && (event.job.state === 'failed' || event.job.state === 'done')) {
      this.write(event.job.state === 'failed' ? 'error' : 'info', `fine-tuning ${event.job.id} ${event.job.state}${event.job.error ? `: ${event.job.error}` : ''}`);
    }
  }
}
