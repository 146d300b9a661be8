import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineStatus, JobInfo } from '../contract/contract.ts';
import { AppLog } from './app-log.ts';

const STATUS: EngineStatus = { state: 'ready', backend: 'tfjs-node', backendNotes: [], activeModel: null, modelError: null, restarts: 0 };

test('the log keeps each distinct engine state once, crashes as errors, and finished or failed fine-tuning', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellscribe-applog-'));
  try {
    const log = new AppLog(join(dir, 'logs', 'cellscribe.log'));
    log.observe({ type: 'status', status: STATUS });
    log.observe({ type: 'status', status: STATUS });
    log.observe({ type: 'status', status: { ...STATUS, state: 'crashed', restarts: 1 } });
    log.observe({ type: 'library-changed' });
    const job = { id: 'job-1', state: 'running', error: null } as unknown as JobInfo;
    log.observe({ type: 'train-progress', job } as never);
    log.observe({ type: 'train-progress', job: { ...job, state: 'failed', error: 'out of memory' } } as never);
    const lines = readFileSync(log.path, 'utf8').trimEnd().split('\n').map((l) => l.replace(/^\S+ /, ''));
    assert.deepEqual(lines, [
      'INFO  engine ready; backend tfjs-node; model none; restarts 0',
      'ERROR engine crashed; backend tfjs-node; model none; restarts 1',
      'ERROR fine-tuning job-1 failed: out of memory',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
