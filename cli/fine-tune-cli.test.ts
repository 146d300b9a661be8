import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fsddAvailable, fsddPath, writeFsddManifest } from '../model/testing/fsdd-fixture.ts';
import { FINE_TUNE_DEFAULTS } from '../model/train/fine-tune-defaults.ts';
import { writeAutomaticSplit } from './train-command.ts';
import { defaultUserDataDir, userDataDir } from '../app/user-data.ts';

const BIN = resolve(fileURLToPath(new URL('../bin/cellscribe.mjs', import.meta.url)));
const DIGITS_MODEL = fileURLToPath(new URL('../e2e/fixtures/digits-model', import.meta.url));
const skip = fsddAvailable() && existsSync(join(DIGITS_MODEL, 'meta.json')) ? false : 'FSDD or the digits model fixture missing';
const env = { ...process.env, CELLSCRIBE_CACHE: mkdtempSync(join(tmpdir(), 'cli-cache-')), CELLSCRIBE_BACKEND: 'wasm' };
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

test('userData: --user-data, then $CELLSCRIBE_USER_DATA, then Electron\'s folder for "CellScribe"', () => {
  assert.equal(userDataDir('/x', { CELLSCRIBE_USER_DATA: '/y' }), '/x');
  assert.equal(userDataDir(undefined, { CELLSCRIBE_USER_DATA: '/y' }), '/y');
  assert.equal(defaultUserDataDir({}, 'linux', '/home/u'), '/home/u/.config/CellScribe');
  assert.equal(defaultUserDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/u'), '/cfg/CellScribe');
  assert.equal(defaultUserDataDir({}, 'darwin', '/Users/u'), '/Users/u/Library/Application Support/CellScribe');
  assert.match(defaultUserDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u'), /Roaming.CellScribe$/);
});

test('cellscribe dataset import: FSDD names and .txt pairs imported, the rest reported with reasons', { skip }, () => {
  const userData = mkdtempSync(join(tmpdir(), 'cli-ud-'));
  const folder = mkdtempSync(join(tmpdir(), 'cli-import-'));
  for (const take of [0, 1, 2]) copyFileSync(fsddPath(3, 'nicolas', take), join(folder, `3_nicolas_${take}.wav`));
  mkdirSync(join(folder, 'pairs'));
  copyFileSync(fsddPath(4, 'nicolas', 0), join(folder, 'pairs', 'take.wav'));
  writeFileSync(join(folder, 'pairs', 'take.txt'), 'four');
  copyFileSync(fsddPath(5, 'nicolas', 0), join(folder, 'unlabelled.wav'));
  const r = cli('dataset', 'import', '--dataset', 'My digits', folder, '--user-data', userData, '--json');
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.imported, 4);
  assert.deepEqual(report.skipped.map((s: { name: string }) => s.name), ['unlabelled.wav']);
  assert.equal(report.dataset.name, 'My digits');
  assert.equal(report.dataset.trainUtterances + report.dataset.heldOutUtterances, 4);
  assert.ok(report.dataset.heldOutUtterances >= 1);
  // Same name again: added to the same dataset (the app's storage, visible to it).
  assert.equal(cli('dataset', 'import', '--dataset', 'My digits', folder, '--user-data', userData).code, 0);
  const list = JSON.parse(cli('dataset', 'list', '--user-data', userData, '--json').stdout);
  assert.equal(list.length, 1);
  assert.equal(list[0].trainUtterances + list[0].heldOutUtterances, 8);
  assert.equal(cli('dataset', 'import', folder, '--user-data', userData).code, 2, '--dataset is required');
});

test('cellscribe models list/export/import on the app storage; a broken zip fails clearly', { skip }, () => {
  const userData = mkdtempSync(join(tmpdir(), 'cli-ud-'));
  cpSync(DIGITS_MODEL, join(userData, 'models', 'digits'), { recursive: true });
  const list = JSON.parse(cli('models', 'list', '--user-data', userData, '--json').stdout);
  assert.ok(list.some((m: { id: string }) => m.id === 'user:digits'));
  const zip = join(mkdtempSync(join(tmpdir(), 'cli-zip-')), 'digits.zip');
  assert.equal(cli('models', 'export', 'user:digits', '--out', zip, '--user-data', userData).code, 0);
  const imported = cli('models', 'import', zip, '--user-data', userData, '--json');
  assert.equal(imported.code, 0, imported.stderr);
  const info = JSON.parse(imported.stdout);
  assert.notEqual(info.id, 'user:digits', 'never overwrites');
  assert.deepEqual(readFileSync(join(userData, 'models', info.id.slice(5), 'weights.bin')), readFileSync(join(DIGITS_MODEL, 'weights.bin')));
  writeFileSync(`${zip}.broken`, readFileSync(zip).subarray(0, 500));
  const broken = cli('models', 'import', `${zip}.broken`, '--user-data', userData);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /not a usable model archive/);
  assert.equal(cli('models', 'export', 'user:none', '--out', zip, '--user-data', userData).code, 1);
});

test('automatic held-out split: deterministic, about 20%, at least one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'split-'));
  const manifest = join(dir, 'm.json');
  writeFileSync(manifest, Array.from({ length: 100 }, (_, i) => JSON.stringify({ audio_filepath: `/data/u${i}.wav`, duration: 1, text: 'x' })).join('\n'));
  const a = writeAutomaticSplit([manifest], join(dir, 'a'));
  const b = writeAutomaticSplit([manifest], join(dir, 'b'));
  assert.equal(readFileSync(a.heldOut, 'utf8'), readFileSync(b.heldOut, 'utf8'));
  assert.equal(a.trainCount + a.heldOutCount, 100);
  assert.ok(a.heldOutCount >= 8 && a.heldOutCount <= 35, `${a.heldOutCount} held out`);
  const small = join(dir, 's.json');
  writeFileSync(small, ['a', 'b', 'c'].map((n) => JSON.stringify({ audio_filepath: `/d/${n}.wav`, text: 'x' })).join('\n'));
  assert.ok(writeAutomaticSplit([small], join(dir, 'c')).heldOutCount >= 1);
  writeFileSync(small, JSON.stringify({ audio_filepath: '/d/a.wav', text: 'x' }));
  assert.throws(() => writeAutomaticSplit([small], join(dir, 'd')), /at least 3/);
});

test('cellscribe train --from M --train F (no --dev): held-out split and the fine-tuning defaults', { skip }, () => {
  const manifest = writeFsddManifest('ft.json', [1, 2], ['nicolas'], [0, 1, 2, 3, 4]);
  const out = join(mkdtempSync(join(tmpdir(), 'cli-ft-')), 'run');
  const r = cli('train', '--from', DIGITS_MODEL, '--train', manifest, '--out', out, '--epochs', '1');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /no --dev: held out \d+ of 10 utterances/);
  assert.ok(existsSync(join(out, 'auto-split', 'heldout.json')));
  const meta = JSON.parse(readFileSync(join(out, 'model', 'meta.json'), 'utf8'));
  assert.equal(meta.provenance.learningRate, FINE_TUNE_DEFAULTS.learningRate);
  assert.equal(meta.provenance.batchSize, FINE_TUNE_DEFAULTS.batchSize);
  assert.equal(meta.provenance.trainUtterances + meta.provenance.devUtterances, 10);
  assert.equal(cli('train', '--train', manifest, '--out', out).code, 2, 'from scratch still needs --dev');
});
