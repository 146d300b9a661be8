/**
 * The app's log file in the data folder (userData/logs/cellscribe.log), which "Show logs" opens:
 * one line per event, ISO time and level first. It is rotated at 1 MiB (one old copy kept, .1),
 * so it never grows without bound. Writing a log line must never break the app: errors are
 * swallowed after the first is reported on stderr.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export type LogLevel = 'info' | 'warn' | 'error';

export class LogFile {
  private size: number;
  private failed = false;

  constructor(readonly path: string, private readonly maxBytes = 1024 * 1024) {
    mkdirSync(dirname(path), { recursive: true });
    this.size = existsSync(path) ? statSync(path).size : 0;
  }

  write(level: LogLevel, message: string): void {
    // One event, one line: newlines inside a message (stack traces) are kept readable but indented.
    const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message.replace(/\r?\n/g, '\n    ')}\n`;
    try {
      if (this.size + Buffer.byteLength(line) > this.maxBytes && this.size > 0) {
        renameSync(this.path, `${this.path}.1`);
        this.size = 0;
      }
      appendFileSync(this.path, line);
      this.size += Buffer.byteLength(line);
    } catch (error) {
      if (!this.failed) console.error(`cannot write the log file ${this.path}: ${(error as Error).message}`);
      this.failed = true;
    }
  }
}
