import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogFile } from './log-file.ts';

test('log lines carry time and level; the file rotates past its size and keeps one old copy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellscribe-log-'));
  try {
    const path = join(dir, 'logs', 'cellscribe.log');
    const log = new LogFile(path, 200);
    log.write('info', 'started');
    log.write('error', 'engine crashed\nat line 2');
    const text = readFileSync(path, 'utf8');
    assert.match(text, /^\d{4}-\d\d-\d\dT[\d:.]+Z INFO  started\n/);
    assert.match(text, /ERROR engine crashed\n    at line 2\n$/);
    for (let i = 0; i < 5; i++) log.write('warn', `line ${i} ${'x'.repeat(40)}`);
    assert.ok(existsSync(`${path}.1`), 'rotated');
    assert.ok(readFileSync(path, 'utf8').length <= 200);
    assert.match(readFileSync(path, 'utf8'), /line 4/);
    // Reopening continues the same file.
    new LogFile(path, 200).write('info', 'again');
    assert.match(readFileSync(path, 'utf8'), /again\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
