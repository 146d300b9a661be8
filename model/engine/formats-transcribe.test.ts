/**
 * The bundled model transcribes every format made from one committed recording
 * (scripts/make-format-fixtures.sh) like the WAV it came from: same text with the AN4
 * vocabulary and LM, and word timings within a few network steps (lossy codecs shift and smear
 * the signal a little).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from './backend.ts';
import { resolveDecoding } from '../ctc/decode-settings.ts';
import { Recognizer } from './recognizer.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const FORMATS = join(ROOT, 'model', 'audio', 'fixtures', 'formats');

await selectBackend('wasm');

test('every format transcribes like the WAV it was made from', async () => {
  const recognizer = await Recognizer.load(join(ROOT, 'assets', 'models', 'base'));
  const decoding = resolveDecoding(
    { vocabulary: join(ROOT, 'assets', 'vocabularies', 'an4.txt'), lm: join(ROOT, 'assets', 'vocabularies', 'an4-train-text.txt') },
    recognizer.model.alphabet,
  );
  const wav = await recognizer.transcribeFile(join(ROOT, 'assets', 'samples', 'an4-mskh-one-five-two-three-two.wav'), decoding);
  assert.equal(wav.text, 'one five two three two');
  for (const ext of ['m4a', 'aac', 'webm', 'opus', 'ogg', 'aiff', 'caf', 'amr', 'wma', 'flac', 'mp3']) {
    const t = await recognizer.transcribeFile(join(FORMATS, `voice.${ext}`), decoding);
    assert.equal(t.text, wav.text, ext);
    t.words.forEach((w, i) => assert.ok(Math.abs(w.start - wav.words[i].start) <= 0.1 && Math.abs(w.end - wav.words[i].end) <= 0.1, `${ext}: "${w.word}" at ${w.start}-${w.end}, WAV ${wav.words[i].start}-${wav.words[i].end}`));
  }
  recognizer.dispose();
});
