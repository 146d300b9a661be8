#!/usr/bin/env node
// Finds every *.test.ts under the source folders and runs them with Node's own test runner,
// TypeScript loaded through tsx. Node 20's `--test` cannot glob .ts files itself.
// Usage: node scripts/run-tests.mjs [substring filter...]
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = ['contract', 'model', 'app', 'cli', 'electron', 'renderer', 'e2e', 'scripts'];
const skip = new Set(['node_modules', 'out', 'dist', 'fixtures']);
const filters = process.argv.slice(2);

function walk(dir, found) {
  let entries;
  try { entries = readdirSync(dir); } catch { return found; }
  for (const name of entries) {
    if (skip.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, found);
    else if (name.endsWith('.test.ts')) found.push(relative(process.cwd(), path));
  }
  return found;
}

const files = roots.flatMap((root) => walk(root, [])).sort()
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
// Two cores: unit test files two at a time; then the browser e2e files one at a time, since a
// loaded machine makes Chromium's fake microphone start late and cut the first syllable.
const e2e = files.filter((f) => f.startsWith('e2e/'));
const unit = files.filter((f) => !f.startsWith('e2e/'));
let status = 0;
const totals = { pass: 0, fail: 0, skipped: 0 };
const tapDir = mkdtempSync(join(tmpdir(), 'cellscribe-tests-'));
for (const [index, [group, concurrency]] of [[unit, 2], [e2e, 1]].entries()) {
  if (group.length === 0) continue;
  const tap = join(tapDir, `group${index}.tap`);
  const result = spawnSync(process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`,
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...group],
    { stdio: 'inherit' });
  status ||= result.status ?? 1;
  let text = '';
  try { text = readFileSync(tap, 'utf8'); } catch { /* the runner died before writing: counted by status */ }
  for (const key of Object.keys(totals)) {
    const match = new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text);
    if (match) totals[key] += Number(match[1]);
  }
}
// One closing line over both groups, in the plain form CI reads.
console.log(`\ntests: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(status);
