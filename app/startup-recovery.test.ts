import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppBackend } from './app-backend.ts';
import { appPaths } from './paths.ts';
import { readPartFileInPieces } from './recordings.ts';

test('a .part file is read a piece at a time: every sample once, in order, a torn last sample dropped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pieces-'));
  const samples = Float32Array.from({ length: 2500 }, (_, i) => i / 2500);
  const path = join(dir, 'a.pcm.part');
  writeFileSync(path, Buffer.concat([Buffer.from(samples.buffer), Buffer.from([1, 2])])); // + a torn sample
  const pieces: { first: number; length: number; index: number; count: number }[] = [];
  const joined: number[] = [];
  readPartFileInPieces(path, (piece, index, count) => {
    pieces.push({ first: piece[0], length: piece.length, index, count });
    joined.push(...piece);
  }, 1000);
  assert.deepEqual(pieces.map((p) => [p.length, p.index, p.count]), [[1000, 0, 3], [1000, 1, 3], [500, 2, 3]]);
  assert.deepEqual(Float32Array.from(joined), samples);
});

test('start-up skips and reports what it cannot recover, and recovers the rest; leftovers of interrupted operations are cleaned', async () => {
  const userData = mkdtempSync(join(tmpdir(), 'cellscribe-startup-'));
  const paths = appPaths(userData, join(userData, 'no-model'));
  mkdirSync(paths.recordingDir, { recursive: true });
  const good = Float32Array.from({ length: 16000 }, (_, i) => 0.1 * Math.sin(i / 7));
  writeFileSync(join(paths.recordingDir, 'goodid1.pcm.part'), Buffer.from(good.buffer));
  writeFileSync(join(paths.recordingDir, 'Not An Id!.pcm.part'), Buffer.from(good.buffer)); // a name the app never writes
  mkdirSync(join(paths.recordingDir, 'folderid.pcm.part')); // unreadable as a file
  // Leftovers of interrupted operations: a model import of a dead process, a model deletion,
  // a month-old trash entry.
  mkdirSync(join(paths.modelsDir, '.import-999999-1'), { recursive: true });
  mkdirSync(join(paths.modelsDir, '.deleted-1-x'), { recursive: true });
  mkdirSync(join(paths.trashDir, 'oldone'), { recursive: true });
  const monthAgo = (Date.now() - 40 * 86400000) / 1000;
  utimesSync(join(paths.trashDir, 'oldone'), monthAgo, monthAgo);

  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (line: string) => { warnings.push(line); };
  let backend;
  try {
    backend = await createAppBackend({ userDataDir: userData, bundledModelDir: join(userData, 'no-model'), engine: 'in-process' });
  } finally {
    console.warn = warn;
  }
  try {
    const list = await backend.listTranscripts('');
    assert.deepEqual(list.map((t) => t.id), ['goodid1'], 'the good recording is recovered');
    assert.equal((await backend.getAudio('goodid1')).length, 16000);
    assert.ok(existsSync(join(paths.recordingDir, 'Not An Id!.pcm.part')), 'what cannot be recovered is left in place');
    const report = warnings.join('\n');
    assert.match(report, /left .*Not An Id!\.pcm\.part alone: not a recording name this app writes/);
    assert.match(report, /could not recover .*folderid\.pcm\.part/);
    assert.match(report, /removed .*\.import-999999-1, left by an interrupted model import/);
    assert.match(report, /removed .*\.deleted-1-x/);
    assert.match(report, /deleted .*oldone: in the trash for more than 30 days/);
    assert.deepEqual(readdirSync(paths.modelsDir).filter((n) => n.startsWith('.')), []);
  } finally {
    await backend.dispose();
  }
});
