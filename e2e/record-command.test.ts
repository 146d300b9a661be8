/**
 * Commands mode, end to end in Chromium: a recording plays as the microphone, the engine must
 * pick exactly one phrase of the list, and the record view says which, with its confidence.
 */
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TranscriptDTO } from '../contract/contract.ts';
import { makeMicrophoneWav, wavSeconds } from './support/audio-fixture.ts';
import { hasChromium } from './support/browser.ts';
import { openAppSession } from './support/app-session.ts';
import { waitForPage } from './support/page-checks.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const INPUT = join(ROOT, 'assets', 'samples', 'an4-mskh-enter-seventy-one.wav');
const MODEL = join(ROOT, 'assets', 'models', 'base');
const PHRASES = ['stop recording', 'enter seventy one', 'go back', 'one five two three two'];
const missing = [!hasChromium() && 'Chromium (/usr/bin/chromium)', !existsSync(INPUT) && INPUT, !existsSync(join(MODEL, 'meta.json')) && MODEL].filter(Boolean);
const skip = missing.length > 0 ? `missing: ${missing.join(', ')}` : false;

test('Commands mode: the live view names the phrase the engine chose and its confidence', { skip, timeout: 120_000 }, async () => {
  const microphone = makeMicrophoneWav([INPUT]);
  const session = await openAppSession({ microphoneWav: microphone, modelDir: MODEL, engine: 'in-process', decoding: { mode: 'commands', customVocabulary: PHRASES.join('\n'), beam: 8 } });
  const { page } = session;
  try {
    await waitForPage(page, `document.querySelector('[data-testid=status-bar]')?.dataset.state === 'ready'`);
    await page.getByTestId('record-button').click();
    await waitForPage(page, `document.querySelector('[data-testid=record-button]').dataset.state === 'recording'`);
    await page.waitForTimeout(wavSeconds(microphone) * 1000 + 400);
    await page.keyboard.press('r');
    await waitForPage(page, `!document.querySelector('[data-testid=transcript-final]').hidden`, 30_000);
    const stopped = session.log.calls.find((call) => call.method === 'stopRecording')?.result as { transcript: TranscriptDTO } | undefined;
    const command = stopped?.transcript.command;
    assert.ok(command, `the engine returned a command choice: ${JSON.stringify(stopped?.transcript)}`);
    assert.equal(command.phrase, 'enter seventy one');
    const verdict = page.getByTestId('command-choice');
    assert.equal(await verdict.getAttribute('data-accepted'), String(command.accepted));
    const text = (await verdict.textContent()) ?? '';
    // What the page says is what the engine decided, confidence included.
    assert.ok(text.includes('"enter seventy one"') && text.includes(`${(command.confidence * 100).toFixed(0)}%`), text);
    await session.screenshot('record-command');
  } finally {
    await session.close();
  }
});
