/**
 * Atomic file and folder writes: write to a temporary name beside the target, flush it to disk,
 * then rename over the target. A crash or a full disk leaves either the old version or the new
 * one, never a half-written file. After each rename the parent folder is fsynced too: the rename
 * is a change to the folder, and without that a power cut can lose it even though the file's
 * data reached the disk.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Flushes a folder's entries (a rename into it) to disk. Platforms that cannot open a folder for
 * fsync (Windows) have no such need and are skipped.
 */
export function fsyncFolder(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EBADF') throw error;
  } finally {
    closeSync(fd);
  }
}

let counter = 0;
function tempName(target: string): string {
  counter += 1;
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${Date.now()}-${counter}`);
}

/** Writes `data` to `path` atomically, creating the parent folder. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempName(path);
  try {
    const fd = openSync(temp, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    fsyncFolder(dirname(path));
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Replaces folder `target` with a folder that `fill(tempDir)` writes. The new folder is complete
 * before it takes the name; the old one is kept as `<target>.old-*` until then, so one of the
 * two is always readable (`findCommittedFolder` recovers it).
 */
export function replaceFolderAtomic(target: string, fill: (tempDir: string) => void): void {
  mkdirSync(dirname(target), { recursive: true });
  const temp = tempName(target);
  mkdirSync(temp);
  try {
    fill(temp);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  let old: string | undefined;
  if (existsSync(target)) {
    old = `${target}.old-${process.pid}-${Date.now()}`;
    renameSync(target, old);
  }
  renameSync(temp, target);
  fsyncFolder(dirname(target));
  if (old) rmSync(old, { recursive: true, force: true });
}

/**
 * The folder to read for `target`: itself, or, when a replacement was interrupted between its
 * two renames, the newest `<target>.old-*` left beside it.
 */
export function findCommittedFolder(target: string): string | undefined {
  if (existsSync(target)) return target;
  const parent = dirname(target);
  if (!existsSync(parent)) return undefined;
  const prefix = `${basename(target)}.old-`;
  const olds = readdirSync(parent).filter((n) => n.startsWith(prefix)).sort();
  return olds.length > 0 ? join(parent, olds[olds.length - 1]) : undefined;
}

/** Removes temporary folders and files left by interrupted atomic writes in `dir`. */
export function removeStaleTemporaries(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.') && name.includes('.tmp-')) rmSync(join(dir, name), { recursive: true, force: true });
  }
}
