import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TranscriptDTO } from '../contract/contract.ts';
import { Library } from './library.ts';
import { appPaths } from './paths.ts';

function transcript(): TranscriptDTO {
  return {
    id: 'abc-1', title: 'digits', createdAt: '2026-12-01T00:00:00.000Z', source: 'file', fileName: 'x.wav', durationSeconds: 2,
    text: 'one fife two', modelId: 'base', error: null,
    words: [
      { word: 'one', start: 0.1, end: 0.4, confidence: 0.9 },
      { word: 'fife', start: 0.5, end: 0.9, confidence: 0.4 },
      { word: 'two', start: 1.0, end: 1.3, confidence: 0.8 },
    ],
  };
}

test('editWords: new texts keep their timings, an emptied word goes, text and exports follow, saved on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellscribe-edit-'));
  try {
    const library = new Library(appPaths(dir, join(dir, 'none')));
    library.save(transcript());
    const edited = library.editWords('abc-1', ['one', '  five  ', '']);
    assert.deepEqual(edited.words, [
      { word: 'one', start: 0.1, end: 0.4, confidence: 0.9 },
      { word: 'five', start: 0.5, end: 0.9, confidence: 0.4 },
    ]);
    assert.equal(edited.text, 'one five');
    assert.ok(edited.editedAt && !Number.isNaN(Date.parse(edited.editedAt)));
    // What a new Library reads back from disk, and what exports say.
    const reread = new Library(appPaths(dir, join(dir, 'none'))).get('abc-1');
    assert.deepEqual(reread, edited);
    assert.equal(library.export('abc-1', 'txt'), 'one five\n');
    // One cue over both words, from the first word's start to the last word's end: the timings kept.
    assert.match(library.export('abc-1', 'srt'), /00:00:00,100 --> 00:00:00,900\r?\none five/);
    // No temp files left beside the record (atomic write).
    assert.deepEqual(readdirSync(appPaths(dir, '').transcriptsDir), ['abc-1.json']);
    assert.equal(JSON.parse(readFileSync(join(appPaths(dir, '').transcriptsDir, 'abc-1.json'), 'utf8')).text, 'one five');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('editWords refuses a list of the wrong length and leaves the record as it was', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellscribe-edit-'));
  try {
    const library = new Library(appPaths(dir, join(dir, 'none')));
    library.save(transcript());
    assert.throws(() => library.editWords('abc-1', ['one', 'five']), /has 3 words, but 2 corrections were sent/);
    assert.deepEqual(library.get('abc-1'), transcript());
    assert.throws(() => library.editWords('missing-1', []), /no transcript with id "missing-1"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
