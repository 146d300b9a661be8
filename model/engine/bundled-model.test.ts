import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from './backend.ts';
import { resolveDecoding } from '../ctc/decode-settings.ts';
import { Recognizer } from './recognizer.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BASE = join(ROOT, 'assets', 'models', 'base');
const SAMPLES = join(ROOT, 'assets', 'samples');
const VOCABULARIES = join(ROOT, 'assets', 'vocabularies');

await selectBackend('wasm');

test('the bundled base model loads, is under 30 MB, and transcribes committed real speech correctly', async () => {
  assert.ok(existsSync(join(BASE, 'meta.json')), 'assets/models/base/meta.json is missing');
  const bytes = readdirSync(BASE).reduce((n, f) => n + statSync(join(BASE, f)).size, 0);
  assert.ok(bytes < 30e6, `bundled model is ${bytes} bytes`);
  const recognizer = await Recognizer.load(BASE);
  const an4 = resolveDecoding(
    { vocabulary: join(VOCABULARIES, 'an4.txt'), lm: join(VOCABULARIES, 'an4-train-text.txt') },
    recognizer.model.alphabet,
  );
  const digits = resolveDecoding({ vocabulary: 'digits' }, recognizer.model.alphabet);
  const cases = [
    { file: 'an4-mskh-one-five-two-three-two.wav', decoding: an4, text: 'one five two three two' },
    { file: 'fsdd-jackson-seven.wav', decoding: digits, text: 'seven' },
  ];
  for (const { file, decoding, text } of cases) {
    const t = await recognizer.transcribeFile(join(SAMPLES, file), decoding);
    assert.equal(t.text, text, file);
    assert.equal(t.words.length, text.split(' ').length);
    assert.ok(t.words.every((w, i) => w.start < w.end && (i === 0 || w.start >= t.words[i - 1].end - 1e-9)), `${file}: word times in order`);
  }
  recognizer.dispose();
});
