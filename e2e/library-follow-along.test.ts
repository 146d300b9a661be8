/**
 * Follow-along in the library on a five-word recording: at the chosen speed the audio really plays
 * at that rate (the AudioBufferSourceNode's playbackRate), each word lights in order, and none
 * lights before the audio has reached it. The page's audio nodes are observed from inside the page
 * (a wrapper around AudioBufferSourceNode.start records the rate and, on every highlight change,
 * how far the audio clock has run).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './support/build.ts';
import { hasChromium } from './support/browser.ts';
import { openAppSession } from './support/app-session.ts';
import { waitForPage } from './support/page-checks.ts';

const FILE = join(REPO_ROOT, 'assets', 'samples', 'an4-mskh-one-five-two-three-two.wav');
const MODEL = join(REPO_ROOT, 'assets', 'models', 'base');
const RATE = 1.5;
const missing = [!hasChromium() && 'Chromium', !existsSync(join(MODEL, 'meta.json')) && MODEL, !existsSync(FILE) && FILE].filter(Boolean);
const skip = missing.length > 0 ? `missing: ${missing.join(', ')}` : false;

/** Runs in the page before Play: records each started source's rate and the highlight's changes. */
const OBSERVE_PLAYBACK = `(() => {
  window.__played = [];
  const start = AudioBufferSourceNode.prototype.start;
  AudioBufferSourceNode.prototype.start = function (when, offset, duration) {
    const context = this.context;
    const record = { rate: this.playbackRate.value, offset: offset ?? 0, startedAt: context.currentTime, lit: [] };
    window.__played.push(record);
    const list = document.querySelector('[data-testid=library-words]');
    new MutationObserver(() => {
      const index = [...list.querySelectorAll('.word')].findIndex((el) => el.classList.contains('current'));
      if (record.lit.length === 0 || record.lit[record.lit.length - 1].index !== index) {
        record.lit.push({ index, clock: context.currentTime - record.startedAt });
      }
    }).observe(list, { subtree: true, attributes: true, attributeFilter: ['class'] });
    return start.call(this, when, offset, duration);
  };
})()`;

interface Played {
  rate: number;
  offset: number;
  lit: { index: number; clock: number }[];
}

test(`library: play and follow at ${RATE}× lights each word in order, never before the audio reaches it`, { skip, timeout: 180_000 }, async () => {
  const session = await openAppSession({ engine: 'in-process', modelDir: MODEL, decoding: { mode: 'digits', customVocabulary: '', beam: 8 } });
  const { page, backend } = session;
  try {
    await waitForPage(page, `document.querySelector('[data-testid=status-bar]')?.dataset.state === 'ready'`, 60_000);
    await page.getByTestId('tab-files').click();
    await page.getByTestId('file-input').setInputFiles(FILE);
    await waitForPage(page, `document.querySelector('[data-testid=file-job]')?.dataset.stage === 'done'`, 90_000);
    await page.getByRole('button', { name: 'Open in library →' }).first().click();
    const [transcript] = await backend.listTranscripts('');
    const words = transcript.words;
    assert.ok(words.length >= 3, `a several-word transcript to follow (got "${transcript.text}")`);

    await page.evaluate(OBSERVE_PLAYBACK);
    await page.getByTestId('playback-rate').selectOption(String(RATE));
    await page.getByTestId('play-all').click();
    await waitForPage(page, `document.querySelector('[data-testid=library-words] .word.current') !== null`, 10_000);
    await waitForPage(page, `document.querySelector('[data-testid=library-words] .word.current') === null`, 20_000);

    const played = (await page.evaluate('window.__played')) as Played[];
    assert.equal(played.length, 1, 'one playback');
    const [run] = played;
    assert.equal(run.rate, RATE, 'the audio plays at the chosen speed');
    assert.equal(run.offset, 0, 'from the start');
    const lit = run.lit.filter((change) => change.index >= 0);
    assert.deepEqual(lit.map((change) => change.index), words.map((_, i) => i), 'each word lit once, in order');
    for (const { index, clock } of lit) {
      // The audio clock runs at 1×; the recording moves RATE× as fast. Small slack: the clock is
      // read a moment apart from where the page read it.
      const heard = clock * RATE;
      assert.ok(heard >= words[index].start - 0.05, `word ${index} ("${words[index].word}", from ${words[index].start} s) lit when only ${heard.toFixed(3)} s had played`);
    }
    assert.equal(run.lit.at(-1)?.index, -1, 'dark again at the end');
    assert.deepEqual(session.pageErrors, []);
  } finally {
    await session.close();
  }
});
