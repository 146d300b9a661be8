import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav } from '../model/audio/wav.ts';
import { fsddAvailable, fsddPath } from '../model/testing/fsdd-fixture.ts';

const BIN = resolve(fileURLToPath(new URL('../bin/cellscribe.mjs', import.meta.url)));
const skip = fsddAvailable() ? false : 'FSDD recordings not found in ../shared/data/fsdd';

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

test('dataset import skips a FIFO and a symbolic link with a message, and imports 384 kHz audio', { skip: (process.platform === 'win32' && 'no FIFOs') || skip }, () => {
  const folder = mkdtempSync(join(tmpdir(), 'import-odd-'));
  copyFileSync(fsddPath(4, 'george', 0), join(folder, '4_george_0.wav'));
  spawnSync('mkfifo', [join(folder, '5_george_0.wav')]);
  symlinkSync('/etc/passwd', join(folder, '6_george_0.wav'));
  writeFileSync(join(folder, '7_george_0.wav'), encodeWav([new Float32Array(38400).fill(0.05)], 384000));
  const userData = mkdtempSync(join(tmpdir(), 'import-odd-user-'));
  const r = cli('dataset', 'import', '--dataset', 'odd', folder, '--user-data', userData, '--json');
  assert.equal(r.signal, null, 'finished (a FIFO once made it hang forever)');
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.imported, 2, 'the FSDD file and the 384 kHz one');
  const reasons = Object.fromEntries(report.skipped.map((s: { name: string; reason: string }) => [s.name, s.reason]));
  assert.match(reasons['5_george_0.wav'], /not a regular file \(a named pipe \(FIFO\)\)/);
  assert.match(reasons['6_george_0.wav'], /not a regular file \(a symbolic link\)/);
});

test('dataset import while `dataset list` runs in a loop in another process: every imported WAV is kept', { skip }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'import-race-'));
  let n = 0;
  for (const digit of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) {
    for (const take of [0, 1, 2, 3, 4, 5]) {
      copyFileSync(fsddPath(digit, 'lucas', take), join(folder, `${digit}_lucas_${take}.wav`));
      n += 1;
    }
  }
  const userData = mkdtempSync(join(tmpdir(), 'import-race-user-'));
  mkdirSync(join(userData, 'datasets'), { recursive: true });
  // The lister: `dataset list` in a loop, as in the issue, until told to stop.
  const stopFile = join(userData, 'stop');
  const lister = spawn('bash', ['-c', `while [ ! -e ${JSON.stringify(stopFile)} ]; do ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} dataset list --user-data ${JSON.stringify(userData)} >/dev/null; done`]);
  const importer = spawn(process.execPath, [BIN, 'dataset', 'import', '--dataset', 'race', folder, '--user-data', userData, '--json']);
  let stdout = '';
  let stderr = '';
  importer.stdout.on('data', (d) => { stdout += d; });
  importer.stderr.on('data', (d) => { stderr += d; });
  const code = await new Promise<number | null>((r) => importer.once('exit', r));
  writeFileSync(stopFile, '');
  await new Promise((r) => lister.once('exit', r));
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout);
  assert.equal(report.imported, n);
  const datasetDir = join(userData, 'datasets', report.dataset.id);
  const items = JSON.parse(readFileSync(join(datasetDir, 'dataset.json'), 'utf8')).items as { id: string }[];
  assert.equal(items.length, n);
  for (const item of items) assert.ok(existsSync(join(datasetDir, 'audio', `${item.id}.wav`)), `WAV of item ${item.id}`);
  assert.equal(readdirSync(join(datasetDir, 'audio')).length, n);
});
