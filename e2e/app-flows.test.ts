/**
 * The rest of the app in Chromium against the real backend (engine in a worker thread): file
 * import with progress, the library (search, rename, delete/undo, export, copy, look inside),
 * settings, and an engine crash with its banner and restart. Screenshots of every panel go to
 * artifacts/.
 */
import { FSDD_DIR } from '../model/testing/fsdd-fixture.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppEvent } from '../contract/contract.ts';
import { hasChromium } from './support/browser.ts';
import { DIGITS_MODEL, openAppSession } from './support/app-session.ts';
import { canvasStats, waitForPage } from './support/page-checks.ts';

const FSDD = FSDD_DIR;
// Unpadded held-out clips, which the digits model gets right: "seven" and "one".
const FILES = [join(FSDD, '7_jackson_3.wav'), join(FSDD, '1_george_2.wav')];
const missing = [!hasChromium() && 'Chromium', !existsSync(join(DIGITS_MODEL, 'meta.json')) && 'the digits model fixture', ...FILES.filter((f) => !existsSync(f))].filter(Boolean);
const skip = missing.length > 0 ? `missing: ${missing.join(', ')}` : false;

test('files, library, export, settings and an engine crash, against the real backend', { skip, timeout: 150_000 }, async () => {
  const session = await openAppSession({ engine: 'worker', decoding: { mode: 'digits', customVocabulary: '', beam: 8 } });
  const { page, backend } = session;
  const events: AppEvent[] = [];
  const unsubscribe = backend.subscribe((event) => events.push(event));
  try {
    await waitForPage(page, `document.querySelector('[data-testid=status-bar]')?.dataset.state === 'ready'`, 60_000);

    // Files: two imports through the (hidden) file input, each with its own progress bar.
    await page.getByTestId('tab-files').click();
    await page.getByTestId('file-input').setInputFiles(FILES);
    await waitForPage(page, `[...document.querySelectorAll('[data-testid=file-job]')].length === 2 && [...document.querySelectorAll('[data-testid=file-job]')].every((job) => job.dataset.stage === 'done')`, 60_000);
    const progress = await page.getByTestId('file-progress').evaluateAll((bars) => bars.map((bar) => (bar as unknown as { value: number }).value));
    assert.deepEqual(progress, [1, 1]);
    const queueText = (await page.getByTestId('file-queue').textContent()) ?? '';
    assert.match(queueText, /7_jackson_3\.wav.*seven/s);
    assert.match(queueText, /1_george_2\.wav.*one/s);
    const progressEvents = events.filter((event): event is Extract<AppEvent, { type: 'file-progress' }> => event.type === 'file-progress');
    const jobs = new Set(progressEvents.map((event) => event.jobId));
    assert.equal(jobs.size, 2, 'each file was its own job');
    for (const job of jobs) {
      const stages = progressEvents.filter((event) => event.jobId === job).map((event) => event.stage);
      assert.ok(stages.includes('transcribing') && stages.at(-1) === 'done', `job ${job} went through ${stages.join(' → ')}`);
    }
    await session.screenshot('files-1-queue-done');

    // Library: open the "seven" import from the queue.
    await page.getByRole('button', { name: 'Open in library →' }).first().click();
    await waitForPage(page, `document.querySelector('[data-testid=transcript-detail]') !== null`);
    const seven = (await backend.listTranscripts('')).find((t) => t.fileName === '7_jackson_3.wav');
    assert.ok(seven, 'the import is in the library');
    assert.equal(seven.text, 'seven');
    assert.equal(((await page.getByTestId('library-words').textContent()) ?? '').trim(), 'seven');
    const wordCount = await page.locator('[data-testid=library-words] .word').count();
    assert.equal(wordCount, seven.words.length, 'one button per word');
    const lowMarked = await page.locator('[data-testid=library-words] .word.low-confidence').count();
    assert.equal(lowMarked, seven.words.filter((word) => word.confidence < 0.6).length, 'low-confidence words are marked');
    await session.screenshot('library-1-detail');

    // Export SRT: the downloaded file is the backend's SRT, with a cue for "seven".
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-srt').click()]);
    assert.equal(download.suggestedFilename(), '7_jackson_3.srt');
    const srt = readFileSync((await download.path())!, 'utf8');
    assert.equal(srt, await backend.exportTranscript(seven.id, 'srt'));
    assert.match(srt, /^1\r?\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\r?\nseven/m);

    // Copy to the clipboard.
    await page.getByTestId('copy-text').click();
    await waitForPage(page, `document.querySelector('[data-testid=transcript-detail] .notice')?.textContent.includes('Copied')`);
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), 'seven');

    // Rename, then search for the new title.
    await page.getByTestId('rename-input').fill('Seven, imported');
    await page.getByTestId('rename-input').press('Enter');
    await waitForPage(page, `[...document.querySelectorAll('[data-testid=library-item]')].some((item) => item.textContent.includes('Seven, imported'))`);
    assert.equal((await backend.listTranscripts('')).find((t) => t.id === seven.id)?.title, 'Seven, imported');
    await page.getByTestId('library-search').fill('one');
    await waitForPage(page, `document.querySelectorAll('[data-testid=library-item]').length === 1`);
    assert.match((await page.getByTestId('library-item').textContent()) ?? '', /1_george_2/);
    await page.getByTestId('library-search').fill('');
    await waitForPage(page, `document.querySelectorAll('[data-testid=library-item]').length === 2`);

    // Delete with undo.
    await page.getByTestId('library-item').filter({ hasText: 'Seven, imported' }).click();
    await page.getByTestId('delete-transcript').click();
    await waitForPage(page, `document.querySelectorAll('[data-testid=library-item]').length === 1`);
    assert.equal((await backend.listTranscripts('')).length, 1);
    await session.screenshot('library-2-deleted-undo-offer');
    await page.getByTestId('undo-delete').click();
    await waitForPage(page, `document.querySelectorAll('[data-testid=library-item]').length === 2`);
    assert.ok((await backend.listTranscripts('')).some((t) => t.id === seven.id), 'restored');

    // Look inside a saved transcript: the heatmaps show the engine's re-run.
    await page.getByTestId('library-item').filter({ hasText: 'Seven, imported' }).click();
    await page.getByTestId('look-inside').click();
    const inspection = await backend.inspectTranscript(seven.id);
    await waitForPage(page, `document.querySelector('[data-testid=heatmap-c]')?.dataset.frames === '${inspection.steps}'`);
    for (const lane of ['c', 'h', 'i', 'f', 'o']) {
      const stats = await canvasStats(page, `heatmap-${lane}`);
      assert.equal(stats.frames, inspection.steps);
      assert.equal(stats.units, inspection.layers[0].units);
      assert.ok(stats.colours >= 8, `heatmap-${lane} has structure (${stats.colours} colours)`);
    }
    await session.screenshot('inspect-library-transcript');

    // Keyboard: Ctrl+4 back to the library, Ctrl+E exports the open transcript as text, Ctrl+O
    // opens the file picker on the Files tab, Ctrl+1 goes to Record.
    await page.keyboard.press('Control+4');
    await waitForPage(page, `document.querySelector('[data-testid=tab-library]').getAttribute('aria-selected') === 'true'`);
    const [textDownload] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+e')]);
    assert.equal(textDownload.suggestedFilename(), 'Seven, imported.txt');
    assert.equal(readFileSync((await textDownload.path())!, 'utf8'), await backend.exportTranscript(seven.id, 'txt'));
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Control+o')]);
    assert.ok(chooser.isMultiple(), 'the Files picker (several files at once)');
    await waitForPage(page, `document.querySelector('[data-testid=tab-files]').getAttribute('aria-selected') === 'true'`);
    await page.keyboard.press('Control+1');
    await waitForPage(page, `document.querySelector('[data-testid=tab-record]').getAttribute('aria-selected') === 'true'`);

    // Settings: the backend in use and why, and decoding changes reach the backend.
    await page.getByTestId('tab-settings').click();
    const status = await backend.getStatus();
    const backendInfo = (await page.getByTestId('backend-info').textContent()) ?? '';
    assert.ok(backendInfo.includes(`Backend in use: ${status.backend}`), backendInfo);
    for (const note of status.backendNotes) assert.ok(backendInfo.includes(note), `note shown: ${note}`);
    await page.getByTestId('decoding-custom').check();
    await page.getByTestId('custom-vocabulary').fill('seven\none');
    await page.getByTestId('beam-width').fill('4');
    await session.screenshot('settings-1-custom-list');
    await page.getByTestId('save-settings').click();
    await waitForPage(page, `document.querySelector('.settings-panel .notice')?.textContent.includes('Saved')`);
    assert.deepEqual((await backend.getSettings()).decoding, { mode: 'custom', customVocabulary: 'seven\none', beam: 4 });
    // Commands mode: the same list editor; the choice reaches the backend (the import below runs in it).
    await page.getByTestId('decoding-commands').check();
    await page.getByTestId('custom-vocabulary').fill('seven\nturn on the lights');
    await page.getByTestId('save-settings').click();
    await waitForPage(page, `document.querySelector('.settings-panel .notice')?.textContent.includes('Saved')`);
    assert.deepEqual((await backend.getSettings()).decoding, { mode: 'commands', customVocabulary: 'seven\nturn on the lights', beam: 4 });

    // Engine crash: a banner while it restarts, gone once ready, the restart counted.
    const crashed = backend.simulateEngineCrash();
    await waitForPage(page, `['crashed', 'restarting'].includes(document.querySelector('[data-testid=engine-banner]')?.dataset.state)`, 10_000);
    await session.screenshot('engine-crash-banner');
    await crashed;
    await waitForPage(page, `document.querySelector('[data-testid=engine-banner]') === null && document.querySelector('[data-testid=status-bar]').dataset.state === 'ready'`, 60_000);
    assert.match((await page.getByTestId('status-bar').textContent()) ?? '', /Restarts: 1/);
    // And the restarted engine works: import again.
    await page.getByTestId('tab-files').click();
    await page.getByTestId('file-input').setInputFiles(FILES[1]);
    await waitForPage(page, `[...document.querySelectorAll('[data-testid=file-job]')].length === 3 && document.querySelectorAll('[data-testid=file-job]')[2].dataset.stage === 'done'`, 60_000);
    await session.screenshot('files-2-after-restart');

    assert.deepEqual(session.pageErrors, []);
  } finally {
    unsubscribe();
    await session.close();
  }
});
