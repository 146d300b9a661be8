/**
 * Long inputs in the engine, on the bundled model and committed real speech looped to a minute
 * (cheap, yet a hundred times the inspected span used here):
 *  - inspection is kept for the first `inspectSeconds` only, offline and live: the retained
 *    bytes are bounded by that span, not by the length, the payload says what it covers, and
 *    the transcript is still complete (the same text as without inspection);
 *  - file transcription through the worker reports progress by audio processed, rising to the
 *    total, and transcribeCancel (answered ahead of the worker's queue) stops it: the call
 *    rejects, no progress follows, and the engine goes on serving.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loopedSpeech } from '../../model/testing/looped-speech.ts';
import type { DecodingSettings, InspectionDTO } from '../../contract/contract.ts';
import { Engine } from './engine.ts';
import { EngineHost } from './engine-host.ts';
import type { EngineTranscribeProgress } from './engine-protocol.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BASE_MODEL = join(ROOT, 'assets', 'models', 'base');
const OPEN: DecodingSettings = { mode: 'open', customVocabulary: '', beam: 1 };
const INSPECT_SECONDS = 4;

/** Bytes of every array an inspection payload holds. */
function inspectionBytes(inspection: InspectionDTO): number {
  let bytes = inspection.logProbs.byteLength + inspection.features.byteLength;
  for (const layer of inspection.layers) for (const value of Object.values(layer)) if (value instanceof Float32Array) bytes += value.byteLength;
  return bytes;
}

test('inspection of a long input is bounded to its start; the transcript is complete', async () => {
  const samples = await loopedSpeech(60);
  const seconds = samples.length / 16000;
  const engine = new Engine({ backend: 'wasm', inspectSeconds: INSPECT_SECONDS });
  try {
    const summary = await engine.loadModel(BASE_MODEL);
    const plain = await engine.transcribe(samples, OPEN, false);
    const inspected = await engine.transcribe(samples, OPEN, true);
    const inspection = inspected.inspection!;
    assert.equal(inspected.text, plain.text, 'inspection does not change the transcript');
    assert.ok(plain.words.at(-1)!.end > seconds - 3, `words run to the end (${plain.words.at(-1)!.end} of ${seconds} s)`);

    // What one second of inspection costs, measured on a short run; the long run keeps INSPECT_SECONDS of it.
    const short = (await engine.transcribe(samples.subarray(0, 16000 * INSPECT_SECONDS), OPEN, true)).inspection!;
    assert.equal(short.truncated, undefined);
    const bound = inspectionBytes(short) * 1.02;
    assert.ok(inspectionBytes(inspection) <= bound, `retained ${inspectionBytes(inspection)} bytes, bound ${bound}`);
    assert.ok(inspectionBytes(inspection) * (seconds / INSPECT_SECONDS) > 10 * bound, 'the whole input would have been far more');
    const step = inspection.stepSeconds;
    assert.equal(inspection.steps, Math.floor(INSPECT_SECONDS / step));
    assert.equal(inspection.logProbs.length, inspection.steps * inspection.classes.length);
    assert.equal(inspection.featureFrames, inspection.steps * summary.stack);
    for (const layer of inspection.layers) assert.equal(layer.cellState!.length, inspection.steps * layer.units);
    assert.deepEqual(inspection.truncated, { coveredSeconds: inspection.steps * step, totalSeconds: seconds });

    // Live: 0.5 s pushes; past the inspected start they bring no steps, only the note.
    const { streamId } = await engine.streamStart(OPEN, true);
    let retained = 0;
    let last: InspectionDTO | undefined;
    for (let at = 0; at < samples.length; at += 8000) {
      const update = await engine.streamPush(streamId, samples.slice(at, Math.min(samples.length, at + 8000)));
      retained += inspectionBytes(update.inspection);
      last = update.inspection;
    }
    const final = await engine.streamFinish(streamId);
    retained += inspectionBytes(final.inspection);
    assert.ok(retained <= bound, `live: retained ${retained} bytes, bound ${bound}`);
    assert.equal(last!.steps, 0);
    assert.equal(last!.truncated?.coveredSeconds, inspection.steps * step);
    assert.ok(Math.abs(last!.truncated!.totalSeconds - seconds) < 1e-9);
    assert.equal(final.transcript.text, plain.text, 'live final = offline, complete');
  } finally {
    engine.dispose();
  }
});

test('worker: progress by audio processed rises to the total; cancel stops the job', { timeout: 300_000 }, async () => {
  const samples = await loopedSpeech(60);
  const seconds = samples.length / 16000;
  const progress: EngineTranscribeProgress[] = [];
  const host = new EngineHost({ mode: 'worker', engineOptions: { backend: 'wasm', inspectSeconds: INSPECT_SECONDS }, onTranscribeProgress: (event) => progress.push(event) });
  await host.start();
  try {
    await host.call('loadModel', BASE_MODEL);
    const done = await host.call('transcribe', samples, OPEN, true, 'whole');
    const whole = progress.filter((p) => p.jobId === 'whole').map((p) => p.processedSeconds);
    assert.ok(whole.length >= seconds / 5 - 1, `one event per 5 s chunk, got ${whole.length}`);
    assert.ok(whole.every((p, i) => i === 0 || p > whole[i - 1]), 'monotonic');
    assert.ok(Math.abs(whole.at(-1)! - seconds) < 1e-9, 'reaches the total');
    assert.ok(progress.every((p) => p.totalSeconds === seconds));

    // Cancel once the job has started: it rejects, and nothing follows the cancel's answer.
    let cancelled: Promise<boolean> | undefined;
    let afterCancel = -1;
    const job = host.call('transcribe', samples, OPEN, true, 'stop-me');
    const seen = () => progress.filter((p) => p.jobId === 'stop-me').length;
    while (seen() === 0) await new Promise((r) => setTimeout(r, 5));
    cancelled = host.call('transcribeCancel', 'stop-me');
    assert.equal(await cancelled, true);
    afterCancel = seen();
    await assert.rejects(job, (error: Error) => error.name === 'AbortError' && /cancelled/.test(error.message));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(seen(), afterCancel, 'no progress after the cancel was answered');
    const stopped = progress.filter((p) => p.jobId === 'stop-me').at(-1)!.processedSeconds;
    assert.ok(stopped < seconds / 2, `stopped early, at ${stopped} of ${seconds} s`);
    assert.equal(await host.call('transcribeCancel', 'stop-me'), false, 'no longer running');

    // The engine goes on: the same audio again gives the same text.
    assert.equal((await host.call('transcribe', samples, OPEN, false, 'again')).text, done.text);
  } finally {
    await host.dispose();
  }
});
