/**
 * "Look inside", readable: with the bundled base model (256 units a layer) every unit has its own
 * row, checked pixel by pixel against the engine's numbers; the diverging scale's zero is the
 * lane's background; zoom, trim silence and pan change the time window every lane draws; and
 * hovering the CTC lane spells out how the per-step labels collapse into the text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { colourOf } from '../renderer/src/inspect/colour-scales.ts';
import { collapse } from '../renderer/src/inspect/ctc-collapse.ts';
import { mostLikelyClasses } from '../renderer/src/inspect/timeline-data.ts';
import { makeMicrophoneWav } from './support/audio-fixture.ts';
import { hasChromium } from './support/browser.ts';
import { openAppSession } from './support/app-session.ts';
import { REPO_ROOT } from './support/build.ts';
import { waitForPage } from './support/page-checks.ts';

const MODEL = join(REPO_ROOT, 'assets', 'models', 'base');
// A held-out AN4 digit string, padded with silence as a real recording is (0.5 s before, 1.5 s after).
const SAMPLE = join(REPO_ROOT, 'assets', 'samples', 'an4-mskh-one-five-two-three-two.wav');
const missing = [!hasChromium() && 'Chromium', !existsSync(join(MODEL, 'meta.json')) && 'the base model', !existsSync(SAMPLE) && SAMPLE].filter(Boolean);
const skip = missing.length > 0 ? `missing: ${missing.join(', ')}` : false;

/** Reads pixel rows of a canvas at one x: [r, g, b] for each y in ys (backing-store pixels). */
function pixelsAt(testId: string, x: number, ys: number[]): string {
  return `(() => {
    const canvas = document.querySelector('[data-testid="${testId}"]');
    const context = canvas.getContext('2d');
    return ${JSON.stringify(ys)}.map((y) => [...context.getImageData(${x}, y, 1, 1).data.slice(0, 3)]);
  })()`;
}

test('look inside: every unit a row, zero is the background, zoom/trim/pan, the CTC rule on hover', { skip, timeout: 150_000 }, async () => {
  const session = await openAppSession({ engine: 'in-process', modelDir: MODEL, decoding: { mode: 'digits', customVocabulary: '', beam: 8 } });
  const { page, backend } = session;
  const padded = makeMicrophoneWav([SAMPLE]);
  try {
    await waitForPage(page, `document.querySelector('[data-testid=status-bar]')?.dataset.state === 'ready'`, 60_000);
    await page.getByTestId('tab-files').click();
    await page.getByTestId('file-input').setInputFiles(padded);
    await waitForPage(page, `document.querySelector('[data-testid=file-job]')?.dataset.stage === 'done'`, 60_000);
    const [transcript] = await backend.listTranscripts('');
    await page.getByRole('button', { name: 'Open in library →' }).first().click();
    await page.getByTestId('look-inside').click();
    const inspection = await backend.inspectTranscript(transcript.id);
    const units = inspection.layers[0].units;
    assert.equal(units, 256, 'the base model has 256 units a layer');
    await waitForPage(page, `document.querySelector('[data-testid=heatmap-h]')?.dataset.frames === '${inspection.steps}'`);

    // Every unit visible: 256 rows of 1 CSS px, no pooling, and the label says so.
    const box = (await page.getByTestId('heatmap-h').boundingBox())!;
    assert.equal(Math.round(box.height), 256);
    assert.equal(await page.getByTestId('heatmap-h').getAttribute('data-rows'), '256');
    assert.equal(await page.getByTestId('heatmap-h').getAttribute('data-pool'), '1');
    assert.match((await page.getByTestId('rows-h').textContent()) ?? '', /256 units, 1 px each/);
    // ... and each row is its own unit's value at that step, pixel for pixel (h is drawn over ±1).
    const size = (await page.evaluate(`(() => { const c = document.querySelector('[data-testid=heatmap-h]'); return [c.width, c.height]; })()`)) as [number, number];
    const step = Math.floor(inspection.steps / 2);
    const x = Math.floor(((step + 0.5) / (inspection.steps)) * size[0] * (inspection.steps * inspection.stepSeconds) / Math.max(inspection.steps * inspection.stepSeconds, transcript.durationSeconds));
    const rowPx = size[1] / units;
    const ys = Array.from({ length: units }, (_, unit) => Math.floor((unit + 0.5) * rowPx));
    const pixels = (await page.evaluate(pixelsAt('heatmap-h', x, ys))) as number[][];
    let mismatched = 0;
    for (let unit = 0; unit < units; unit++) {
      const expected = colourOf('diverging', inspection.layers[0].hidden![step * units + unit], 1);
      if (expected.some((c, i) => Math.abs(c - pixels[unit][i]) > 2)) mismatched++;
    }
    assert.equal(mismatched, 0, `${mismatched} of ${units} rows do not show their unit's h at step ${step}`);

    // Zero is the panel's background: the canvas's CSS background is the scale's zero colour.
    const background = (await page.evaluate(`getComputedStyle(document.querySelector('[data-testid=heatmap-c]')).backgroundColor`)) as string;
    assert.equal(background, `rgb(${colourOf('diverging', 0, 1).join(', ')})`);
    await session.screenshot('inspect-1-every-unit');

    // Zoom: + twice narrows the view 2.25× around the middle; the axis and lanes follow.
    const viewOf = async () => {
      const axis = page.getByTestId('time-axis');
      return [Number(await axis.getAttribute('data-view-start')), Number(await axis.getAttribute('data-view-end'))];
    };
    const [start0, end0] = await viewOf();
    assert.equal(start0, 0);
    await page.getByTestId('zoom-in').click();
    await page.getByTestId('zoom-in').click();
    await waitForPage(page, `Number(document.querySelector('[data-testid=time-axis]').dataset.viewEnd) < ${end0}`);
    const [start1, end1] = await viewOf();
    assert.ok(Math.abs((end1 - start1) - end0 / 2.25) < 0.01, `zoomed span ${end1 - start1} vs ${end0 / 2.25}`);
    // The hover readout under the zoomed view still reads the engine's value for that step.
    await page.mouse.move(box.x + box.width * 0.25, box.y + 100);
    const readout = (await page.getByTestId('hover-readout').textContent()) ?? '';
    const match = /t = (\d+\.\d+) s \(step (\d+)\).*unit (\d+).*value (-?\d+\.\d+)/.exec(readout);
    assert.ok(match, readout);
    const seconds = start1 + 0.25 * (end1 - start1);
    assert.ok(Math.abs(Number(match[1]) - seconds) < 0.02, `pointer at ${seconds} s, readout ${match[1]}`);
    assert.equal(Number(match[2]), Math.floor(seconds / inspection.stepSeconds));
    assert.ok(Math.abs(inspection.layers[0].hidden![Number(match[2]) * units + Number(match[3])] - Number(match[4])) < 1e-3);

    // Drag pans: moving right shows earlier time.
    await page.mouse.move(box.x + box.width * 0.5, box.y + 50);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, box.y + 50, { steps: 5 });
    await page.mouse.up();
    const [start2] = await viewOf();
    assert.ok(start2 < start1, `dragging right moved the view earlier (${start1} → ${start2})`);
    await page.getByTestId('zoom-all').click();
    await waitForPage(page, `Number(document.querySelector('[data-testid=time-axis]').dataset.viewStart) === 0`);

    // Trim silence: the view shrinks to the speech and still holds the recognised word.
    await page.getByTestId('trim-silence').click();
    await waitForPage(page, `document.querySelector('[data-testid=trim-note]') !== null`);
    const [start3, end3] = await viewOf();
    assert.ok(end3 - start3 < end0, `trimmed ${start3}–${end3} of ${end0}`);
    for (const word of transcript.words) assert.ok(word.start >= start3 - 0.05 && word.end <= end3 + 0.05, `"${word.word}" ${word.start}–${word.end} within ${start3}–${end3}`);
    await session.screenshot('inspect-2-silence-trimmed');

    // Hover the CTC lane where a letter is emitted: the explanation spells the collapse rule,
    // and what it spells is the rule applied to the engine's own most likely labels.
    const best = mostLikelyClasses(inspection.logProbs, inspection.steps, inspection.classes.length);
    const letterStep = best.findIndex((label) => label !== 0);
    assert.ok(letterStep >= 0, 'the best path emits a letter');
    const ctcBox = (await page.getByTestId('lane-ctc').boundingBox())!;
    const letterSeconds = (letterStep + 0.5) * inspection.stepSeconds;
    await page.mouse.move(ctcBox.x + ((letterSeconds - start3) / (end3 - start3)) * ctcBox.width, ctcBox.y + ctcBox.height / 2);
    await waitForPage(page, `document.querySelector('[data-testid=ctc-explain]') !== null`);
    const explained = (await page.getByTestId('ctc-text').textContent()) ?? '';
    const spelled = collapse(best, inspection.classes).trim().split(' ')[0];
    assert.equal(explained, `“${spelled}”`);
    assert.match((await page.getByTestId('ctc-explain').textContent()) ?? '', /Repeats of the same label merge.*Blanks \(·\) drop out/s);
    await session.screenshot('inspect-3-ctc-explained');

    assert.deepEqual(session.pageErrors, []);
  } finally {
    await session.close();
    rmSync(dirname(padded), { recursive: true, force: true });
  }
});
