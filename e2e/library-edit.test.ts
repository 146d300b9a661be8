/**
 * The library against the real backend: correct a word in place (its timing kept, the record
 * saved, the export using the correction), then play the transcript at another speed with the
 * word being said lit up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FSDD_DIR } from '../model/testing/fsdd-fixture.ts';
import { hasChromium } from './support/browser.ts';
import { DIGITS_MODEL, openAppSession } from './support/app-session.ts';
import { waitForPage } from './support/page-checks.ts';

const FILE = join(FSDD_DIR, '7_jackson_3.wav');
const missing = [!hasChromium() && 'Chromium', !existsSync(join(DIGITS_MODEL, 'meta.json')) && 'the digits model fixture', !existsSync(FILE) && FILE].filter(Boolean);
const skip = missing.length > 0 ? `missing: ${missing.join(', ')}` : false;

test('library: edit a word (timing kept, saved, exported), play at 2× with follow-along; About and the log file', { skip, timeout: 120_000 }, async () => {
  const session = await openAppSession({ engine: 'in-process', decoding: { mode: 'digits', customVocabulary: '', beam: 8 } });
  const { page, backend } = session;
  try {
    await waitForPage(page, `document.querySelector('[data-testid=status-bar]')?.dataset.state === 'ready'`, 60_000);
    await page.getByTestId('tab-files').click();
    await page.getByTestId('file-input').setInputFiles(FILE);
    await waitForPage(page, `document.querySelector('[data-testid=file-job]')?.dataset.stage === 'done'`, 60_000);
    await page.getByRole('button', { name: 'Open in library →' }).first().click();
    const [before] = await backend.listTranscripts('');
    assert.equal(before.text, 'seven');

    // Correct "seven" to "heaven": one field per word, the timing stays.
    await page.getByTestId('edit-words').click();
    const inputs = page.getByTestId('word-input');
    assert.equal(await inputs.count(), before.words.length);
    await inputs.first().fill('heaven');
    await session.screenshot('library-2-editing-words');
    await page.getByTestId('save-words').click();
    await waitForPage(page, `document.querySelector('[data-testid=library-words]').textContent.trim() === 'heaven'`);
    const [after] = await backend.listTranscripts('');
    assert.equal(after.text, 'heaven');
    assert.deepEqual(after.words.map(({ start, end, confidence }) => ({ start, end, confidence })), before.words.map(({ start, end, confidence }) => ({ start, end, confidence })));
    assert.ok(after.editedAt, 'marked as corrected');
    assert.match((await page.getByTestId('edited-note').textContent()) ?? '', /corrected/);
    // The export is the corrected text.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-srt').click()]);
    const srt = readFileSync((await download.path())!, 'utf8');
    assert.match(srt, /\nheaven/);
    assert.doesNotMatch(srt, /seven/);

    // Follow along at 2×: the word lights up while it is played, then goes dark at the end.
    await page.getByTestId('playback-rate').selectOption('2');
    await page.getByTestId('play-all').click();
    await waitForPage(page, `document.querySelector('[data-testid=library-words] .word.current') !== null`, 10_000);
    await session.screenshot('library-3-follow-along');
    await waitForPage(page, `document.querySelector('[data-testid=library-words] .word.current') === null`, 10_000);

    // About: versions, the backend and model in use, and the log file in the data folder.
    await page.getByTestId('open-about').click();
    await waitForPage(page, `document.querySelector('[data-testid=about-table]') !== null`);
    const status = await backend.getStatus();
    assert.match((await page.getByTestId('about-table').textContent()) ?? '', new RegExp(`node${process.versions.node.replace(/\./g, '\\.')}`));
    assert.match((await page.getByTestId('about-backend').textContent()) ?? '', new RegExp(`^${status.backend}`));
    assert.match((await page.getByTestId('about-model').textContent()) ?? '', new RegExp(`^${status.activeModel!.name}`));
    const logPath = join(backend.paths.userDataDir, 'logs', 'cellscribe.log');
    assert.equal(await page.getByTestId('about-log').textContent(), logPath);
    await session.screenshot('about-box');
    await page.getByTestId('show-logs').click();
    await waitForPage(page, `document.querySelector('[data-testid=about-notice]')?.textContent.includes('cellscribe.log')`);
    const log = readFileSync(logPath, 'utf8');
    assert.match(log, /INFO  CellScribe .* starting; data folder /);
    assert.match(log, new RegExp(`INFO  engine ready; backend ${status.backend}; model ${status.activeModel!.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(log, /INFO  log shown\n$/);
    await page.getByTestId('about-close').click();
    await waitForPage(page, `document.querySelector('[data-testid=about-box]') === null`);

    assert.deepEqual(session.pageErrors, []);
  } finally {
    await session.close();
  }
});
