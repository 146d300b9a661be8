/**
 * Messages from the real renderer page pass main's IPC layer (electron/main/ipc.ts: the sender
 * check, then the request table's zod schemas) before they reach the backend: the bridge of every
 * browser e2e goes through it (support/bridge.ts). Here: the app's own start-up calls get
 * through, a good request from the page reaches the backend, and bad payloads and a sub-frame's
 * request are refused with a message naming the request, and change nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hasChromium } from './support/browser.ts';
import { DIGITS_MODEL, openAppSession } from './support/app-session.ts';
import { waitForPage } from './support/page-checks.ts';

const missing = [!hasChromium() && 'Chromium', !existsSync(join(DIGITS_MODEL, 'meta.json')) && 'the digits model fixture'].filter(Boolean);
const skip = missing.length > 0 ? `missing: ${missing.join(', ')}` : false;

/** Runs `call` (an expression using `api`) in `frame`; returns its result or the error message. */
const inPage = (call: string) => `(async () => { const api = window.api; try { return { ok: true, value: await (${call}) }; } catch (error) { return { ok: false, error: String(error && error.message || error) }; } })()`;

test('renderer messages go through main\'s sender check and schemas: good ones reach the backend, bad ones are refused', { skip, timeout: 90_000 }, async () => {
  const session = await openAppSession({ engine: 'in-process' });
  const { page, backend, log } = session;
  try {
    await waitForPage(page, `document.querySelector('[data-testid=status-bar]')?.dataset.state === 'ready'`, 60_000);
    // The app's own start-up requests got through, none was refused.
    assert.ok(log.calls.some((c) => c.method === 'getStatus') && log.calls.some((c) => c.method === 'getSettings'));
    assert.equal(log.rejected.length, 0, log.rejected.join('\n'));

    // A good request from the page reaches the backend, typed arrays intact.
    const created = (await page.evaluate(inPage(`api.createDataset('From the page')`))) as { ok: boolean; value: { id: string; name: string } };
    assert.ok(created.ok, JSON.stringify(created));
    assert.equal(created.value.name, 'From the page');
    const take = (await page.evaluate(inPage(`api.addDatasetRecording(${JSON.stringify(created.value.id)}, 'one two', new Float32Array(16000).map((_, i) => 0.2 * Math.sin(i / 9)))`))) as { ok: boolean; value: { text: string; durationSeconds: number } };
    assert.ok(take.ok, JSON.stringify(take));
    assert.equal(take.value.durationSeconds, 1);
    const calls = log.calls.length;

    // Bad payloads, each refused by the schemas with the request named.
    const bad: [string, RegExp][] = [
      [`api.createDataset('x'.repeat(1000))`, /createDataset/],
      [`api.pushAudio('abc', [0.1, 0.2])`, /pushAudio/],
      [`api.pushAudio('abc', new Float32Array(160001))`, /over the limit/],
      [`api.getAudio('../../etc/passwd')`, /getAudio/],
      [`api.deleteTranscript()`, /expected 1 argument/],
      [`api.setSettings({ activeModelId: 5 })`, /setSettings/],
      [`api.importModel('x.zip', 'not bytes')`, /importModel/],
    ];
    for (const [call, pattern] of bad) {
      const result = (await page.evaluate(inPage(call))) as { ok: boolean; error?: string };
      assert.equal(result.ok, false, `${call} was not refused`);
      assert.match(result.error!, pattern, call);
    }

    // A sub-frame of the app's page: the sender check refuses it before any schema runs.
    await page.evaluate(`new Promise((resolve) => { const f = document.createElement('iframe'); f.srcdoc = '<p>child</p>'; f.onload = resolve; document.body.appendChild(f); })`);
    const child = page.frames().find((f) => f !== page.mainFrame());
    assert.ok(child, 'the sub-frame exists');
    const fromChild = (await child.evaluate(inPage(`api.createDataset('From a sub-frame')`))) as { ok: boolean; error?: string };
    assert.equal(fromChild.ok, false);
    assert.match(fromChild.error!, /createDataset rejected: the message came from a sub-frame/);

    // None of them reached the backend: no call logged, nothing created.
    // (The page's own polling, e.g. status, may add calls meanwhile; none of the refused kinds may.)
    const refusedKinds = ['createDataset', 'pushAudio', 'getAudio', 'deleteTranscript', 'setSettings', 'importModel'];
    const reached = log.calls.slice(calls).map((c) => c.method).filter((m) => refusedKinds.includes(m));
    assert.deepEqual(reached, [], 'refused messages never reach the backend');
    assert.deepEqual((await backend.listDatasets()).map((d) => d.name), ['From the page']);
    assert.equal(log.rejected.length, bad.length + 1);
    assert.ok(log.rejected.every((line) => line.startsWith('ipc: rejected ')), log.rejected.join('\n'));
  } finally {
    await session.close();
  }
});
