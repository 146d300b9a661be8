import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fsddAvailable, fsddPath } from '../model/testing/fsdd-fixture.ts';
import { createAppBackend } from './app-backend.ts';

const DIGITS_MODEL = fileURLToPath(new URL('../e2e/fixtures/digits-model', import.meta.url));
const skip = fsddAvailable() && existsSync(join(DIGITS_MODEL, 'meta.json')) ? false : 'FSDD recordings or the digits model fixture are missing';

test('a rename or a delete made while a file is being transcribed stands when the transcription finishes', { skip }, async () => {
  const userData = mkdtempSync(join(tmpdir(), 'cellscribe-edits-'));
  const backend = await createAppBackend({ userDataDir: userData, bundledModelDir: DIGITS_MODEL, engine: 'in-process' });
  const transcriptsDir = join(userData, 'library', 'transcripts');
  const idOfOnlyNew = (known: Set<string>) => readdirSync(transcriptsDir).map((n) => n.replace(/\.json$/, '')).find((id) => !known.has(id))!;
  try {
    await backend.setSettings({ ...(await backend.getSettings()), decoding: { mode: 'digits', customVocabulary: '', beam: 8 } });
    const bytes = readFileSync(fsddPath(7, 'jackson', 3));
    const buffer = () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

    // 1. Renamed while transcribing: the new title is kept, the text arrives.
    let renamedId: string | undefined;
    const unsubscribe = backend.subscribe((e) => {
      // The user's edit lands between the record's creation and the result (the listener runs
      // synchronously inside the backend, so this interleaving is exact).
      if (e.type === 'file-progress' && e.stage === 'transcribing' && e.jobId === 'job-rename') {
        renamedId = idOfOnlyNew(new Set());
        void backend.renameTranscript(renamedId, 'My renamed take');
      }
    });
    const first = await backend.transcribeFile('job-rename', '7_jackson_3.wav', buffer());
    unsubscribe();
    assert.equal(first.transcript.id, renamedId);
    assert.equal(first.transcript.title, 'My renamed take', 'the result carries the rename');
    const stored = (await backend.listTranscripts('')).find((t) => t.id === renamedId)!;
    assert.equal(stored.title, 'My renamed take', 'the rename was not reverted');
    assert.equal(stored.text, 'seven');

    // 2. Deleted while transcribing: it stays deleted; an undo brings it back with text and audio.
    const before = new Set(readdirSync(transcriptsDir).map((n) => n.replace(/\.json$/, '')));
    let deletedId: string | undefined;
    const unsubscribe2 = backend.subscribe((e) => {
      // The first library change of this job is its record being created, before decoding.
      if (e.type === 'library-changed' && deletedId === undefined) {
        deletedId = idOfOnlyNew(before);
        void backend.deleteTranscript(deletedId);
      }
    });
    await backend.transcribeFile('job-delete', '7_jackson_3.wav', buffer()).catch(() => undefined);
    unsubscribe2();
    assert.ok(deletedId);
    assert.equal((await backend.listTranscripts('')).some((t) => t.id === deletedId), false, 'a deleted transcript does not come back');
    assert.equal(existsSync(join(userData, 'library', 'audio', `${deletedId}.wav`)), false, 'nor does its audio, outside the trash');
    const restored = await backend.restoreTranscript(deletedId!);
    assert.equal(restored.text, 'seven', 'undo restores it with the finished transcription');
    assert.equal((await backend.getAudio(deletedId!)).length > 0, true, 'and with its audio');
  } finally {
    await backend.dispose();
  }
});
