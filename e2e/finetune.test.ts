/**
 * Fine-tune on your own voice, end to end in Chromium against the real backend (engine in a worker
 * thread): import a folder of one speaker's labelled digits, fine-tune the digits fixture model
 * for one epoch with visible progress, see the new version with its before/after on the held-out
 * part, make it active, transcribe a file with it, and switch back to its parent. Screenshots of
 * each stage go to artifacts/finetune-*.png.
 */
import { FSDD_DIR } from '../model/testing/fsdd-fixture.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppEvent, ModelComparisonDTO } from '../contract/contract.ts';
import { hasChromium } from './support/browser.ts';
import { DIGITS_MODEL, openAppSession } from './support/app-session.ts';
import { waitForPage } from './support/page-checks.ts';

const FSDD = FSDD_DIR;
// One speaker's takes 0–4 (the fixture model's dev takes, never trained on): all ten digits once,
// plus two more, as a user's "own voice" folder with FSDD-style names.
const SPEAKER = 'nicolas';
const CLIPS = [...Array.from({ length: 10 }, (_, digit) => `${digit}_${SPEAKER}_0.wav`), `1_${SPEAKER}_1.wav`, `2_${SPEAKER}_1.wav`];
const TEST_FILE = join(FSDD, `7_${SPEAKER}_4.wav`);
const missing = [
  !hasChromium() && 'Chromium',
  !existsSync(join(DIGITS_MODEL, 'meta.json')) && 'the digits model fixture',
  ...[...CLIPS.map((clip) => join(FSDD, clip)), TEST_FILE].filter((path) => !existsSync(path)),
].filter(Boolean);
const skip = missing.length > 0 ? `missing: ${missing.join(', ')}` : false;

test('fine-tune on your own voice: import, train with progress, before/after, activate, transcribe, switch back', { skip, timeout: 180_000 }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'cellscribe-finetune-'));
  const voiceDir = join(folder, `${SPEAKER}-digits`);
  mkdirSync(voiceDir);
  for (const clip of CLIPS) copyFileSync(join(FSDD, clip), join(voiceDir, clip));
  // Not labelled: no transcript beside it, no manifest, not an FSDD name. Must be reported, not imported.
  copyFileSync(join(FSDD, `3_${SPEAKER}_2.wav`), join(voiceDir, 'kitchen-take.wav'));
  writeFileSync(join(voiceDir, 'notes.md'), 'recorded on the laptop microphone\n');

  const session = await openAppSession({ engine: 'worker', decoding: { mode: 'digits', customVocabulary: '', beam: 8 } });
  const { page, backend, log } = session;
  const events: AppEvent[] = [];
  const unsubscribe = backend.subscribe((event) => events.push(event));
  try {
    await waitForPage(page, `document.querySelector('[data-testid=status-bar]')?.dataset.state === 'ready'`, 60_000);
    const base = (await backend.getSettings()).activeModelId;

    // Collect: a dataset and the folder import, with what was skipped and why.
    await page.getByTestId('tab-voice').click();
    await page.getByTestId('dataset-name').fill(`${SPEAKER} digits`);
    await page.getByTestId('dataset-create').click();
    await waitForPage(page, `document.querySelector('[data-testid=dataset-entry].selected')?.textContent.includes('${SPEAKER} digits')`);
    await page.getByTestId('dataset-import-input').setInputFiles(voiceDir);
    await waitForPage(page, `document.querySelector('[data-testid=import-report]') !== null`, 30_000);
    const report = page.getByTestId('import-report');
    assert.equal(await report.getAttribute('data-imported'), String(CLIPS.length));
    const reportText = (await report.textContent()) ?? '';
    assert.match(reportText, /kitchen-take\.wav/, 'the unlabelled file is listed as skipped');
    const [dataset] = await backend.listDatasets();
    const { items } = await backend.getDataset(dataset.id);
    const heldOut = items.filter((item) => item.split === 'heldout').length;
    assert.equal(items.length, CLIPS.length);
    await waitForPage(page, `document.querySelectorAll('[data-testid=dataset-item]').length === ${CLIPS.length}`);
    assert.equal(await page.getByTestId('split-heldout').getAttribute('data-count'), String(heldOut), 'the page shows the backend\u2019s split');
    assert.match((await page.getByTestId('dataset-counts').textContent()) ?? '', new RegExp(`${CLIPS.length - heldOut} training · ${heldOut} held out`));
    await session.screenshot('finetune-1-imported');

    // Train: one epoch from the digits model, progress visible while it runs.
    await page.getByTestId('voice-train').click();
    await page.getByTestId('finetune-epochs').fill('1');
    await page.getByTestId('finetune-name').fill(`${SPEAKER} v1`);
    await page.getByTestId('finetune-start').click();
    await waitForPage(page, `document.querySelector('[data-testid=finetune-progress]') !== null`);
    await waitForPage(page, `Number(document.querySelector('[data-testid=finetune-progress]').dataset.step) > 0 || document.querySelector('[data-testid=finetune-progress]').dataset.state === 'done'`, 60_000);
    await session.screenshot('finetune-2-training');
    await waitForPage(page, `['done', 'failed'].includes(document.querySelector('[data-testid=finetune-progress]').dataset.state)`, 120_000);
    const [job] = await backend.listJobs();
    assert.equal(job.state, 'done', `the job ended ${job.state}: ${job.error}`);
    assert.ok(job.modelId, 'the job produced a model version');
    const progress = events.filter((event): event is Extract<AppEvent, { type: 'train-progress' }> => event.type === 'train-progress');
    assert.ok(progress.length > 0, 'train-progress events arrived');
    const gradients = events.filter((event): event is Extract<AppEvent, { type: 'train-gradients' }> => event.type === 'train-gradients');
    if (gradients.length > 0) {
      const last = gradients.at(-1)!.snapshot;
      await waitForPage(page, `document.querySelector('[data-testid=gradient-heatmap]')?.dataset.steps === '${last.steps}'`);
      assert.equal(await page.getByTestId('gradient-heatmap').getAttribute('data-layers'), String(last.layers));
    }
    assert.equal(await page.getByTestId('compare-row').count(), 1);
    await session.screenshot('finetune-3-trained');

    // Keep: the new version, its before/after on the held-out part, then make it active.
    const models = await backend.listModels();
    const version = models.find((model) => model.id === job.modelId);
    assert.ok(version, 'the new version is listed');
    assert.equal(version.parentId, base);
    await page.getByTestId('voice-keep').click();
    await waitForPage(page, `document.querySelector('[data-testid=model-row][data-model-id="${version.id}"]') !== null`);
    await page.getByTestId(`model-compare-${version.id}`).click();
    await waitForPage(page, `document.querySelector('[data-testid=before-after]') !== null`, 60_000);
    const comparison = log.calls.findLast((call) => call.method === 'compareWithParent')?.result as ModelComparisonDTO;
    assert.equal(comparison.utterances.length, heldOut);
    const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
    const werRow = (await page.getByTestId('metric-wer').textContent()) ?? '';
    assert.ok(werRow.includes(percent(comparison.before.wer)) && werRow.includes(percent(comparison.after.wer)), `WER row ${werRow}`);
    assert.equal(await page.getByTestId('utterance-diff').count(), heldOut);
    await session.screenshot('finetune-4-before-after');

    await page.getByTestId(`model-activate-${version.id}`).click();
    await waitForPage(page, `document.querySelector('[data-testid=model-row][data-active=true]')?.dataset.modelId === '${version.id}'`, 30_000);
    assert.equal((await backend.getSettings()).activeModelId, version.id);
    await waitForPage(page, `document.querySelector('[data-testid=status-bar]').dataset.state === 'ready' && document.querySelector('[data-testid=status-bar]').textContent.includes(${JSON.stringify(version.name)})`, 60_000);

    // Transcribe a file with the fine-tuned version.
    await page.getByTestId('tab-files').click();
    await page.getByTestId('file-input').setInputFiles(TEST_FILE);
    await waitForPage(page, `document.querySelector('[data-testid=file-job]')?.dataset.stage === 'done'`, 60_000);
    const transcript = (await backend.listTranscripts('')).find((entry) => entry.fileName === '7_nicolas_4.wav');
    assert.ok(transcript, 'the file was transcribed');
    assert.equal(transcript.modelId, version.id, 'with the fine-tuned version');
    await session.screenshot('finetune-5-transcribed');

    // Switch back to the parent: one click.
    await page.getByTestId('tab-voice').click();
    await page.getByTestId('model-rollback').click();
    await waitForPage(page, `document.querySelector('[data-testid=model-row][data-active=true]')?.dataset.modelId === '${base}'`, 30_000);
    assert.equal((await backend.getSettings()).activeModelId, base);
    await session.screenshot('finetune-6-switched-back');

    assert.deepEqual(session.pageErrors, []);
  } finally {
    unsubscribe();
    await session.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
