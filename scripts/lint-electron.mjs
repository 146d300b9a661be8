#!/usr/bin/env node
// Runs electronegativity over the Electron sources (electron/) and the page (renderer/index.html)
// and fails when it reports anything of medium or high severity. electronegativity itself exits
// 0 whatever it finds, so its "No issues were found." line is what decides.
// Per-check disabling (`/* eng-disable CHECK */`) is used only where a finding was reviewed and is
// a false positive; each one carries its reason beside it (see electron/main/window.ts).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const cli = require.resolve('@doyensec/electronegativity/dist/index.js');
// One scan over both, so that the global checks (navigation limits, permission handler) see main's code.
const input = mkdtempSync(join(tmpdir(), 'electronegativity-'));
cpSync('electron', join(input, 'electron'), { recursive: true, filter: (p) => !p.endsWith('.test.ts') });
cpSync('renderer/index.html', join(input, 'renderer', 'index.html'));
let failed = false;
{
  const run = spawnSync(process.execPath, [cli, '-i', input, '-s', 'medium', '-r', '-e', '45.5.0'], { encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`;
  const clean = /No issues were found\./.test(output);
  // The banner and advertising lines are dropped; the findings table is kept.
  const table = output.split('\n').filter((l) => /[│┌└├]|issue|Check|rror/.test(l)).join('\n');
  console.log(`electronegativity electron/ + renderer/index.html: ${clean ? 'no medium or high findings' : 'FINDINGS'}\n${clean ? '' : table}`);
  if (!clean || run.status !== 0) failed = true;
}
rmSync(input, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
