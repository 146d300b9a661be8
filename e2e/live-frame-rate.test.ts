/**
 * Measures (never asserts) the live view's frame rate: while a recording plays into the fake
 * microphone with Look inside open, the page counts its animation frames, the heatmap redraws
 * (each one sets the time axis' data-draw-ms) and what each redraw cost. The numbers go to the
 * console and to artifacts/live-frame-rate.json; the target is 30 fps. The test itself only checks
 * that the heatmaps were redrawn while recording, which can fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './support/build.ts';
import { hasChromium } from './support/browser.ts';
import { makeMicrophoneWav, wavSeconds } from './support/audio-fixture.ts';
import { ARTIFACTS, openAppSession } from './support/app-session.ts';
import { waitForPage } from './support/page-checks.ts';

const FILE = join(REPO_ROOT, 'assets', 'samples', 'an4-mskh-one-five-two-three-two.wav');
const MODEL = join(REPO_ROOT, 'assets', 'models', 'base');
const missing = [!hasChromium() && 'Chromium', !existsSync(join(MODEL, 'meta.json')) && MODEL, !existsSync(FILE) && FILE].filter(Boolean);
const skip = missing.length > 0 ? `missing: ${missing.join(', ')}` : false;

/** Starts counting in the page: animation frames (with their gaps) and heatmap redraws. */
const START_COUNTING = `(() => {
  const counts = { startedAt: performance.now(), frames: 0, longFrames: 0, maxGapMs: 0, redraws: 0, drawMs: [] };
  window.__liveCounts = counts;
  let last = performance.now();
  const tick = (now) => {
    if (counts.stoppedAt) return;
    counts.frames++;
    const gap = now - last;
    if (gap > 1000 / 30) counts.longFrames++;
    counts.maxGapMs = Math.max(counts.maxGapMs, gap);
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const axis = document.querySelector('[data-testid=time-axis]');
  counts.observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.attributeName !== 'data-draw-ms') continue;
      counts.redraws++;
      counts.drawMs.push(Number(axis.dataset.drawMs));
    }
  });
  counts.observer.observe(axis, { attributes: true, attributeFilter: ['data-draw-ms'] });
})()`;

const STOP_COUNTING = `(() => {
  const counts = window.__liveCounts;
  counts.stoppedAt = performance.now();
  counts.observer.disconnect();
  const seconds = (counts.stoppedAt - counts.startedAt) / 1000;
  const sorted = [...counts.drawMs].sort((a, b) => a - b);
  const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null);
  return { seconds, frames: counts.frames, fps: counts.frames / seconds, longFrames: counts.longFrames, maxGapMs: counts.maxGapMs,
    redraws: counts.redraws, redrawsPerSecond: counts.redraws / seconds, drawMsMedian: at(0.5), drawMsP95: at(0.95), drawMsMax: sorted.at(-1) ?? null };
})()`;

test('live heatmaps: frame rate while recording with Look inside open (measured, reported)', { skip, timeout: 120_000 }, async () => {
  // The five digits twice: a longer stretch to count over.
  const microphone = makeMicrophoneWav([FILE, FILE]);
  const seconds = wavSeconds(microphone);
  const session = await openAppSession({ microphoneWav: microphone, modelDir: MODEL, engine: 'in-process', decoding: { mode: 'digits', customVocabulary: '', beam: 8 } });
  const { page } = session;
  try {
    await waitForPage(page, `document.querySelector('[data-testid=status-bar]')?.dataset.state === 'ready'`, 60_000);
    await page.getByTestId('record-button').click();
    const startedAt = Date.now();
    await page.getByTestId('tab-inspect').click();
    // From the first live heatmap column to the end of the file: the stretch being measured.
    await waitForPage(page, `Number(document.querySelector('[data-testid=heatmap-h]')?.dataset.frames) > 0`, 15_000);
    await page.evaluate(START_COUNTING);
    const remaining = seconds * 1000 - (Date.now() - startedAt);
    if (remaining > 0) await page.waitForTimeout(remaining);
    const measured = (await page.evaluate(STOP_COUNTING)) as Record<string, number | null>;
    await page.keyboard.press('s');

    const report = { what: 'live Look inside while recording (bundled base model, 2 × 256 LSTM, in-process engine, headless Chromium)', targetFps: 30, ...measured };
    writeFileSync(join(ARTIFACTS, 'live-frame-rate.json'), `${JSON.stringify(report, null, 1)}\n`);
    console.log(`live-frame-rate ${JSON.stringify(report)}`);
    assert.ok((measured.redraws ?? 0) > 0, 'the heatmaps were redrawn while recording');
    assert.ok((measured.frames ?? 0) > 0, 'the page produced frames');
    assert.deepEqual(session.pageErrors, []);
  } finally {
    await session.close();
    rmSync(dirname(microphone), { recursive: true, force: true });
  }
});
