import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fsddAvailable, fsddPath } from '../model/testing/fsdd-fixture.ts';

const BIN = resolve(fileURLToPath(new URL('../bin/cellscribe.mjs', import.meta.url)));
const MODEL = resolve(fileURLToPath(new URL('../e2e/fixtures/digits-model', import.meta.url)));
const skip = fsddAvailable() ? false : 'FSDD recordings not found in ../shared/data/fsdd';
const env = { ...process.env, CELLSCRIBE_BACKEND: 'wasm' };

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('eval exits 1 and says so when files fail, instead of a flattering WER over the rest; --allow-failures exits 0', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'eval-failures-'));
  writeFileSync(join(dir, 'broken.wav'), 'RIFF not really');
  writeFileSync(join(dir, 'empty.wav'), '');
  const rows = [
    { audio_filepath: fsddPath(3, 'jackson', 0), duration: 0, text: 'three' },
    { audio_filepath: join(dir, 'broken.wav'), duration: 0, text: 'one' },
    { audio_filepath: join(dir, 'empty.wav'), duration: 0, text: 'two' },
  ];
  const manifest = join(dir, 'm.json');
  writeFileSync(manifest, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

  const strict = cli('eval', '--manifest', manifest, '--model', MODEL, '--vocabulary', 'digits', '--json');
  assert.equal(strict.code, 1, strict.stderr);
  assert.match(strict.stderr, /2 of 3 files failed; the rates cover the other 1 \(pass --allow-failures/);
  assert.match(strict.stderr, /broken\.wav/);
  const report = JSON.parse(strict.stdout);
  assert.equal(report.failed, 2);
  assert.equal(report.files, 3);
  assert.deepEqual(report.failedFiles.map((f: { file: string }) => f.file).sort(), [join(dir, 'broken.wav'), join(dir, 'empty.wav')].sort());

  const allowed = cli('eval', '--manifest', manifest, '--model', MODEL, '--vocabulary', 'digits', '--allow-failures');
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.match(allowed.stdout, /2 of 3 files could not be transcribed and are not in these rates/);

  // All failing: exit 1 even with --allow-failures.
  const none = join(dir, 'none.json');
  writeFileSync(none, rows.slice(1).map((r) => JSON.stringify(r)).join('\n') + '\n');
  const all = cli('eval', '--manifest', none, '--model', MODEL, '--allow-failures');
  assert.equal(all.code, 1);
  assert.match(all.stderr, /nothing was evaluated/);
});
