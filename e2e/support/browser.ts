/**
 * Launches Debian's Chromium through playwright-core with a file as the fake microphone, using
 * the flags that docs/feasibility.md §1 found to work (and its traps: pad the WAV with silence,
 * %noloop, all three audio processing constraints off in the page).
 */
import { chromium, type Browser } from 'playwright-core';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CELLSCRIBE_CHROMIUM ?? '/usr/bin/chromium';

/** True when the browser binary is there (tests skip, with a reason, where it is not). */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

/** `microphoneWav`: an absolute path to a 16-bit PCM WAV (24-bit plays as silence, without error). */
export async function launchChromium(microphoneWav?: string): Promise<Browser> {
  const args = [
    '--no-sandbox',
    '--headless=new',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    // Background timers and rAF must keep running in a headless, unfocused page.
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--autoplay-policy=no-user-gesture-required',
  ];
  if (microphoneWav) {
    if (!existsSync(microphoneWav)) throw new Error(`fake microphone file not found: ${microphoneWav} (Chromium would record silence)`);
    args.push(`--use-file-for-fake-audio-capture=${microphoneWav}%noloop`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args, headless: true });
}
