/**
 * Smoke test of the real Electron app (playwright-core's _electron): the window opens, window.api
 * has exactly the contract's keys, and the engine answers getStatus. Needs the Electron binary,
 * which is downloaded on install where the network allows; elsewhere this test is skipped with
 * the reason printed (never faked).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHANNELS } from '../contract/requests.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The Electron executable, or why there is none. Read from the package's path.txt rather than
 * require('electron'): that require starts a download when the binary is missing.
 */
function electronBinary(): { path: string } | { reason: string } {
  let pkgDir: string;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return { reason: 'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD or no network at install): no node_modules/electron/path.txt' };
  const relative = readFileSync(pathFile, 'utf8').trim();
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkgDir, 'dist');
  const path = join(dist, relative);
  if (!existsSync(path)) return { reason: `Electron binary not found at ${path} (not downloaded here)` };
  return { path };
}

const binary = electronBinary();
const skip = 'reason' in binary ? binary.reason : false;
if (skip) console.log(`electron-smoke: skipped: ${skip}`);

test('the Electron app opens one window whose window.api is exactly AppApi, and the engine answers', { skip, timeout: 120_000 }, async () => {
  const { _electron } = await import('playwright-core');
  execFileSync(process.execPath, ['scripts/build-app.mjs'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/build-renderer.mjs'], { cwd: root, stdio: 'inherit' });
  const userData = mkdtempSync(join(tmpdir(), 'cellscribe-smoke-'));
  const app = await _electron.launch({
    executablePath: (binary as { path: string }).path,
    args: [root, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    cwd: root,
    env: { ...process.env, CELLSCRIBE_USER_DATA: userData } as Record<string, string>,
  });
  try {
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    assert.equal(app.windows().length, 1);
    const keys = await page.evaluate(() => Object.keys((globalThis as unknown as { api: object }).api).sort());
    assert.deepEqual(keys, [...Object.keys(CHANNELS), 'onEvent'].sort());
    const hasNode = await page.evaluate(() => typeof (globalThis as { require?: unknown }).require !== 'undefined' || typeof (globalThis as { process?: unknown }).process !== 'undefined');
    assert.equal(hasNode, false, 'no Node in the page');
    const status = await page.evaluate(async () => {
      const api = (globalThis as unknown as { api: { getStatus(): Promise<{ state: string; backend: string | null }> } }).api;
      for (let i = 0; i < 100; i++) {
        const s = await api.getStatus();
        if (s.state === 'ready') return s;
        await new Promise((r) => setTimeout(r, 200));
      }
      return api.getStatus();
    });
    assert.equal(status.state, 'ready');
    assert.ok(status.backend !== null, 'the engine reported its backend');
    const userDataSeen = await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData'));
    assert.equal(userDataSeen, userData);
  } finally {
    await app.close();
  }
});
