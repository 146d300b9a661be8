import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fsddAvailable, fsddPath, writeFsddManifest } from '../model/testing/fsdd-fixture.ts';
import { BUNDLED_MODEL_DIR } from './common.ts';
import { GENERAL_LM } from '../model/ctc/decode-settings.ts';
import { DEFAULT_MODEL } from '../model/config.ts';
import { ARPABET } from '../model/text/phones.ts';

const ARPABET_SET = new Set(ARPABET);

const BIN = resolve(fileURLToPath(new URL('../bin/cellscribe.mjs', import.meta.url)));
const skip = fsddAvailable() ? false : 'FSDD recordings not found in ../shared/data/fsdd';
const env = { ...process.env, CELLSCRIBE_CACHE: mkdtempSync(join(tmpdir(), 'cli-cache-')), CELLSCRIBE_BACKEND: 'wasm' };

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('help is on every command, and bad usage exits 2 with a message on stderr', () => {
  const top = cli('--help');
  assert.equal(top.code, 0);
  for (const command of ['transcribe', 'eval', 'train', 'info']) {
    assert.match(top.stdout, new RegExp(command));
    const help = cli(command, '--help');
    assert.equal(help.code, 0, `${command} --help`);
    assert.match(help.stdout, /^Usage: cellscribe /);
  }
  // The decoding defaults in the help are the ones the decoder uses (they were once left behind).
  const transcribeHelp = cli('transcribe', '--help').stdout.replace(/\s+/g, ' ');
  assert.ok(transcribeHelp.includes(`default ${GENERAL_LM.alpha} general LM`), transcribeHelp);
  assert.ok(transcribeHelp.includes(`default ${GENERAL_LM.beta} general LM`), transcribeHelp);
  assert.ok(transcribeHelp.includes(`default ${GENERAL_LM.beam} with the general LM`), transcribeHelp);
  const unknown = cli('frobnicate');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  const badFlag = cli('transcribe', '--bogus', 'x.wav');
  assert.equal(badFlag.code, 2);
  assert.match(badFlag.stderr, /Unknown option '--bogus'/);
  const badFormat = cli('transcribe', '--format', 'doc', 'x.wav');
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.stderr, /--format must be one of text, json, srt, vtt/);
  assert.equal(cli('train', '--train', 'a.json').code, 2);
  // info takes --backend like every command: a bad name is refused for being a bad backend (not
  // as an unknown option), and a good one is used and named.
  const model = resolve(fileURLToPath(new URL('../e2e/fixtures/digits-model', import.meta.url)));
  const badBackend = cli('info', '--model', model, '--backend', 'tpu');
  assert.equal(badBackend.code, 1, badBackend.stderr);
  assert.match(badBackend.stderr, /unknown backend "tpu" \(expected one of tfjs-node-gpu, tfjs-node, wasm, cpu\)/);
  assert.doesNotMatch(badBackend.stderr, /Unknown option/);
  const goodBackend = cli('info', '--model', model, '--backend', 'cpu', '--json');
  assert.equal(goodBackend.code, 0, goodBackend.stderr);
  assert.equal(JSON.parse(goodBackend.stdout).backend, 'cpu');
});

test('without --model, the bundled model is used, or a clear error says there is none', { skip }, () => {
  const r = cli('transcribe', fsddPath(3, 'george', 0));
  if (existsSync(join(BUNDLED_MODEL_DIR, 'meta.json'))) {
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /backend: wasm/);
  } else {
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no bundled base model at .*assets\/models\/base/);
  }
});

test('a phone model decoded without words prints ARPAbet, a word a group (the bundled base hears phones)', () => {
  const meta = JSON.parse(readFileSync(join(BUNDLED_MODEL_DIR, 'meta.json'), 'utf8'));
  if (meta.architecture.alphabet === DEFAULT_MODEL.alphabet) return; // a letter model spells instead
  const sample = fileURLToPath(new URL('../assets/samples/an4-mskh-one-five-two-three-two.wav', import.meta.url));
  const r = cli('transcribe', '--no-lm', '--format', 'json', sample);
  assert.equal(r.code, 0, r.stderr);
  const [result] = JSON.parse(r.stdout).results;
  assert.match(result.text, /^[A-Z]+( [A-Z]+)*( \| [A-Z]+( [A-Z]+)*)*$/, result.text);
  assert.equal(result.text.split(' | ').length, result.words.length);
  assert.ok(result.words.every((w: { word: string }) => ARPABET_SET.has(w.word.split(' ')[0])));
});

test('train survives SIGKILL: the same command resumes from its last checkpoint; then transcribe, eval and info use the model', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-train-'));
  const trainManifest = writeFsddManifest('train.json', [0, 1, 2], ['george', 'lucas'], [5, 6, 7, 8, 9, 10, 11, 12, 13, 14], dir);
  const devManifest = writeFsddManifest('dev.json', [0, 1, 2], ['george'], [0, 1], dir);
  const out = join(dir, 'run');
  const args = ['train', '--train', trainManifest, '--dev', devManifest, '--out', out, '--layers', '1', '--units', '24', '--epochs', '6', '--batch-size', '6', '--checkpoint-every', '2', '--lr', '0.01', '--warmup', '2'];

  // Start training, wait for its second checkpoint, then kill it without warning.
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: 'ignore' });
  const checkpoints = join(out, 'checkpoints');
  await new Promise<void>((done, fail) => {
    const timer = setInterval(() => {
      const written = existsSync(checkpoints) ? readdirSync(checkpoints).filter((n) => n.startsWith('ckpt-')) : [];
      if (written.length >= 2) {
        clearInterval(timer);
        child.kill('SIGKILL');
        done();
      }
    }, 20);
    child.on('exit', () => {
      clearInterval(timer);
      fail(new Error('training finished before it could be killed'));
    });
  });
  await new Promise((done) => child.on('close', done));

  const rerun = cli(...args);
  assert.equal(rerun.code, 0, rerun.stderr);
  const resumed = /resuming from step (\d+)/.exec(rerun.stderr);
  assert.ok(resumed && Number(resumed[1]) >= 2, rerun.stderr);
  const model = join(out, 'model');

  // A missing file stops the command before the engine loads (named on stderr, nothing on stdout) ...
  const missingInput = cli('transcribe', '--model', out, '--format', 'json', fsddPath(1, 'george', 3), join(dir, 'missing.wav'));
  assert.equal(missingInput.code, 1);
  assert.match(missingInput.stderr, /audio file not found: .*missing\.wav/);
  assert.equal(missingInput.stdout, '');
  // ... while a file that exists but cannot be decoded fails alone, inside the results.
  writeFileSync(join(dir, 'broken.wav'), 'this is not audio');
  const json = cli('transcribe', '--model', out, '--format', 'json', fsddPath(1, 'george', 3), join(dir, 'broken.wav'));
  assert.equal(json.code, 1, 'one file failed');
  assert.match(json.stderr, /broken\.wav/);
  const parsed = JSON.parse(json.stdout);
  assert.equal(parsed.backend, 'wasm');
  assert.equal(parsed.results.length, 2);
  assert.equal(typeof parsed.results[0].text, 'string');
  assert.ok(parsed.results[1].error);

  const vtt = cli('transcribe', '--model', model, '--vocabulary', 'digits', '--format', 'vtt', fsddPath(1, 'george', 3));
  assert.equal(vtt.code, 0, vtt.stderr);
  assert.match(vtt.stdout, /^WEBVTT\n\n\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}\n(zero|one|two|three|four|five|six|seven|eight|nine|oh)\n/);

  const evaluated = cli('eval', '--model', model, '--manifest', devManifest, '--vocabulary', 'digits', '--json');
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const report = JSON.parse(evaluated.stdout);
  for (const key of ['wer', 'cer', 'utterances', 'substitutions', 'deletions', 'insertions', 'rtf', 'backend']) assert.ok(key in report, key);
  assert.equal(report.utterances, 6);
  assert.equal(report.substitutions + report.deletions + report.insertions, Math.round(report.wer * report.referenceWords));

  const info = cli('info', '--model', model, '--json');
  assert.equal(info.code, 0, info.stderr);
  assert.equal(JSON.parse(info.stdout).architecture.units, 24);

  writeFileSync(join(dir, 'broken.wav'), 'RIFF....WAVEfmt nonsense');
  const broken = cli('transcribe', '--model', model, join(dir, 'broken.wav'));
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /broken\.wav/);
});

test('--grammar: transcribe and eval output exactly one phrase of the list; bad combinations are usage errors', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-grammar-'));
  const grammar = join(dir, 'commands.txt');
  writeFileSync(grammar, '# digits and two commands\nzero\none\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nturn on the lights\nstop\n');
  const phrases = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'turn on the lights', 'stop'];
  // Takes of jackson and lucas, the two FSDD speakers the bundled base trained on: the exact words
  // below check the grammar path, not how well the base generalises (scripts/evaluate-base5.ts does).
  const files = [fsddPath(3, 'jackson', 0), fsddPath(8, 'lucas', 1), fsddPath(0, 'jackson', 2)];
  const r = cli('transcribe', '--grammar', grammar, '--format', 'json', ...files);
  assert.equal(r.code, 0, r.stderr);
  const results = (JSON.parse(r.stdout) as { results: { text: string; grammar: { bestPhrase: string; confidence: number; lowConfidence: boolean } }[] }).results;
  assert.equal(results.length, 3);
  for (const result of results) {
    assert.ok(phrases.includes(result.grammar.bestPhrase));
    assert.ok(result.grammar.confidence >= 0 && result.grammar.confidence <= 1);
    assert.equal(result.text, result.grammar.lowConfidence ? '' : result.grammar.bestPhrase);
  }
  assert.deepEqual(results.map((x) => x.text), ['three', 'eight', 'zero']);
  const manifest = writeFsddManifest('dev.json', [3, 8], ['george'], [0], dir);
  const e = cli('eval', '--manifest', manifest, '--grammar', grammar, '--json');
  assert.equal(e.code, 0, e.stderr);
  const report = JSON.parse(e.stdout) as { utterances: number; decoding: { grammar: string }; lowConfidence: number };
  assert.equal(report.utterances, 2);
  assert.equal(report.decoding.grammar, grammar);
  assert.equal(typeof report.lowConfidence, 'number');
  const both = cli('transcribe', '--grammar', grammar, '--lm', grammar, files[0]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--grammar .* cannot be combined with --vocabulary or --lm/);
  assert.match(cli('transcribe', '--no-lm', '--lm', grammar, files[0]).stderr, /--no-lm and --lm contradict/);
  const missing = cli('transcribe', '--grammar', join(dir, 'nope.txt'), files[0]);
  assert.notEqual(missing.code, 0);
  assert.equal(missing.stderr, `cellscribe transcribe: error: decoding file not found: ${join(dir, 'nope.txt')}\n`);
});
