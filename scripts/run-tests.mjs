#!/usr/bin/env node
// Finds every *.test.ts under the source folders and runs them with Node's own test runner,
// TypeScript loaded through tsx. Node 20's `--test` cannot glob .ts files itself.
// Usage: node scripts/run-tests.mjs [substring filter...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = ['model', 'electron', 'renderer', 'e2e', 'scripts'];
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
// Two cores: run two test files at a time.
const result = spawnSync(process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit' });
process.exit(result.status ?? 1);
