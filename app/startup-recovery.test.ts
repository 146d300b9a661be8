import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, truncateSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppBackend } from './app-backend.ts';
import { appPaths } from './paths.ts';
import { readPartFileInPieces, RECOVERY_PIECE_SAMPLES } from './recordings.ts';

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

test('a .part file over 2 GiB (sparse: no disk used) is read in hour-long pieces; samples past the 2 GiB mark land where they belong', () => {
  // Node cannot read a file of 2 GiB or more whole (readFileSync throws ERR_FS_FILE_TOO_LARGE),
  // which once made every launch fail. A sparse file reads as zeros except for the markers.
  const dir = mkdtempSync(join(tmpdir(), 'pieces-big-'));
  const path = join(dir, 'bigone1.pcm.part');
  const totalSamples = (2 ** 31 + 4 * 2 ** 20) / 4; // just past Node's 2 GiB whole-file limit
  writeFileSync(path, '');
  truncateSync(path, totalSamples * 4 + 2); // + a torn last sample
  const markers = new Map<number, number>([
    [0, 0.25],
    [RECOVERY_PIECE_SAMPLES - 1, 0.5], // last sample of the first piece
    [2 ** 31 / 4, -0.75], // the first sample at byte offset 2 GiB
    [2 ** 31 / 4 + 1, 0.125],
    [totalSamples - 1, 1], // the very last whole sample
  ]);
  const fd = openSync(path, 'r+');
  try {
    for (const [at, value] of markers) writeSync(fd, Buffer.from(Float32Array.of(value).buffer), 0, 4, at * 4);
  } finally {
    closeSync(fd);
  }
  const seen = new Map<number, number>();
  const ZEROS = Buffer.alloc(16 * 2 ** 20);
  const shape: [number, number, number][] = [];
  let start = 0;
  try {
    readPartFileInPieces(path, (piece, index, count) => {
      shape.push([piece.length, index, count]);
      // Markers read, then cleared: the rest of the piece must be zeros (compared natively, 16 MiB at a time).
      for (const at of markers.keys()) {
        if (at < start || at >= start + piece.length) continue;
        seen.set(at, piece[at - start]);
        piece[at - start] = 0;
      }
      const bytes = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      for (let at = 0; at < bytes.length; at += ZEROS.length) {
        const part = bytes.subarray(at, at + ZEROS.length);
        if (!part.equals(ZEROS.subarray(0, part.length))) assert.fail(`piece ${index} has data where the file has none (near sample ${start + at / 4})`);
      }
      start += piece.length;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const count = Math.ceil(totalSamples / RECOVERY_PIECE_SAMPLES);
  assert.equal(count, 10);
  assert.deepEqual(shape, Array.from({ length: count }, (_, i) => [Math.min(RECOVERY_PIECE_SAMPLES, totalSamples - i * RECOVERY_PIECE_SAMPLES), i, count]));
  assert.equal(start, totalSamples, 'every whole sample once, the torn one dropped');
  assert.deepEqual([...seen].sort((a, b) => a[0] - b[0]), [...markers].sort((a, b) => a[0] - b[0]));
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
