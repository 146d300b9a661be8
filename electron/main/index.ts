/**
 * Electron main process: one window, the app backend (library, settings, recordings) with the
 * engine in a single worker_threads worker, and IPC that validates every message. Main never
 * loads tfjs itself (scripts/build-app.mjs fails the build if the main bundle contains it).
 */
import { app, BrowserWindow, ipcMain, session, shell, type WebContents } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppBackend, type AppBackend } from '../../app/app-backend.ts';
import { userDataDir } from '../../app/user-data.ts';
import { forwardEvents, registerIpc } from './ipc.ts';
import { installMenu } from './menu.ts';
import { mainPaths } from './paths.ts';
import { lockDownContents, secureSession } from './security.ts';
import { createMainWindow } from './window.ts';

// One data folder for the app and the CLI on every OS (app/user-data.ts; Electron's own default
// follows package.json's lower-case name on Linux). CELLSCRIBE_USER_DATA (tests) overrides it.
// Must happen before 'ready'.
app.setPath('userData', userDataDir(undefined));

// out/main/index.js → out/
const outDir = dirname(dirname(fileURLToPath(import.meta.url)));
const paths = mainPaths(outDir, app.isPackaged, process.resourcesPath, app.getAppPath());

let window: BrowserWindow | null = null;
let backend: AppBackend | null = null;

function unpacked(path: string): string {
  // Files listed in electron-builder's asarUnpack live beside the archive, in app.asar.unpacked.
  return path.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
}

async function start(): Promise<void> {
  secureSession(session.defaultSession, () => paths.pagePrefix);
  installMenu(!app.isPackaged, () => void backend?.showLogs());
  window = createMainWindow(paths);
  window.on('closed', () => {
    window = null;
  });

  // The worker bundles tfjs-backend-wasm, so its binaries cannot be found beside the package:
  // scripts/build-app.mjs copies them to out/engine/wasm (unpacked from app.asar when packaged).
  const wasmDir = unpacked(join(outDir, 'engine', 'wasm'));
  backend = await createAppBackend({
    userDataDir: app.getPath('userData'),
    bundledModelDir: paths.bundledModelDir,
    engine: 'worker',
    workerPath: paths.engineWorker,
    engineOptions: {
      wasmDir,
      generalLm: existsSync(paths.generalLm) ? paths.generalLm : undefined,
      lexicon: existsSync(paths.lexicon) ? paths.lexicon : undefined,
    },
    appVersion: app.getVersion(),
    versions: { electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node, v8: process.versions.v8 },
    reveal: (path) => shell.showItemInFolder(path),
  });
  // Errors that would otherwise only reach a console nobody sees go to the log file too.
  const started = backend;
  process.on('uncaughtException', (error) => {
    console.error(error);
    started.log('error', `uncaught: ${error.stack ?? error.message}`);
  });
  process.on('unhandledRejection', (reason) => started.log('error', `unhandled rejection: ${reason instanceof Error ? reason.stack ?? reason.message : String(reason)}`));
  registerIpc({
    ipcMain,
    backend,
    trusted: () => ({ webContentsId: window && !window.isDestroyed() ? window.webContents.id : null, pagePrefix: paths.pagePrefix }),
    // A rejected message is worth finding later: it means a bug or something hostile in the page.
    log: (message) => {
      console.warn(message);
      started.log('warn', message);
    },
  });
  forwardEvents(backend.subscribe, () => (window && !window.isDestroyed() ? window.webContents : null));
}

if (!app.requestSingleInstanceLock()) {
  // Another instance owns userData (recordings in progress): hand over to it and leave.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  // Every web contents, including any created later, gets the navigation and window locks.
  app.on('web-contents-created', (_event, contents: WebContents) => lockDownContents(contents, () => paths.pagePrefix));
  app.whenReady().then(start).catch((error: Error) => {
    console.error(`CellScribe failed to start: ${error.stack ?? error.message}`);
    app.exit(1);
  });
  app.on('window-all-closed', () => app.quit());
  let disposed = false;
  app.on('before-quit', (event) => {
    if (disposed || !backend) return;
    // Stop the engine cleanly first (open recordings keep their .part files either way).
    event.preventDefault();
    disposed = true;
    void backend.dispose().finally(() => app.quit());
  });
}
