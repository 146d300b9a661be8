/** Where the package's own files are when run from source (CLI, tests, bench): the bundled base model. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/[\\/]$/, '');
export const BUNDLED_MODEL_DIR = join(PACKAGE_ROOT, 'assets', 'models', 'base');
/** The bundled general English LM (assets/lm/README.md); the packaged app passes its own path. */
export const BUNDLED_GENERAL_LM = join(PACKAGE_ROOT, 'assets', 'lm', 'en-us.cslm');
