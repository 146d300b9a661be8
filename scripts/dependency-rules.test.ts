// The layering rules in .dependency-cruiser.cjs can fail: a throwaway tree with one import that
// breaks each rule is cruised with the project's own config, and every rule must report it; the
// same tree with only allowed imports must pass. (`npm run lint:deps` cruises the real tree.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** Writes `files` (path → source) into a fresh tree and cruises it with the project's config. */
function cruise(files: Record<string, string>): Violation[] {
  const dir = mkdtempSync(join(tmpdir(), 'depcruise-'));
  try {
    copyFileSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    copyFileSync(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
    for (const [path, source] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), source);
    }
    const folders = [...new Set(Object.keys(files).map((p) => p.split('/')[0]))];
    const run = spawnSync(process.execPath, [DEPCRUISE, '--config', '.dependency-cruiser.cjs', '-T', 'json', ...folders], { cwd: dir, encoding: 'utf8' });
    assert.ok(run.stdout.trim().startsWith('{'), `depcruise produced no JSON: ${run.stderr}`);
    return (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One leaf module per folder, so that every import below resolves. */
const LEAVES: Record<string, string> = {
  'contract/api.ts': 'export type Api = { ok: true };\n',
  'model/engine.ts': 'export const engine = 1;\n',
  'app/backend.ts': "import { engine } from '../model/engine.ts';\nimport type { Api } from '../contract/api.ts';\nexport const backend: Api | number = engine;\n",
  'cli/main.ts': "import { backend } from '../app/backend.ts';\nimport { engine } from '../model/engine.ts';\nexport const main = [backend, engine];\n",
  'electron/main/index.ts': "import { backend } from '../../app/backend.ts';\nexport const wired = backend;\n",
  'electron/preload/index.ts': "import type { Api } from '../../contract/api.ts';\nexport const api: Api = { ok: true };\n",
  'renderer/src/app.ts': "import type { Api } from '../../contract/api.ts';\nexport const ui = (api: Api) => api.ok;\n",
  'e2e/flow.test.ts': "import { backend } from '../app/backend.ts';\nimport { ui } from '../renderer/src/app.ts';\nexport const both = [backend, ui];\n",
};

test('the allowed imports pass', () => {
  assert.deepEqual(cruise(LEAVES), []);
});

/** One import that breaks each rule, each in a file of its own, cruised together (one cruise is seconds). */
const BREAKS: Array<[rule: string, path: string, source: string]> = [
  ['contract-is-a-leaf', 'contract/bad-import.ts', "export { engine } from '../model/engine.ts';\n"],
  ['contract-no-node', 'contract/bad-node.ts', "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n"],
  ['model-is-self-contained', 'model/bad-contract.ts', "import type { Api } from '../contract/api.ts';\nexport type Bad = Api;\n"],
  ['model-is-self-contained', 'model/bad-cli.ts', "export { main } from '../cli/main.ts';\n"],
  ['app-uses-model-and-contract', 'app/bad-cli.ts', "export { main } from '../cli/main.ts';\n"],
  ['cli-uses-model-and-app', 'cli/bad-electron.ts', "export { wired } from '../electron/main/index.ts';\n"],
  ['electron-wires-app', 'electron/main/bad-model.ts', "export { engine } from '../../model/engine.ts';\n"],
  ['preload-sees-only-contract', 'electron/preload/bad-app.ts', "export { backend } from '../../app/backend.ts';\n"],
  ['renderer-sees-only-contract', 'renderer/src/bad-model.ts', "export { engine } from '../../model/engine.ts';\n"],
  ['renderer-no-node', 'renderer/src/bad-node.ts', "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n"],
  ['not-to-unresolvable', 'app/bad-missing.ts', "export { nothing } from './missing.ts';\n"],
];

test('every rule fails on the import that breaks it, and only there', () => {
  const violations = cruise({ ...LEAVES, ...Object.fromEntries(BREAKS.map(([, path, source]) => [path, source])) });
  const found = violations.map((v) => `${v.rule.name} ${v.from}`).sort();
  assert.deepEqual(found, BREAKS.map(([rule, path]) => `${rule} ${path}`).sort());
});
