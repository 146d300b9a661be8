/**
 * One e2e session: the renderer served on 127.0.0.1, a real AppBackend in this process, Chromium
 * with a file as its microphone, and the page bridged to the backend. Screenshots go to artifacts/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Settings } from '../../contract/contract.ts';
import { createAppBackend, type AppBackend } from '../../app/app-backend.ts';
import { installBridge, type BridgeLog } from './bridge.ts';
import { launchChromium } from './browser.ts';
import { buildRenderer, REPO_ROOT, RENDERER_OUT } from './build.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

export const DIGITS_MODEL = join(REPO_ROOT, 'e2e', 'fixtures', 'digits-model');
export const ARTIFACTS = join(REPO_ROOT, 'artifacts');

export interface AppSession {
  backend: AppBackend;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  log: BridgeLog;
  /** Page errors and console errors seen so far. */
  pageErrors: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface SessionOptions {
  microphoneWav?: string;
  engine?: 'worker' | 'in-process';
  modelDir?: string;
  decoding?: Settings['decoding'];
  /** Passed to the engine (e.g. inspectSeconds, to keep a long file's inspection small). */
  engineOptions?: { inspectSeconds?: number };
}

export async function openAppSession(options: SessionOptions): Promise<AppSession> {
  buildRenderer();
  mkdirSync(ARTIFACTS, { recursive: true });
  const userDataDir = mkdtempSync(join(tmpdir(), 'cellscribe-e2e-'));
  let server: StaticServer | null = null;
  let browser: Browser | null = null;
  const backend = await createAppBackend({ userDataDir, bundledModelDir: options.modelDir ?? DIGITS_MODEL, engine: options.engine ?? 'in-process', ...(options.engineOptions ? { engineOptions: options.engineOptions } : {}) });
  try {
    if (options.decoding) await backend.setSettings({ ...(await backend.getSettings()), decoding: options.decoding });
    server = await serveStatic(RENDERER_OUT);
    browser = await launchChromium(options.microphoneWav);
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
    await context.grantPermissions(['microphone', 'clipboard-read', 'clipboard-write'], { origin: server.url.replace(/\/$/, '') });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
    const log = await installBridge(page, backend, server.url.endsWith('/') ? server.url : `${server.url}/`);
    await page.goto(server.url);
    const openServer = server;
    const openBrowser = browser;
    return {
      backend, browser, context, page, log, pageErrors,
      async screenshot(name) {
        const path = join(ARTIFACTS, `${name}.png`);
        await page.screenshot({ path, fullPage: true });
        return path;
      },
      async close() {
        await openBrowser.close().catch(() => undefined);
        await openServer.close();
        await backend.dispose();
        rmSync(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await server?.close();
    await backend.dispose();
    throw error;
  }
}
