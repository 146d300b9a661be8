/**
 * A long file in the Files tab against the real backend (engine in a worker thread): the queue
 * shows the audio processed, the total and the time left while it transcribes, and its Cancel
 * button stops the job: the row says cancelled, the progress bar stops short of the end, no
 * "Open in library" link appears, and the library keeps the audio marked as cancelled.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '../model/audio/wav.ts';
import { loopedSpeech } from '../model/testing/looped-speech.ts';
import { CANCELLED } from '../app/file-transcription.ts';
import { hasChromium } from './support/browser.ts';
import { openAppSession } from './support/app-session.ts';
import { REPO_ROOT } from './support/build.ts';
import { waitForPage } from './support/page-checks.ts';

const MODEL = join(REPO_ROOT, 'assets', 'models', 'base');
const missing = [!hasChromium() && 'Chromium', !existsSync(join(MODEL, 'meta.json')) && 'the base model'].filter(Boolean);
const skip = missing.length > 0 ? `missing: ${missing.join(', ')}` : false;

test('files: progress by audio with time left, and Cancel stops a long file', { skip, timeout: 180_000 }, async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'cellscribe-cancel-')), 'long-talk.wav');
  writeFileSync(file, encodeWav([await loopedSpeech(90)], 16000));
  const session = await openAppSession({ engine: 'worker', modelDir: MODEL, engineOptions: { inspectSeconds: 4 } });
  const { page, backend } = session;
  try {
    await waitForPage(page, `document.querySelector('[data-testid=status-bar]')?.dataset.state === 'ready'`, 60_000);
    await page.getByTestId('tab-files').click();
    await page.getByTestId('file-input').setInputFiles(file);
    // "transcribing 0:10 of 1:30, about 0:20 left"
    await waitForPage(page, `/transcribing [1-9]:\\d\\d of 1:3\\d, about \\d+:\\d\\d left|transcribing 0:[1-9]\\d of 1:3\\d, about \\d+:\\d\\d left/.test(document.querySelector('[data-testid=file-stage]')?.textContent ?? '')`, 60_000);
    const during = (await page.getByTestId('file-stage').textContent()) ?? '';
    assert.match(during, /^transcribing \d+:\d\d of 1:3\d, about \d+:\d\d left$/);
    await session.screenshot('files-3-long-file-progress');
    await page.getByTestId('file-cancel').click();
    await waitForPage(page, `document.querySelector('[data-testid=file-job]')?.dataset.stage === 'cancelled'`, 30_000);
    assert.equal(((await page.getByTestId('file-stage').textContent()) ?? '').trim(), 'cancelled');
    const value = await page.getByTestId('file-progress').evaluate((bar) => (bar as unknown as { value: number }).value);
    assert.ok(value > 0 && value < 0.9, `the bar stopped short (${value})`);
    assert.equal(await page.getByRole('button', { name: 'Open in library →' }).count(), 0);
    assert.equal(await page.getByTestId('file-cancel').count(), 0, 'no Cancel on a cancelled job');
    const [record] = await backend.listTranscripts('');
    assert.equal(record.fileName, 'long-talk.wav');
    assert.equal(record.error, CANCELLED);
    assert.equal(record.text, '');
    await session.screenshot('files-4-cancelled');
    assert.deepEqual(session.pageErrors, []);
  } finally {
    await session.close();
  }
});
