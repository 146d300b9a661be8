import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderLockedError, LOCK_NAME, lockFolder } from './dir-lock.ts';

function fakeLock(folder: string, pid: number, processStart: string | null): void {
  writeFileSync(join(folder, LOCK_NAME), JSON.stringify({ pid, host: hostname(), processStart, since: '2026-01-01T00:00:00.000Z', purpose: 'training run' }));
}

function startOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

test('a second lock on a held folder is refused, naming the holder; release frees it', () => {
  const folder = mkdtempSync(join(tmpdir(), 'lock-'));
  const lock = lockFolder(folder, 'training run');
  assert.throws(() => lockFolder(folder, 'training run'), (error: unknown) =>
    error instanceof FolderLockedError && error.message.includes(`pid ${process.pid}`) && error.message.includes(folder));
  lock.release();
  assert.equal(existsSync(join(folder, LOCK_NAME)), false);
  lockFolder(folder, 'training run').release();
});

test('a lock held by another live process is refused', { skip: process.platform !== 'linux' && 'needs /proc' }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'lock-'));
  const child = spawn('sleep', ['30']);
  try {
    await new Promise((r) => setTimeout(r, 50));
    fakeLock(folder, child.pid!, startOf(child.pid!));
    assert.throws(() => lockFolder(folder, 'training run'), FolderLockedError);
  } finally {
    child.kill('SIGKILL');
  }
});

test('a stale lock (its process is gone, or the pid was reused) is taken over with a message', { skip: process.platform !== 'linux' && 'needs /proc' }, () => {
  const folder = mkdtempSync(join(tmpdir(), 'lock-'));
  const dead = spawnSync('true').pid!; // has exited by now
  fakeLock(folder, dead, '12345');
  const messages: string[] = [];
  const lock = lockFolder(folder, 'training run', (m) => messages.push(m));
  assert.equal(messages.length, 1);
  assert.match(messages[0], new RegExp(`stale lock .* pid ${dead}`));
  assert.equal(JSON.parse(readFileSync(join(folder, LOCK_NAME), 'utf8')).pid, process.pid);
  lock.release();

  // Our own pid, but recorded with another start time: a pid reused after the holder died.
  fakeLock(folder, process.pid, 'not-our-start');
  const again = lockFolder(folder, 'training run', (m) => messages.push(m));
  assert.equal(messages.length, 2);
  again.release();

  // A damaged lock file is stale too.
  writeFileSync(join(folder, LOCK_NAME), '{"pid":');
  lockFolder(folder, 'training run', (m) => messages.push(m)).release();
  assert.match(messages[2], /unreadable lock/);
});

test('release leaves alone a lock that is no longer ours', () => {
  const folder = mkdtempSync(join(tmpdir(), 'lock-'));
  const lock = lockFolder(folder, 'training run');
  fakeLock(folder, 1, null); // taken over (by hand, say)
  lock.release();
  assert.equal(existsSync(join(folder, LOCK_NAME)), true);
});
