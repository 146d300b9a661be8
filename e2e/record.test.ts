/**
 * Record and transcribe, end to end in Chromium: a real recording plays as the microphone, the
 * renderer captures it through the AudioWorklet in 100 ms chunks of 16 kHz audio and streams it
 * through the bridge to the real backend, and the page shows partial text, the final words and
 * the network's internals. `npm run e2e:record`; CELLSCRIBE_E2E_WAV / CELLSCRIBE_E2E_EXPECT replace
 * the built-in input and the words expected (CELLSCRIBE_E2E_MODEL and CELLSCRIBE_E2E_DECODING too).
 */
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DecodingMode, InspectionDTO, TranscriptDTO } from '../contract/contract.ts';
import { makeMicrophoneWav, wavSeconds } from './support/audio-fixture.ts';
import { hasChromium } from './support/browser.ts';
import { openAppSession } from './support/app-session.ts';
import { canvasStats, waitForPage } from './support/page-checks.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// A held-out AN4 speaker's digit string, through the bundled base model (trained with pauses
// around speech, so a microphone that starts a little late does not throw it; the FSDD-only
// digits model misread the padded clip as "one" or "three" on a loaded machine).
const DEFAULT_INPUTS = [join(ROOT, 'assets', 'samples', 'an4-mskh-one-five-two-three-two.wav')];
const inputs = process.env.CELLSCRIBE_E2E_WAV ? [process.env.CELLSCRIBE_E2E_WAV] : DEFAULT_INPUTS;
const expectedWords = (process.env.CELLSCRIBE_E2E_EXPECT ?? 'one five two three two').toLowerCase().split(/\s+/).filter(Boolean);
const modelDir = process.env.CELLSCRIBE_E2E_MODEL ?? join(ROOT, 'assets', 'models', 'base');
const decodingMode = (process.env.CELLSCRIBE_E2E_DECODING ?? 'digits') as DecodingMode;

const missing = [
  !hasChromium() && 'Chromium (/usr/bin/chromium)',
  !existsSync(join(modelDir, 'meta.json')) && `the model at ${modelDir}`,
  ...inputs.filter((path) => !existsSync(path)),
].filter(Boolean);
const skip = missing.length > 0 ? `missing: ${missing.join(', ')}` : false;

const GATE_LANES = ['c', 'h', 'i', 'f', 'o'] as const;
const LANE_KEYS = { c: 'cellState', h: 'hidden', i: 'inputGate', f: 'forgetGate', o: 'outputGate' } as const;

test('record from the microphone: partial text, final words, heatmaps with the engine\u2019s shapes, hover readout, playback', { skip, timeout: 120_000 }, async () => {
  const microphone = makeMicrophoneWav(inputs);
  const seconds = wavSeconds(microphone);
  const session = await openAppSession({ microphoneWav: microphone, modelDir, engine: 'in-process', decoding: { mode: decodingMode, customVocabulary: '', beam: 8 } });
  const { page } = session;
  try {
    await waitForPage(page, `document.querySelector('[data-testid=status-bar]')?.dataset.state === 'ready'`);
    await session.screenshot('record-0-idle');

    // Start with the button, then watch it live; the fake device starts playing at getUserMedia.
    await page.getByTestId('record-button').click();
    await waitForPage(page, `document.querySelector('[data-testid=record-button]').dataset.state === 'recording'`);
    const startedAt = Date.now();
    // Partial text appears while still recording (before stop).
    await waitForPage(page, `document.querySelector('[data-testid=transcript-partial]').textContent.replace('…', '').trim().length > 0`, 15_000);
    const level = Number(await page.getByTestId('level-meter').getAttribute('data-level-db'));
    assert.ok(level > -100, `the level meter shows a live level (got ${level} dBFS)`);
    await session.screenshot('record-1-live-partial');

    await page.getByTestId('tab-inspect').click();
    // The heatmaps grow while recording (no fixed wait: on a loaded machine the engine may lag).
    const liveFramesEarly = Number(await page.getByTestId('heatmap-h').getAttribute('data-frames'));
    await waitForPage(page, `Number(document.querySelector('[data-testid=heatmap-h]').dataset.frames) > ${liveFramesEarly}`, 10_000);
    await session.screenshot('inspect-1-live');

    // Let the whole file play (plus a margin), then stop with the keyboard shortcut.
    const remaining = seconds * 1000 + 400 - (Date.now() - startedAt);
    if (remaining > 0) await page.waitForTimeout(remaining);
    await page.getByTestId('tab-record').click();
    await page.keyboard.press('r');
    await waitForPage(page, `!document.querySelector('[data-testid=transcript-final]').hidden`, 30_000);
    const finalText = (await page.getByTestId('transcript-final').textContent() ?? '').trim().replace(/\s+/g, ' ');
    assert.deepEqual(finalText.split(' '), expectedWords, `final transcript "${finalText}"`);
    await session.screenshot('record-2-final');

    // What the engine produced for the whole recording: the heatmaps must show exactly that.
    const stopped = session.log.calls.find((call) => call.method === 'stopRecording')?.result as { transcript: TranscriptDTO; inspection: InspectionDTO } | undefined;
    assert.ok(stopped, 'stopRecording went through the bridge');
    const { inspection } = stopped;
    assert.equal(stopped.transcript.text, expectedWords.join(' '));
    await page.getByTestId('tab-inspect').click();
    for (let layer = 0; layer < inspection.layers.length; layer++) {
      await page.getByTestId('layer-picker').selectOption(String(layer));
      const units = inspection.layers[layer].units;
      for (const lane of GATE_LANES) {
        const expectedSteps = (inspection.layers[layer][LANE_KEYS[lane]]?.length ?? 0) / units;
        assert.equal(expectedSteps, inspection.steps, `layer ${layer + 1} ${lane}: the engine gave one row per step`);
        await waitForPage(page, `document.querySelector('[data-testid=heatmap-${lane}]')?.dataset.frames === '${inspection.steps}' && document.querySelector('[data-testid=heatmap-${lane}]')?.dataset.units === '${units}'`, 5_000);
        const stats = await canvasStats(page, `heatmap-${lane}`);
        assert.equal(stats.frames, inspection.steps);
        assert.equal(stats.units, units);
        assert.ok(stats.painted > stats.width * stats.height * 0.5, `heatmap-${lane} (layer ${layer + 1}) is painted: ${stats.painted} of ${stats.width * stats.height} pixels`);
        assert.ok(stats.colours >= 8, `heatmap-${lane} (layer ${layer + 1}) shows structure, not one flat colour: ${stats.colours} colours`);
      }
      await session.screenshot(`inspect-2-final-layer${layer + 1}`);
    }
    for (const lane of ['lane-waveform', 'lane-mfcc', 'lane-ctc']) {
      const stats = await canvasStats(page, lane);
      assert.ok(stats.colours >= 2, `${lane} is drawn (${stats.colours} colours)`);
    }

    // Hover: the readout names the step, the unit and its value, which must be the engine's number.
    await page.getByTestId('layer-picker').selectOption('0');
    await page.getByTestId('unit-sort').selectOption('variance');
    const box = (await page.getByTestId('heatmap-h').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.3);
    const readout = (await page.getByTestId('hover-readout').textContent()) ?? '';
    const match = /step (\d+)\).*unit (\d+).*value (-?\d+\.\d+).*emitting (blank|space|“.”)/.exec(readout);
    assert.ok(match, `hover readout "${readout}"`);
    const [step, unit, shown] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const units0 = inspection.layers[0].units;
    const actual = inspection.layers[0].hidden![step * units0 + unit];
    assert.ok(Math.abs(actual - shown) < 1e-3, `readout value ${shown} = engine's h[step ${step}, unit ${unit}] ${actual}`);
    await session.screenshot('inspect-3-hover-sorted-by-variance');

    // Click plays from there: the playhead appears across the lanes.
    await page.mouse.click(box.x + box.width * 0.2, box.y + box.height * 0.5);
    await waitForPage(page, `!document.querySelector('[data-testid=playhead]').hidden`, 5_000);
    await session.screenshot('inspect-4-playing');

    assert.deepEqual(session.pageErrors, []);
  } finally {
    await session.close();
    rmSync(dirname(microphone), { recursive: true, force: true });
  }
});
