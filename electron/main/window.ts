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
      preload: paths.preload,
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
    },
  });
  // Navigation, redirects and window.open are locked for every webContents in index.ts.
  window.once('ready-to-show', () => window.show());
  void window.loadFile(paths.rendererIndex);
  return window;
}
