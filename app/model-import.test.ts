import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeZip } from '../model/io/zip.ts';
import { ModelVersions } from './model-versions.ts';

const DIGITS_MODEL = fileURLToPath(new URL('../e2e/fixtures/digits-model', import.meta.url));

/** Floats of the padding weight: finite, varied (deflate cannot shrink them much). */
const PADDING_VALUES = 8 * 1024 * 1024; // 32 MiB of weights

/** The digits model with an extra 32 MiB weight: a large archive of a valid model folder. */
async function bigModelZip(): Promise<{ zip: Uint8Array; unpacked: number; weightBytes: number }> {
  const model = JSON.parse(readFileSync(join(DIGITS_MODEL, 'model.json'), 'utf8'));
  model.weightsManifest[0].weights.push({ name: 'padding', shape: [PADDING_VALUES], dtype: 'float32' });
  const padding = new Float32Array(PADDING_VALUES);
  for (let i = 0; i < padding.length; i++) padding[i] = ((Math.imul(i, 2654435761) >>> 0) / 2 ** 32 - 0.5) * 0.1;
  const weights = Buffer.concat([readFileSync(join(DIGITS_MODEL, 'weights.bin')), Buffer.from(padding.buffer)]);
  const meta = JSON.parse(readFileSync(join(DIGITS_MODEL, 'meta.json'), 'utf8'));
  meta.name = 'Big import';
  const files = [
    { name: 'big/meta.json', data: new Uint8Array(Buffer.from(JSON.stringify(meta))) },
    { name: 'big/model.json', data: new Uint8Array(Buffer.from(JSON.stringify(model))) },
    { name: 'big/weights.bin', data: new Uint8Array(weights) },
  ];
  return { zip: await writeZip(files), unpacked: files.reduce((n, f) => n + f.data.length, 0), weightBytes: weights.length };
}

/**
 * Runs `work` while a setImmediate loop ticks on the same thread, and returns what each tick saw:
 * the import's progress report and the size of the weights file being written.
 */
async function tickWhile(modelsDir: string, work: (onProgress: (bytes: number) => void) => Promise<unknown>) {
  let progress = 0;
  let running = true;
  const ticks: { progress: number; written: number }[] = [];
  const weightsBeingWritten = () => {
    for (const name of readdirSync(modelsDir)) {
      const path = join(modelsDir, name, 'weights.bin');
      if (name.startsWith('.import-') && existsSync(path)) return statSync(path).size;
    }
    return -1;
  };
  const tick = () => {
    if (!running) return;
    ticks.push({ progress, written: weightsBeingWritten() });
    setImmediate(tick);
  };
  setImmediate(tick);
  try {
    await work((bytes) => {
      assert.ok(bytes >= progress, 'progress only grows');
      progress = bytes;
    });
  } finally {
    running = false;
  }
  return { ticks, progress };
}

test('a large model import never holds the event loop: it ticks between every few chunks while the archive unpacks and the weights are scanned', async () => {
  const { zip, unpacked, weightBytes } = await bigModelZip();
  const userData = mkdtempSync(join(tmpdir(), 'cellscribe-import-'));
  const modelsDir = join(userData, 'models');
  const versions = new ModelVersions(DIGITS_MODEL, modelsDir);
  let info: Awaited<ReturnType<ModelVersions['import']>> | undefined;
  const { ticks, progress } = await tickWhile(modelsDir, async (onProgress) => {
    info = await versions.import('big.zip', zip, onProgress);
  });
  assert.equal(info!.name, 'Big import');
  assert.equal(statSync(join(modelsDir, info!.id.slice('user:'.length), 'weights.bin')).size, weightBytes);
  // All the work was reported: every byte unpacked, then every weight scanned for NaN.
  assert.equal(progress, unpacked + weightBytes);
  // The structure of the ticks, not their timing: between two consecutive turns of the event loop
  // the import advanced by at most 4 MiB (unpacked or scanned). The old import held it for the
  // whole CRC, the whole write of weights.bin and the whole NaN scan, each 32 MiB at once.
  const MAX_STEP = 4 * 1024 * 1024;
  let longest = 0;
  for (let i = 1; i < ticks.length; i++) longest = Math.max(longest, ticks[i].progress - ticks[i - 1].progress);
  longest = Math.max(longest, progress - ticks[ticks.length - 1].progress);
  assert.ok(longest <= MAX_STEP, `the import ran ${longest} bytes without letting the event loop turn`);
  assert.ok(ticks.length >= (unpacked + weightBytes) / MAX_STEP, `only ${ticks.length} ticks during the import`);
  // Seen from outside, independent of the progress reports: weights.bin grew on disk while the
  // loop kept turning (not written in one synchronous call).
  const sizes = new Set(ticks.map((t) => t.written).filter((size) => size > 0));
  assert.ok(sizes.size >= 8, `weights.bin was seen at only ${sizes.size} sizes while it was written`);
  assert.deepEqual(readdirSync(modelsDir).filter((n) => n.startsWith('.')), [], 'no temporary folder left');
});

test('a broken large archive fails with the file named and the problem said, and leaves nothing behind', async () => {
  const { zip } = await bigModelZip();
  const userData = mkdtempSync(join(tmpdir(), 'cellscribe-import-bad-'));
  const modelsDir = join(userData, 'models');
  const versions = new ModelVersions(DIGITS_MODEL, modelsDir);
  // Cut short: the directory at the end is gone.
  await assert.rejects(versions.import('cut.zip', zip.subarray(0, zip.length >> 1)), /^Error: cut\.zip: not a usable model archive: not a zip archive/);
  // Damaged in the middle of weights.bin's deflated data: found while streaming, named by entry.
  const damaged = zip.slice();
  for (let i = 0; i < 64; i++) damaged[(zip.length >> 1) + i] ^= 0x5a;
  await assert.rejects(versions.import('damaged.zip', damaged), /^Error: damaged\.zip: not a usable model archive: zip entry big\/weights\.bin (cannot be read|fails its CRC-32 check)/);
  assert.deepEqual(readdirSync(modelsDir), [], 'no model and no temporary folder left');
  assert.equal(versions.list().length, 1, 'only the bundled model');
});
