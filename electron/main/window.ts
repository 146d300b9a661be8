/** The one app window, with every web preference that matters spelled out. */
import { BrowserWindow } from 'electron';
import type { MainPaths } from './paths.ts';

export function createMainWindow(paths: MainPaths): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'CellScribe',
    webPreferences: {
      // Reviewed: the preload exposes exactly AppApi through contextBridge and never ipcRenderer
      // (electron/preload/api.ts, tested in api.test.ts), hence electronegativity's review flag is off here.
      preload: paths.preload, /* eng-disable PRELOAD_JS_CHECK */
      // The page gets only window.api (contextBridge); it runs with no Node and in Chromium's sandbox.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click must not open links in new windows (electronegativity AUXCLICK_JS_CHECK).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  // Navigation, redirects and window.open are locked for every webContents in index.ts.
  window.once('ready-to-show', () => window.show());
  void window.loadFile(paths.rendererIndex);
  return window;
}
