import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeZip } from '../model/io/zip.ts';
import { fsddAvailable, fsddPath } from '../model/testing/fsdd-fixture.ts';
import { createAppBackend } from './app-backend.ts';
import { BUNDLED_MODEL_ID } from './models-registry.ts';

const DIGITS_MODEL = fileURLToPath(new URL('../e2e/fixtures/digits-model', import.meta.url));
const skip = fsddAvailable() && existsSync(join(DIGITS_MODEL, 'meta.json')) ? false : 'FSDD recordings or the digits model fixture are missing';

const arrayBuffer = (bytes: Uint8Array) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

/**
 * A child of the bundled digits model whose weights differ in a way with a known effect: the
 * output bias of the CTC blank (class 0) raised by 100, so every frame is blank and every
 * hypothesis is "". Scoring the parent in its place would give the parent's (good) text.
 */
async function alwaysBlankChild(): Promise<ArrayBuffer> {
  const manifest = JSON.parse(readFileSync(join(DIGITS_MODEL, 'model.json'), 'utf8'));
  const specs: { name: string; shape: number[] }[] = manifest.weightsManifest[0].weights;
  const weights = new Uint8Array(readFileSync(join(DIGITS_MODEL, 'weights.bin')));
  const values = new Float32Array(weights.buffer, weights.byteOffset, weights.byteLength / 4);
  let offset = 0;
  for (const spec of specs) {
    if (spec.name === 'output/bias') values[offset] += 100; // class 0: the blank
    offset += spec.shape.reduce((a, b) => a * b, 1);
  }
  assert.equal(offset, values.length);
  const meta = JSON.parse(readFileSync(join(DIGITS_MODEL, 'meta.json'), 'utf8'));
  meta.name = 'Always blank';
  meta.provenance = { ...(meta.provenance ?? {}), parentId: BUNDLED_MODEL_ID };
  const zip = await writeZip([
    { name: 'meta.json', data: new Uint8Array(Buffer.from(JSON.stringify(meta))) },
    { name: 'model.json', data: new Uint8Array(readFileSync(join(DIGITS_MODEL, 'model.json'))) },
    { name: 'weights.bin', data: weights },
  ]);
  return arrayBuffer(zip);
}

test('compareWithParent scores "before" with the parent\'s weights and "after" with the version\'s own', { skip }, async () => {
  const userData = mkdtempSync(join(tmpdir(), 'cellscribe-compare-'));
  const backend = await createAppBackend({ userDataDir: userData, bundledModelDir: DIGITS_MODEL, engine: 'in-process', engineOptions: { backend: 'wasm' } });
  try {
    await backend.setSettings({ ...(await backend.getSettings()), decoding: { mode: 'digits', customVocabulary: '', beam: 8 } });
    const dataset = await backend.createDataset('george digits');
    const files = [1, 2, 3].flatMap((d) => [0, 1, 2, 3].map((t) => ({ path: `fsdd/${d}_george_${t}.wav`, bytes: arrayBuffer(readFileSync(fsddPath(d, 'george', t))) })));
    assert.equal((await backend.importDatasetFiles(dataset.id, files)).imported, files.length);
    const heldOut = (await backend.getDataset(dataset.id)).items.filter((i) => i.split === 'heldout');
    assert.ok(heldOut.length >= 1);

    const child = await backend.importModel('always-blank.zip', await alwaysBlankChild());
    assert.equal(child.parentId, BUNDLED_MODEL_ID);
    const comparison = await backend.compareWithParent(child.id, dataset.id);
    assert.equal(comparison.parentId, BUNDLED_MODEL_ID);
    assert.deepEqual(comparison.utterances.map((u) => u.reference).sort(), heldOut.map((i) => i.text).sort());
    // After: the child's weights, which can say nothing.
    assert.deepEqual(comparison.utterances.map((u) => u.after), heldOut.map(() => ''));
    assert.equal(comparison.after.wer, 1);
    assert.equal(comparison.after.cer, 1);
    // Before: the parent's weights, which recognise george's digits.
    assert.ok(comparison.utterances.every((u) => u.before === u.reference), JSON.stringify(comparison.utterances));
    assert.equal(comparison.before.wer, 0);
  } finally {
    await backend.dispose();
  }
});
