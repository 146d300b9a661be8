/**
 * A progress bar on stderr: redrawn in place on a terminal, one line every few seconds when
 * stderr is a file or pipe (so logs stay readable).
 */
export class ProgressBar {
  private lastLine = 0;
  private drawn = false;
  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(fraction: number, label: string): void {
    const width = 28;
    const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}% ${label}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${bar}`);
      this.drawn = true;
    } else if (Date.now() - this.lastLine > 5000) {
      this.stream.write(`${bar}\n`);
      this.lastLine = Date.now();
    }
  }

  /** Prints a whole line above the bar. */
  log(line: string): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.stream.write(`${line}\n`);
    this.drawn = false;
  }

  done(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}
