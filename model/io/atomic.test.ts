import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import fs, { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replaceFolderAtomic, writeFileAtomic } from './atomic.ts';

/**
 * Records which paths were fsynced, in order with the renames, by wrapping node:fs's functions
 * (syncBuiltinESMExports makes the named imports in atomic.ts see the wrappers).
 */
function recordSyncs<T>(run: () => T): { result: T; log: string[] } {
  const fdPaths = new Map<number, string>();
  const log: string[] = [];
  const open = fs.openSync;
  const fsync = fs.fsyncSync;
  const rename = fs.renameSync;
  mock.method(fs, 'openSync', (path: fs.PathLike, ...rest: unknown[]) => {
    const fd = (open as (...a: unknown[]) => number)(path, ...rest);
    fdPaths.set(fd, String(path));
    return fd;
  });
  mock.method(fs, 'fsyncSync', (fd: number) => {
    log.push(`fsync ${fdPaths.get(fd)}`);
    fsync(fd);
  });
  mock.method(fs, 'renameSync', (from: fs.PathLike, to: fs.PathLike) => {
    log.push(`rename -> ${String(to)}`);
    rename(from, to);
  });
  syncBuiltinESMExports();
  try {
    return { result: run(), log };
  } finally {
    mock.restoreAll();
    syncBuiltinESMExports();
  }
}

test('writeFileAtomic fsyncs the parent folder after the rename, so the new name survives a power cut', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
  const target = join(dir, 'a.json');
  const { log } = recordSyncs(() => writeFileAtomic(target, '{"x":1}'));
  assert.equal(readFileSync(target, 'utf8'), '{"x":1}');
  const renamed = log.indexOf(`rename -> ${target}`);
  assert.ok(renamed >= 0, log.join('\n'));
  assert.ok(log.slice(renamed + 1).includes(`fsync ${dir}`), `parent folder fsynced after the rename:\n${log.join('\n')}`);
  assert.deepEqual(readdirSync(dir), ['a.json'], 'no temporary left');
});

test('replaceFolderAtomic fsyncs the parent folder after the folder takes its name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
  const target = join(dir, 'model');
  replaceFolderAtomic(target, (temp) => fs.writeFileSync(join(temp, 'v'), '1'));
  const { log } = recordSyncs(() => replaceFolderAtomic(target, (temp) => fs.writeFileSync(join(temp, 'v'), '2')));
  assert.equal(readFileSync(join(target, 'v'), 'utf8'), '2');
  const renamed = log.lastIndexOf(`rename -> ${target}`);
  assert.ok(renamed >= 0 && log.slice(renamed + 1).includes(`fsync ${dir}`), log.join('\n'));
  assert.deepEqual(readdirSync(dir), ['model']);
});
