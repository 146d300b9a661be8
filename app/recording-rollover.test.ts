import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppEvent } from '../contract/contract.ts';
import { decodeWavBytes } from '../model/audio/wav.ts';
import { fsddAvailable, fsddPath } from '../model/testing/fsdd-fixture.ts';
import { createAppBackend } from './app-backend.ts';

const DIGITS_MODEL = fileURLToPath(new URL('../e2e/fixtures/digits-model', import.meta.url));
const skip = fsddAvailable() && existsSync(join(DIGITS_MODEL, 'meta.json')) ? false : 'FSDD recordings or the digits model fixture are missing';

/** An FSDD take at 16 kHz (8 kHz samples repeated), followed by silence up to `length` samples. */
function digitPadded(digit: number, speaker: string, take: number, length: number): Float32Array {
  const x = decodeWavBytes(readFileSync(fsddPath(digit, speaker, take)), 'fsdd').channels[0];
  assert.ok(2 * x.length <= length, `take ${digit}_${speaker}_${take} is longer than ${length} samples`);
  const out = new Float32Array(length);
  for (let i = 0; i < x.length; i++) out[2 * i] = out[2 * i + 1] = x[i];
  return out;
}

test('a live recording that reaches the length limit rolls over into new library entries: nothing lost, each part transcribed', { skip }, async () => {
  const LIMIT_SECONDS = 1.5;
  const limit = LIMIT_SECONDS * 16000;
  const userData = mkdtempSync(join(tmpdir(), 'cellscribe-rollover-'));
  const backend = await createAppBackend({ userDataDir: userData, bundledModelDir: DIGITS_MODEL, engine: 'in-process', maxRecordingSeconds: LIMIT_SECONDS });
  const events: AppEvent[] = [];
  backend.subscribe((e) => events.push(e));
  try {
    await backend.setSettings({ ...(await backend.getSettings()), decoding: { mode: 'digits', customVocabulary: '', beam: 8 } });
    // Two full parts and a shorter third: "two", "seven", "nine".
    const parts = [digitPadded(2, 'george', 1, limit), digitPadded(7, 'jackson', 3, limit), digitPadded(9, 'nicolas', 1, 20000)];
    const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);

    const { sessionId } = await backend.startRecording();
    // Chunks of 7,000 samples: the first and the third each straddle a limit.
    for (let at = 0; at < all.length; at += 7000) {
      const update = await backend.pushAudio(sessionId, all.slice(at, at + 7000));
      assert.equal(update.sessionId, sessionId, 'the renderer keeps one session across the roll-over');
      // No .part file ever holds more than the limit.
      for (const name of readdirSync(backend.paths.recordingDir)) {
        const bytes = readFileSync(join(backend.paths.recordingDir, name)).length;
        assert.ok(bytes <= limit * 4, `${name} holds ${bytes / 4} samples, over the limit of ${limit}`);
      }
    }
    const stopped = await backend.stopRecording(sessionId);
    await backend.whenIdle();

    const entries = (await backend.listTranscripts('')).sort((a, b) => a.title.localeCompare(b.title));
    assert.equal(entries.length, 3, entries.map((e) => e.title).join(', '));
    assert.deepEqual(entries.map((e) => e.title.replace(/^Recording \S+ \S+ /, '')), ['(part 1)', '(part 2)', '(part 3)']);
    assert.equal(entries[0].id, sessionId, 'the first part keeps the session id');
    assert.equal(stopped.transcript.id, entries[2].id, 'stop returns the last part');
    assert.deepEqual(entries.map((e) => e.durationSeconds), [LIMIT_SECONDS, LIMIT_SECONDS, 20000 / 16000]);
    // Every sample pushed is in exactly one part, in order, bit for bit.
    const saved = await Promise.all(entries.map((e) => backend.getAudio(e.id)));
    const joined = new Float32Array(saved.reduce((n, s) => n + s.length, 0));
    saved.reduce((at, s) => (joined.set(s, at), at + s.length), 0);
    assert.deepEqual(joined, all);
    // Each part is transcribed on its own.
    assert.deepEqual(entries.map((e) => [e.text, e.error]), [['two', null], ['seven', null], ['nine', null]]);
    assert.equal(stopped.transcript.text, 'nine');
    assert.ok(stopped.inspection.steps > 0);
    assert.deepEqual(readdirSync(backend.paths.recordingDir), [], 'no .part file left');
    assert.ok(events.filter((e) => e.type === 'library-changed').length >= 3);

    // Exactly the limit, then an empty chunk: one entry, not an empty second part.
    const exact = await backend.startRecording();
    await backend.pushAudio(exact.sessionId, parts[0]);
    await backend.pushAudio(exact.sessionId, new Float32Array(0));
    const one = await backend.stopRecording(exact.sessionId);
    assert.equal(one.transcript.id, exact.sessionId);
    assert.doesNotMatch(one.transcript.title, /part/);
    assert.equal(one.transcript.durationSeconds, LIMIT_SECONDS);
    assert.equal((await backend.listTranscripts('')).length, 4);
  } finally {
    await backend.dispose();
  }
});
