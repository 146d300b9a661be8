import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fsddAvailable, fsddPath, writeFsddManifest } from '../model/testing/fsdd-fixture.ts';
import { PHONE_ALPHABET, symbolsToArpabet } from '../model/text/phones.ts';

const BIN = resolve(fileURLToPath(new URL('../bin/cellscribe.mjs', import.meta.url)));
const SCRIPT_PHONES = fileURLToPath(new URL('../scripts/make-phone-manifests.ts', import.meta.url));
const DIGITS_MODEL = fileURLToPath(new URL('../e2e/fixtures/digits-model', import.meta.url));
const skip = fsddAvailable() && existsSync(join(DIGITS_MODEL, 'meta.json')) ? false : 'FSDD or the digits model fixture missing';
const env = { ...process.env, CELLSCRIBE_CACHE: mkdtempSync(join(tmpdir(), 'cli-cache-')), CELLSCRIBE_BACKEND: 'wasm' };
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

test('train --cmn 1 --speed-perturb: the model keeps a 100-frame CMN front end and transcribes with it', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-levers-'));
  const trainManifest = writeFsddManifest('train.json', [0, 1], ['george'], [5, 6, 7, 8], dir);
  const devManifest = writeFsddManifest('dev.json', [0, 1], ['george'], [0, 1], dir);
  const out = join(dir, 'run');
  const r = cli('train', '--train', trainManifest, '--dev', devManifest, '--out', out, '--layers', '1', '--units', '8', '--epochs', '1', '--batch-size', '4', '--cmn', '1', '--speed-perturb', '--workers', '1');
  assert.equal(r.code, 0, r.stderr);
  const meta = JSON.parse(readFileSync(join(out, 'model', 'meta.json'), 'utf8'));
  assert.equal(meta.features.cmnWindow, 100);
  assert.match(meta.provenance.command, /--speed-perturb/);
  const t = cli('transcribe', '--model', join(out, 'model'), '--no-lm', fsddPath(1, 'george', 20));
  assert.equal(t.code, 0, t.stderr);
});

test('train --cmn with --from is refused: a fine-tuned model keeps its parent\'s front end', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-levers-'));
  const manifest = writeFsddManifest('train.json', [0, 1], ['george'], [5, 6, 7, 8], dir);
  const r = cli('train', '--from', DIGITS_MODEL, '--train', manifest, '--out', join(dir, 'ft'), '--cmn', '3');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--cmn changes the front end/);
});

test('train --units-of phones: a phone model trains on phone or character manifests, fine-tunes on character text, refuses --units-of with --from', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-levers-'));
  const trainManifest = writeFsddManifest('train.json', [0, 1], ['george'], [5, 6, 7, 8], dir);
  const devManifest = writeFsddManifest('dev.json', [0, 1], ['george'], [0, 1], dir);
  const made = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT_PHONES, '--out', join(dir, 'ph'), trainManifest, devManifest], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const folder = join(dir, 'ph', basename(dir));
  // "zero" and "one" in CMUdict: Z IH R OW and W AH N, one symbol per phone.
  assert.equal(symbolsToArpabet(JSON.parse(readFileSync(join(folder, 'train.json'), 'utf8').split('\n')[0]).text), 'Z IH R OW');
  const out = join(dir, 'run');
  const r = cli('train', '--train', join(folder, 'train.json'), '--dev', join(folder, 'dev.json'), '--out', out, '--layers', '1', '--units', '8', '--epochs', '1', '--batch-size', '4', '--units-of', 'phones', '--workers', '1');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(readFileSync(join(out, 'model', 'meta.json'), 'utf8')).architecture.alphabet, PHONE_ALPHABET);
  // Decoded to words (a grammar, a word list), it is scored against the character manifest's words.
  for (const how of [['--grammar', 'assets/grammars/digits.txt'], ['--vocabulary', 'digits']]) {
    const scored = cli('eval', '--model', join(out, 'model'), '--manifest', devManifest, '--json', ...how);
    assert.equal(scored.code, 0, scored.stderr);
    const summary = JSON.parse(scored.stdout);
    assert.equal(summary.utterances, 4, scored.stdout);
    assert.equal(summary.referenceWords, 4, 'references are the words zero/one, not phone symbols');
  }
  // Ordinary text is said with CMUdict first: a phone model also trains, and fine-tunes, on a
  // user's character transcripts.
  const fromText = join(dir, 'from-text');
  const direct = cli('train', '--train', trainManifest, '--dev', devManifest, '--out', fromText, '--layers', '1', '--units', '8', '--epochs', '1', '--units-of', 'phones', '--workers', '1');
  assert.equal(direct.code, 0, direct.stderr);
  assert.equal(readFileSync(join(fromText, 'skipped-train.jsonl'), 'utf8'), '', 'zero and one are in CMUdict: nothing skipped');
  const tuned = cli('train', '--from', join(out, 'model'), '--train', trainManifest, '--out', join(dir, 'ft'), '--epochs', '1', '--workers', '1');
  assert.equal(tuned.code, 0, tuned.stderr);
  assert.equal(JSON.parse(readFileSync(join(dir, 'ft', 'model', 'meta.json'), 'utf8')).architecture.alphabet, PHONE_ALPHABET);
  const fromParent = cli('train', '--from', DIGITS_MODEL, '--train', trainManifest, '--out', join(dir, 'ft2'), '--units-of', 'phones');
  assert.equal(fromParent.code, 2);
  assert.match(fromParent.stderr, /--units-of applies to training from scratch/);
});
