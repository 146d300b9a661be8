/**
 * The "Your voice" panel in Chromium against the scripted FakeAppApi (no engine): every control of
 * Collect, Train and Keep, including a prompted take from the (fake) microphone through the
 * capture worklet, a folder import through the webkitdirectory input, a job's live progress and
 * gradient heatmap, three heads compared side by side, before/after, activate and switch back.
 * Fast and independent of the backend; e2e/finetune.test.ts runs the real thing.
 */
import { FSDD_DIR } from '../model/testing/fsdd-fixture.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeMicrophoneWav } from './support/audio-fixture.ts';
import { hasChromium, launchChromium } from './support/browser.ts';
import { ARTIFACTS } from './support/app-session.ts';
import { buildRenderer, fakeApiScript, RENDERER_OUT } from './support/build.ts';
import { canvasStats, waitForPage } from './support/page-checks.ts';
import { serveStatic } from './support/static-server.ts';

const FSDD = FSDD_DIR;
const CLIPS = ['3_nicolas_0.wav', '4_nicolas_0.wav', '5_nicolas_0.wav', '6_nicolas_1.wav', '8_nicolas_2.wav'];
const missing = [!hasChromium() && 'Chromium', ...CLIPS.map((clip) => join(FSDD, clip)).filter((path) => !existsSync(path))].filter(Boolean);
const skip = missing.length > 0 ? `missing: ${missing.join(', ')}` : false;

test('Your voice against the fake API: collect, train, compare, keep', { skip, timeout: 90_000 }, async () => {
  buildRenderer();
  mkdirSync(ARTIFACTS, { recursive: true });
  const folder = mkdtempSync(join(tmpdir(), 'cellscribe-voice-'));
  const dataDir = join(folder, 'my-digits');
  mkdirSync(dataDir);
  for (const clip of CLIPS) copyFileSync(join(FSDD, clip), join(dataDir, clip));
  writeFileSync(join(dataDir, 'notes.md'), 'not audio\n');
  writeFileSync(join(dataDir, 'unlabelled.wav'), Buffer.alloc(2000));
  const microphone = makeMicrophoneWav([join(FSDD, '7_jackson_0.wav')]);
  const server = await serveStatic(RENDERER_OUT);
  const browser = await launchChromium(microphone);
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await context.grantPermissions(['microphone'], { origin: server.url.replace(/\/$/, '') });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    page.on('dialog', (dialog) => void dialog.accept());
    await page.addInitScript({ content: await fakeApiScript({ trainStepMs: 30 }) });
    await page.goto(server.url);
    const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `voice-fake-${name}.png`), fullPage: true });

    // Collect: a dataset, one prompted take from the microphone, then a folder import.
    await page.getByTestId('tab-voice').click();
    await page.getByTestId('dataset-name').fill('Nicolas digits');
    await page.getByTestId('dataset-create').click();
    await waitForPage(page, `document.querySelector('[data-testid=dataset-entry].selected')?.textContent.includes('Nicolas digits')`);
    await waitForPage(page, `document.querySelector('[data-testid=prompt-text]')?.textContent === 'zero one two'`);
    await page.getByTestId('prompt-record').click();
    await waitForPage(page, `document.querySelector('[data-testid=prompt-record]').dataset.state === 'recording'`);
    await waitForPage(page, `Number(document.querySelector('[data-testid=level-meter]').dataset.levelDb) > -40`, 10_000);
    await page.waitForTimeout(1200);
    await page.getByTestId('prompt-record').click();
    await waitForPage(page, `document.querySelector('[data-testid=last-take]') !== null`);
    assert.match((await page.getByTestId('last-take').textContent()) ?? '', /“zero one two” · \d\.\d s/);
    await page.getByTestId('take-play').click();
    await page.getByTestId('prompt-next').click();
    assert.equal(await page.getByTestId('prompt-text').textContent(), 'three four five');

    await page.getByTestId('dataset-import-input').setInputFiles(dataDir);
    await waitForPage(page, `document.querySelector('[data-testid=import-report]') !== null`);
    const report = page.getByTestId('import-report');
    assert.equal(await report.getAttribute('data-imported'), String(CLIPS.length));
    assert.equal(await report.getAttribute('data-skipped'), '2');
    const reportText = (await report.textContent()) ?? '';
    assert.match(reportText, /my-digits\/notes\.md — not a WAV file/);
    assert.match(reportText, /my-digits\/unlabelled\.wav — no transcript/);
    // Six items: the fake holds out every fifth, so one is held out.
    await waitForPage(page, `document.querySelectorAll('[data-testid=dataset-item]').length === 6`);
    assert.equal(await page.getByTestId('split-heldout').getAttribute('data-count'), '1');
    assert.match((await page.getByTestId('dataset-counts').textContent()) ?? '', /5 training · 1 held out/);
    await shot('1-collect');

    // Train: one job with live progress, curves and the gradient heatmap.
    await page.getByTestId('voice-train').click();
    // Plain words: the defaults are shown as their values, each setting explains itself in a line.
    assert.equal(await page.getByTestId('finetune-epochs').inputValue(), '30');
    assert.equal(await page.getByTestId('finetune-lr').inputValue(), '0.001');
    const hints = await page.locator('.train-settings .setting-hint').allTextContents();
    assert.equal(hints.length, 6, 'a one-line explanation under every setting');
    for (const hint of hints) assert.ok(hint.length > 20 && !/^0 = /.test(hint), hint);
    assert.doesNotMatch((await page.locator('.train-settings').textContent()) ?? '', /Head: keep|0 = the defaults/);
    await page.getByTestId('finetune-epochs').fill('2');
    await page.getByTestId('finetune-name').fill('nicolas v1');
    await page.getByTestId('finetune-start').click();
    await waitForPage(page, `document.querySelector('[data-testid=finetune-progress]')?.dataset.state === 'running' && Number(document.querySelector('[data-testid=finetune-progress]').dataset.step) > 3`);
    assert.match((await page.getByTestId('job-eta').textContent()) ?? '', /ETA \d+ s/);
    await waitForPage(page, `document.querySelector('[data-testid=finetune-progress]').dataset.state === 'done'`);
    const heatmap = await canvasStats(page, 'gradient-heatmap');
    assert.equal(await page.getByTestId('gradient-heatmap').getAttribute('data-layers'), '2');
    assert.equal(await page.getByTestId('gradient-heatmap').getAttribute('data-steps'), '40');
    assert.ok(heatmap.colours >= 8, `heatmap has structure (${heatmap.colours} colours)`);
    assert.ok(Number(await page.getByTestId('loss-chart').getAttribute('data-points')) >= 10);
    // Clipping is a marker, not an alarm: no red anywhere in the norm history or the badge.
    const historyReds = await page.evaluate(`(() => {
      const canvas = document.querySelector('[data-testid=norm-history]');
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let reds = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && data[i] > 200 && data[i + 1] < 100 && data[i + 2] < 100) reds++;
      return reds;
    })()`);
    assert.equal(historyReds, 0);
    const badgeColour = (await page.evaluate(`getComputedStyle(document.querySelector('[data-testid=clip-indicator]')).backgroundColor`)) as string;
    assert.doesNotMatch(badgeColour, /rgb\((9\d|1\d\d|2\d\d), (\d|[1-4]\d), (\d|[1-4]\d)\)/, `badge ${badgeColour} is not red`);
    assert.match((await page.getByTestId('gradient-reach').textContent()) ?? '', /layer 1 (about as strong|[\d ]+× (weaker|stronger)|not measurable)/);

    // Compare the three heads on the same data.
    await page.getByTestId('finetune-compare').click();
    await waitForPage(page, `[...document.querySelectorAll('[data-testid=finetune-progress]')].length === 4 && [...document.querySelectorAll('[data-testid=finetune-progress]')].every((bar) => bar.dataset.state === 'done')`, 30_000);
    const rows = await page.getByTestId('compare-row').allTextContents();
    assert.equal(rows.length, 4);
    for (const head of ['lstm', 'peephole', 'gru']) assert.ok(rows.some((row) => row.includes(`(${head})`)), `a ${head} row in ${rows.join(' | ')}`);
    assert.equal(await page.getByTestId('cer-chart').getAttribute('data-series'), '4');
    await shot('2-train');

    // Keep: before/after, activate, switch back.
    await page.getByTestId('voice-keep').click();
    const models = await page.evaluate('window.api.listModels()') as { id: string; name: string; parentId: string | null }[];
    const v1 = models.find((model) => model.name === 'nicolas v1');
    assert.ok(v1?.parentId, 'the job produced a version with a parent');
    await page.getByTestId(`model-compare-${v1.id}`).click();
    await waitForPage(page, `document.querySelector('[data-testid=before-after]') !== null`);
    assert.match((await page.getByTestId('metric-wer').textContent()) ?? '', /42\.0 %.*17\.0 %/);
    assert.ok(await page.locator('[data-testid=before-after] .diff-word.changed').count() > 0, 'changed words are highlighted');
    // It says what it rests on (one held-out recording here) and warns that this is too few.
    assert.match((await page.getByTestId('before-after-basis').textContent()) ?? '', /on 1 held-out recording /);
    assert.match((await page.getByTestId('before-after-warning').textContent()) ?? '', /Only 1 held-out recording: each one is 100 % of the result/);
    await page.getByTestId(`model-activate-${v1.id}`).click();
    await waitForPage(page, `document.querySelector('[data-testid=model-row][data-active=true]')?.dataset.modelId === '${v1.id}'`);
    await waitForPage(page, `document.querySelector('[data-testid=status-bar]').textContent.includes('nicolas v1')`);
    await shot('3-keep');
    await page.getByTestId('model-rollback').click();
    await waitForPage(page, `document.querySelector('[data-testid=model-row][data-active=true]')?.dataset.modelId === '${v1.parentId}'`);

    assert.deepEqual(errors, []);
  } finally {
    await browser.close().catch(() => undefined);
    await server.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
