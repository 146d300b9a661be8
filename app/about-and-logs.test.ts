import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppBackend } from './app-backend.ts';

const DIGITS_MODEL = fileURLToPath(new URL('../e2e/fixtures/digits-model', import.meta.url));

test('About reports the versions, backend and model in use; Show logs reveals the log file in the data folder', async () => {
  const userDataDir = mkdtempSync(join(tmpdir(), 'cellscribe-about-'));
  const revealed: string[] = [];
  const backend = await createAppBackend({
    userDataDir,
    bundledModelDir: existsSync(join(DIGITS_MODEL, 'meta.json')) ? DIGITS_MODEL : join(userDataDir, 'missing'),
    engine: 'in-process',
    appVersion: '1.2.3',
    versions: { electron: '99.0.0', node: process.versions.node },
    reveal: (path) => revealed.push(path),
  });
  try {
    const status = await backend.getStatus();
    const about = await backend.getAbout();
    const logFile = join(userDataDir, 'logs', 'cellscribe.log');
    assert.deepEqual(about, {
      appName: 'CellScribe',
      appVersion: '1.2.3',
      versions: { electron: '99.0.0', node: process.versions.node },
      backend: status.backend,
      backendNotes: status.backendNotes,
      model: status.activeModel,
      dataFolder: userDataDir,
      logFile,
    });
    assert.ok(about.backend !== null, 'a backend was chosen');

    assert.equal(await backend.showLogs(), logFile);
    assert.deepEqual(revealed, [logFile], 'the file manager is asked to show the log');
    backend.log('warn', 'from main');
    const log = readFileSync(logFile, 'utf8');
    assert.match(log, /INFO  CellScribe 1\.2\.3 starting; data folder .*; electron 99\.0\.0, node /);
    assert.match(log, new RegExp(`INFO  engine ready; backend ${status.backend}; model ${status.activeModel?.id ?? 'none'}`));
    assert.match(log, /INFO  log shown\n.*WARN  from main\n$/);
  } finally {
    await backend.dispose();
    rmSync(userDataDir, { recursive: true, force: true });
  }
});
