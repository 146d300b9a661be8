/**
 * The renderer's scripted fake API (renderer/src/testing/fake-finetune.ts, which the browser UI
 * tests run against) must not drift from the real backend: the same imports and recordings give
 * the same texts, held-out split and level check in both. The fake cannot import app/ or model/
 * (the renderer sees only contract/), so this test, which may import anything, compares them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatasetItem, ModelInfo } from '../contract/contract.ts';
import { DatasetStore, type AudioDecoder } from '../app/datasets.ts';
import { decodeWavBytes, encodeWav } from '../model/audio/wav.ts';
import { heldOutFlags } from '../model/train/held-out.ts';
import { FakeFineTune } from '../renderer/src/testing/fake-finetune.ts';

const BASE: ModelInfo = { id: 'fake-base', name: 'Fake base model', kind: 'bundled', architecture: { arch: 'lstm', layers: 2, units: 32, stack: 3 }, createdAt: null, parentId: null, metrics: {} };

const decode: AudioDecoder = async (bytes, name) => decodeWavBytes(bytes, name).channels[0];

/** Takes of every kind the level check tells apart: normal, clipped, silent, very quiet, very short. */
function take(i: number): Float32Array {
  const kind = i % 5;
  const seconds = kind === 4 ? 0.2 : 0.5 + (i % 3) * 0.1;
  const amplitude = [0.3, 1.2, 0, 0.04, 0.3][kind];
  // Very quiet: a peak above the silence floor but sparse (one sample in 100), so the RMS is low.
  const keep = (t: number) => kind !== 3 || t % 100 === 0;
  return Float32Array.from({ length: Math.round(seconds * 16000) }, (_, t) => (keep(t) ? Math.max(-1, Math.min(1, amplitude * Math.sin((2 * Math.PI * (200 + 10 * i) * t) / 16000 + 1))) : 0));
}

const comparable = (item: DatasetItem) => ({ text: item.text, split: item.split, source: item.source, durationSeconds: item.durationSeconds, peak: item.peak, rms: item.rms, warnings: item.warnings });

test('imports: the fake gives every item the real store\'s text, held-out split and level check', async () => {
  // 60 files (more than one commit batch of 25): FSDD-style names, and takes with a .txt beside
  // them (untidy whitespace), under folders and a leading './'.
  const files: { path: string; bytes: Uint8Array }[] = [];
  for (let i = 0; i < 60; i++) {
    const wav = encodeWav([take(i)], 16000, 16);
    if (i % 2 === 0) files.push({ path: `fsdd/${i % 10}_speaker_${i}.wav`, bytes: wav });
    else {
      files.push({ path: `./takes/take-${i}.wav`, bytes: wav });
      files.push({ path: `./takes/take-${i}.txt`, bytes: new Uint8Array(Buffer.from(`  hello   world ${i}\n`)) });
    }
  }
  const real = new DatasetStore(mkdtempSync(join(tmpdir(), 'cellscribe-drift-')));
  const realId = real.create('drift').id;
  const realReport = await real.importFiles(realId, files, decode);

  const fake = new FakeFineTune(() => undefined, BASE, 1);
  const fakeId = (await fake.createDataset('drift')).id;
  const fakeReport = await fake.importDatasetFiles(fakeId, files.map((f) => ({ path: f.path, bytes: f.bytes.buffer.slice(f.bytes.byteOffset, f.bytes.byteOffset + f.bytes.byteLength) as ArrayBuffer })));

  assert.equal(fakeReport.imported, realReport.imported);
  assert.equal(realReport.imported, 60);
  const realItems = real.get(realId).items.map(comparable);
  const fakeItems = (await fake.getDataset(fakeId)).items.map(comparable);
  assert.deepEqual(fakeItems, realItems);
  // The comparison covers both sides of the split and every warning.
  assert.ok(realItems.some((i) => i.split === 'heldout') && realItems.some((i) => i.split === 'train'));
  for (const warning of [/clipping/, /silence/, /very quiet/, /very short/]) assert.ok(realItems.some((i) => i.warnings.some((w) => warning.test(w))), String(warning));
});

test('recordings: the fake splits by its item ids exactly as the real rule (held-out.ts) splits those ids, with the real level check', async () => {
  const real = new DatasetStore(mkdtempSync(join(tmpdir(), 'cellscribe-drift-rec-')));
  const realId = real.create('drift').id;
  const fake = new FakeFineTune(() => undefined, BASE, 1);
  const fakeId = (await fake.createDataset('drift')).id;
  for (let i = 0; i < 12; i++) {
    const text = ` one   two ${i} `;
    const fakeItem = await fake.addDatasetRecording(fakeId, text, take(i));
    const realItem = real.addRecording(realId, text, take(i));
    // Ids differ (the real ones are random), so the split is compared through the rule itself.
    assert.deepEqual({ ...comparable(fakeItem), split: '' }, { ...comparable(realItem), split: '' });
  }
  const items = (await fake.getDataset(fakeId)).items;
  // Recording one at a time: each id's own hash, and the third take held out if none is by then.
  const expected = items.map((item) => heldOutFlags([item.id])[0]);
  const firstHeldOut = expected.indexOf(true);
  if (firstHeldOut === -1 || firstHeldOut > 2) expected[2] = true;
  assert.deepEqual(items.map((item) => item.split === 'heldout'), expected);
});
