/**
 * Builds what the browser e2e needs: the renderer bundle (once per test process) and, for the
 * UI-only tests, the FakeAppApi as a script to install before the page runs.
 */
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RENDERER_OUT = join(REPO_ROOT, 'out', 'renderer');

let built = false;

/** Runs scripts/build-renderer.mjs once per process (out/renderer/). */
export function buildRenderer(): void {
  if (built || process.env.CELLSCRIBE_E2E_NO_BUILD === '1') return;
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-renderer.mjs')], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build-renderer failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  built = true;
}

/** The FakeAppApi bundled as a classic script that installs `window.api` and `window.__fakeApi`. */
/** FakeOptions of renderer/src/testing/fake-app-api.ts (not imported: that file needs the DOM program). */
export interface FakeScriptOptions {
  phrase?: string;
  latencyMs?: number;
  trainStepMs?: number;
}

export async function fakeApiScript(options: FakeScriptOptions = {}): Promise<string> {
  const result = await build({
    stdin: {
      contents: `import { installFakeApi } from './fake-app-api.ts';\nwindow.__fakeApi = installFakeApi(${JSON.stringify(options)});`,
      resolveDir: join(REPO_ROOT, 'renderer', 'src', 'testing'),
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    write: false,
    target: ['chrome120'],
  });
  return result.outputFiles[0].text;
}
