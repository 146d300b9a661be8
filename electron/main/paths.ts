/**
 * Where things are, in development (`electron .` from the repo) and packaged (inside resources):
 * the built files under out/, the bundled base model, and userData.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface MainPaths {
  /** out/renderer/index.html */
  rendererIndex: string;
  /** file:///…/out/renderer/ : every page the app shows starts with it. */
  pagePrefix: string;
  /** out/preload/index.cjs */
  preload: string;
  /** out/engine/worker.js */
  engineWorker: string;
  /** assets/models/base in development, resources/models/base packaged. */
  bundledModelDir: string;
  /** The general English LM: assets/lm/en-us.cslm in development, resources/lm/en-us.cslm packaged. */
  generalLm: string;
  /** CMUdict for phone models: assets/lexicon/… in development, resources/lexicon/… packaged. */
  lexicon: string;
}

/**
 * @param outDir the built app's out/ folder (this bundle's parent folder's parent)
 * @param packaged app.isPackaged
 * @param resourcesPath process.resourcesPath (packaged extraResources live there)
 * @param appRoot the app's root folder (repo root in development)
 */
export function mainPaths(outDir: string, packaged: boolean, resourcesPath: string, appRoot: string): MainPaths {
  const rendererDir = join(outDir, 'renderer');
  return {
    rendererIndex: join(rendererDir, 'index.html'),
    pagePrefix: pathToFileURL(rendererDir).href + '/',
    preload: join(outDir, 'preload', 'index.cjs'),
    engineWorker: join(outDir, 'engine', 'worker.js'),
    bundledModelDir: packaged ? join(resourcesPath, 'models', 'base') : join(appRoot, 'assets', 'models', 'base'),
    generalLm: packaged ? join(resourcesPath, 'lm', 'en-us.cslm') : join(appRoot, 'assets', 'lm', 'en-us.cslm'),
    lexicon: packaged ? join(resourcesPath, 'lexicon', 'cmudict-en-us.dict.gz') : join(appRoot, 'assets', 'lexicon', 'cmudict-en-us.dict.gz'),
  };
}
