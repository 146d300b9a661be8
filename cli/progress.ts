/**
 * A progress bar on stderr: redrawn in place on a terminal, one line every few seconds when
 * stderr is a file or pipe (so logs stay readable).
 */
export class ProgressBar {
  private lastLine = 0;
  private drawn = false;
  /** ttyOnly: draw nothing at all unless the stream is a terminal (for commands whose stderr is read by scripts). */
  constructor(private readonly stream: NodeJS.WriteStream = process.stderr, private readonly opts: { ttyOnly?: boolean } = {}) {}

  update(fraction: number, label: string): void {
    if (this.opts.ttyOnly && !this.stream.isTTY) return;
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

/**
 * "ETA 1m05s" from the time a job started and the fraction done (by audio processed, so a
 * long file counts for more than a short one); '' until there is enough to extrapolate from.
 */
export function etaLabel(startedMs: number, fraction: number, nowMs = Date.now()): string {
  if (!(fraction > 0.005) || fraction >= 1) return '';
  const elapsed = (nowMs - startedMs) / 1000;
  return `ETA ${formatDuration((elapsed * (1 - fraction)) / fraction)}`;
}
