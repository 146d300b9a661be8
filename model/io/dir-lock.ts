/**
 * An exclusive lock on a folder (a training output folder, a dataset): a `.lock` file created
 * with O_EXCL that names its holder (pid, host, the process's start time, what it is doing).
 *
 * Why not proper-lockfile: its staleness test is an mtime that a timer refreshes every few
 * seconds, and a training step or a dev evaluation holds the event loop for longer than that,
 * so a live run would look stale; and after a kill -9 a rerun would have to wait out the stale
 * period before it could resume. Here a lock is stale exactly when its holder is gone: same host
 * and no such process, or a process with that pid that started at another time (pid reuse).
 */
import { hostname } from 'node:os';
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface LockHolder {
  pid: number;
  host: string;
  /** Process start time from /proc (Linux), to tell a reused pid from the holder; null elsewhere. */
  processStart: string | null;
  since: string;
  purpose: string;
}

export class FolderLockedError extends Error {
  constructor(readonly folder: string, readonly holder: LockHolder) {
    super(
      `${folder} is in use by another ${holder.purpose} (pid ${holder.pid} on ${holder.host}, since ${holder.since}); ` +
        `wait for it to finish or use another folder. If no such process is running, delete ${join(folder, LOCK_NAME)}`,
    );
    this.name = 'FolderLockedError';
  }
}

export const LOCK_NAME = '.lock';

/** The start time of process `pid` (field 22 of /proc/PID/stat), or null when unknown. */
function processStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // field 22 overall = index 19 after "pid (comm)"
  } catch {
    return null;
  }
}

/** Whether the recorded holder is still running. Other hosts' holders are assumed alive. */
export function holderAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (holder.processStart === null) return true;
  const start = processStartOf(holder.pid);
  return start === null || start === holder.processStart;
}

function readHolder(path: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return Number.isInteger(parsed.pid) && typeof parsed.host === 'string' ? parsed : null;
  } catch {
    return null; // unreadable or half-written: treated below
  }
}

export interface FolderLock {
  readonly path: string;
  /** Removes the lock if it is still ours. Safe to call twice. */
  release(): void;
}

/**
 * Takes the lock on `folder` (created if missing) or throws FolderLockedError naming the holder.
 * A stale lock (holder gone) is removed, with `onStale` told about it. Locks are linked into
 * place whole, so one that cannot be parsed is damaged, and is treated as stale too.
 */
export function lockFolder(folder: string, purpose: string, onStale?: (message: string) => void): FolderLock {
  mkdirSync(folder, { recursive: true });
  const path = join(folder, LOCK_NAME);
  const me: LockHolder = { pid: process.pid, host: hostname(), processStart: processStartOf(process.pid), since: new Date().toISOString(), purpose };
  const text = JSON.stringify(me);
  for (let attempt = 0; attempt < 5; attempt++) {
    // Written whole beside it, then linked into place: link fails if the name exists, and a
    // reader never sees a half-written lock of ours.
    const temp = `${path}.${process.pid}-${attempt}.tmp`;
    writeFileSync(temp, text);
    try {
      linkSync(temp, path);
      rmSync(temp, { force: true });
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          const holder = readHolder(path);
          if (holder && holder.pid === me.pid && holder.since === me.since && holder.host === me.host) rmSync(path, { force: true });
        },
      };
    } catch (error) {
      rmSync(temp, { force: true });
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(path);
    if (holder && holderAlive(holder)) throw new FolderLockedError(folder, holder);
    // Stale: move it aside under a name of our own, then check it is the one we judged (another
    // process may have replaced it in between); if not, put it back and look again.
    const aside = `${path}.stale-${process.pid}-${attempt}`;
    try {
      renameSync(path, aside);
    } catch {
      continue; // someone else moved it first
    }
    const moved = readHolder(aside);
    const same = holder === null ? moved === null : moved !== null && moved.pid === holder.pid && moved.since === holder.since;
    if (!same) {
      try { linkSync(aside, path); } catch { /* a newer lock took the name: it wins */ }
      rmSync(aside, { force: true });
      continue;
    }
    rmSync(aside, { force: true });
    onStale?.(holder
      ? `removed a stale lock on ${folder} left by pid ${holder.pid} (${holder.purpose}, since ${holder.since}), which is no longer running`
      : `removed an unreadable lock file on ${folder}`);
  }
  throw new Error(`${folder}: could not take the lock ${path} (it keeps changing hands)`);
}

/**
 * Runs `fn` holding the lock on `folder`, waiting (up to `timeoutMs`) while another process holds
 * it. For short read-merge-write sections: `fn` is synchronous, so within one process no two
 * sections interleave, and the lock orders them across processes (the app and the CLI).
 */
export function withFolderLockSync<T>(folder: string, purpose: string, fn: () => T, timeoutMs = 10000): T {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    let lock: FolderLock;
    try {
      lock = lockFolder(folder, purpose);
    } catch (error) {
      if (!(error instanceof FolderLockedError) || Date.now() > deadline) throw error;
      Atomics.wait(pause, 0, 0, 20); // a synchronous 20 ms sleep
      continue;
    }
    try {
      return fn();
    } finally {
      lock.release();
    }
  }
}
