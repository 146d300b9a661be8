/**
 * The app's file transcription of a long file (a minute of committed speech, looped), through
 * the real worker: file-progress events carry the audio processed, the total and an ETA, rise
 * monotonically to the total; cancelling a running job stops it (the call rejects, a
 * 'cancelled' event follows and no progress after it), and the library keeps the saved audio
 * marked as cancelled, never a partial text saved as complete, and does not retranscribe it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppEvent } from '../contract/contract.ts';
import { encodeWav } from '../model/audio/wav.ts';
import { createAppBackend } from './app-backend.ts';
import { loopedSpeech } from '../model/testing/looped-speech.ts';
import { CANCELLED } from './file-transcription.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const BASE_MODEL = join(ROOT, 'assets', 'models', 'base');

type FileProgress = Extract<AppEvent, { type: 'file-progress' }>;

test('file progress by audio processed with an ETA; cancel leaves the audio, marked, and no text', { timeout: 300_000 }, async () => {
  const samples = await loopedSpeech(45);
  const seconds = samples.length / 16000;
  const wav = encodeWav([samples], 16000);
  const backend = await createAppBackend({ userDataDir: mkdtempSync(join(tmpdir(), 'cellscribe-progress-')), bundledModelDir: BASE_MODEL, engine: 'worker', engineOptions: { backend: 'wasm', inspectSeconds: 4 } });
  const events: FileProgress[] = [];
  backend.subscribe((event) => { if (event.type === 'file-progress') events.push(event); });
  try {
    const { transcript, inspection } = await backend.transcribeFile('whole', 'long.wav', wav.slice().buffer);
    assert.ok(transcript.text.length > 100 && transcript.error === null);
    assert.ok(inspection.truncated && inspection.truncated.coveredSeconds <= 4, 'inspection covers the start only');
    const whole = events.filter((e) => e.jobId === 'whole');
    const running = whole.filter((e) => e.stage === 'transcribing' && e.processedSeconds !== undefined);
    assert.ok(running.length >= seconds / 5, `one event per 5 s chunk, got ${running.length}`);
    running.forEach((e, i) => {
      assert.ok(Math.abs(e.totalSeconds! - seconds) < 1e-6, 'total = the audio');
      if (i > 0) assert.ok(e.processedSeconds! >= running[i - 1].processedSeconds! && e.fraction >= running[i - 1].fraction, 'monotonic');
      if (e.processedSeconds! > 0) assert.ok(e.etaSeconds !== undefined && e.etaSeconds >= 0, 'an ETA once something is done');
    });
    assert.ok(Math.abs(running.at(-1)!.processedSeconds! - seconds) < 1e-6 && running.at(-1)!.etaSeconds === 0, 'reaches the total');
    assert.deepEqual(whole.map((e) => e.stage).filter((s, i, all) => s !== all[i - 1]), ['decoding', 'transcribing', 'done']);

    // Cancel once transcribing has started.
    const job = backend.transcribeFile('stop-me', 'long.wav', wav.slice().buffer);
    const started = () => events.some((e) => e.jobId === 'stop-me' && (e.processedSeconds ?? 0) > 0);
    while (!started()) await new Promise((r) => setTimeout(r, 5));
    assert.equal(await backend.cancelFileTranscription('stop-me'), true);
    await assert.rejects(job, /long\.wav was cancelled/);
    const mine = events.filter((e) => e.jobId === 'stop-me');
    assert.equal(mine.at(-1)!.stage, 'cancelled');
    assert.ok(mine.at(-1)!.fraction < 0.5, 'stopped early');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(events.filter((e) => e.jobId === 'stop-me').length, mine.length, 'nothing after the cancelled event');
    assert.equal(await backend.cancelFileTranscription('stop-me'), false);

    const records = await backend.listTranscripts('');
    assert.equal(records.length, 2);
    const cancelled = records.find((t) => t.id !== transcript.id)!;
    assert.equal(cancelled.error, CANCELLED);
    assert.equal(cancelled.text, '');
    assert.deepEqual(cancelled.words, []);
    assert.equal((await backend.getAudio(cancelled.id)).length, samples.length, 'the audio is saved');
  } finally {
    await backend.dispose();
  }
});
