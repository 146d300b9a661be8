/**
 * The CLI conventions (whisper.cpp and Vosk's transcriber as the reference): --version; --help
 * names the data folder; files and arguments are checked before the engine loads (no "backend:"
 * line means tfjs never started), every missing file named in one line; -o/--output-dir writes
 * NAME.txt|json|srt|vtt per input, atomically; - reads standard input; several subtitle
 * documents are never concatenated on stdout; no third-party banners; no progress bar when
 * stderr is not a terminal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const BIN = join(ROOT, 'bin', 'cellscribe.mjs');
const SAMPLES = join(ROOT, 'assets', 'samples');
const ONE = join(SAMPLES, 'an4-mskh-one-five-two-three-two.wav');
const SEVEN = join(SAMPLES, 'fsdd-jackson-seven.wav');
const userData = mkdtempSync(join(tmpdir(), 'cli-data-'));
const env = { ...process.env, CELLSCRIBE_BACKEND: 'wasm', CELLSCRIBE_USER_DATA: userData };

function cli(args: string[], input?: Buffer) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, input, timeout: 180_000, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--version, and --help names the data folder the app shares', () => {
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
  for (const flag of ['--version', '-V']) assert.deepEqual(cli([flag]), { code: 0, stdout: `cellscribe ${version}\n`, stderr: '' });
  const help = cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, new RegExp(`Data folder .*\\n  ${userData.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
});

test('missing files are named in one line before the engine loads', () => {
  const missing = cli(['transcribe', 'nope.wav', ONE, 'gone/also.flac']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'cellscribe transcribe: error: audio file not found: nope.wav, gone/also.flac\n');
  const vocabulary = cli(['transcribe', ONE, '--vocabulary', 'words.txt', '--lm', 'corpus.txt']);
  assert.equal(vocabulary.stderr, 'cellscribe transcribe: error: decoding file not found: words.txt, corpus.txt\n');
  const folder = cli(['transcribe', SAMPLES]);
  assert.match(folder.stderr, /^cellscribe transcribe: error: audio file not a regular file: .*samples\n$/);
  const model = cli(['transcribe', ONE, '--model', SAMPLES]);
  assert.match(model.stderr, /model folder .*samples: no meta\.json in it/);
  const manifest = cli(['eval', '--manifest', 'nope.json']);
  assert.equal(manifest.stderr, 'cellscribe eval: error: manifest not found: nope.json\n');
  const subtitles = cli(['transcribe', ONE, SEVEN, '--format', 'vtt']);
  assert.equal(subtitles.code, 2);
  assert.match(subtitles.stderr, /--format vtt with several files needs --output-dir DIR/);
  const clash = cli(['transcribe', ONE, ONE, '-o', join(userData, 'out')]);
  assert.match(clash.stderr, /would both be written to an4-mskh-one-five-two-three-two\.txt/);
  for (const r of [missing, vocabulary, folder, model, manifest, subtitles, clash]) assert.doesNotMatch(r.stderr, /backend:/, 'the engine never started');
});

test('-o writes one file per input (stdin as "stdin"), atomically, with what stdout would show', () => {
  const expected = cli(['transcribe', ONE]);
  assert.equal(expected.code, 0, expected.stderr);
  assert.doesNotMatch(expected.stderr, /Hi, looks like|\[#/, 'no tfjs banner, no progress bar off a terminal');
  for (const format of ['text', 'srt', 'vtt', 'json'] as const) {
    const out = mkdtempSync(join(tmpdir(), `cli-out-${format}-`));
    const r = cli(['transcribe', ONE, '-', '--format', format, '--output-dir', out], readFileSync(SEVEN));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '', 'nothing on stdout');
    const ext = { text: 'txt', srt: 'srt', vtt: 'vtt', json: 'json' }[format];
    assert.deepEqual(readdirSync(out).sort(), [`an4-mskh-one-five-two-three-two.${ext}`, `stdin.${ext}`], 'exactly the outputs, no temporary files');
    const body = readFileSync(join(out, `an4-mskh-one-five-two-three-two.${ext}`), 'utf8');
    if (format === 'text') assert.equal(body, expected.stdout);
    if (format === 'srt') assert.match(body, /^1\n00:00:0\d,\d{3} --> 00:00:0\d,\d{3}\none five (two|to) three two\n$/); // to: a phone model's homophone
    if (format === 'vtt') assert.match(body, /^WEBVTT\n\n00:00:0\d\.\d{3} --> /);
    if (format === 'json') {
      const json = JSON.parse(body);
      assert.equal(json.text, expected.stdout.trim());
      assert.equal(json.words.length, 5);
      assert.equal(JSON.parse(readFileSync(join(out, 'stdin.json'), 'utf8')).file, 'stdin');
    }
    assert.match(r.stderr, new RegExp(`wrote .*stdin\\.${ext}`));
  }
});

test('info prints no third-party banner', () => {
  const r = cli(['info']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
});
