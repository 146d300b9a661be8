import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeWavBytes } from '../audio/wav.ts';
import { buildCorpus, type BuildOptions } from './build.ts';
import { checkEngines, MissingEngineError } from './engines.ts';
import { synthesisProblem } from './quality.ts';
import { VOICES } from './voices.ts';

// Real engines: needs apt packages espeak-ng flite festival festvox-kallpc16k festvox-kdlpc16k sox.
const VOICE_IDS = ['flite-rms', 'espeak-ng-en-us+klatt4', 'festival-kal_diphone', 'festival-ked_diphone'];

function tinyOptions(out: string): BuildOptions {
  return { out, seed: 11, trainUtterances: 4, devUtterances: 2, voiceIds: VOICE_IDS, jobs: 2 };
}

function readManifestLines(file: string): Array<Record<string, unknown>> {
  const text = readFileSync(file, 'utf8').trim();
  return text === '' ? [] : text.split('\n').map((l) => JSON.parse(l));
}

test('a tiny corpus builds, resumes without redoing work, and redoes exactly a deleted WAV', async () => {
  const out = mkdtempSync(join(tmpdir(), 'corpus-test-'));
  try {
    const first = await buildCorpus(tinyOptions(out));
    assert.deepEqual(first.failed, []);
    assert.equal(first.planned, 6);
    assert.equal(first.synthesized + first.rejected.length, 6);
    assert.ok(first.synthesized >= 5, `synthesised ${first.synthesized}, rejected ${JSON.stringify(first.rejected)}`);
    const train = readManifestLines(join(out, 'train.json'));
    const dev = readManifestLines(join(out, 'dev.json'));
    assert.equal(train.length + dev.length, first.synthesized);
    assert.ok(dev.length >= 1 && dev.every((e) => e.voice === 'festival-ked_diphone'));
    assert.ok(train.every((e) => e.voice !== 'festival-ked_diphone'));
    for (const [manifest, entries] of [['train.json', train], ['dev.json', dev]] as const) {
      for (const e of entries) {
        assert.equal(typeof e.audio_filepath, 'string');
        assert.ok(!(e.audio_filepath as string).startsWith('/'), 'path relative to the manifest');
        const wav = join(dirname(join(out, manifest)), e.audio_filepath as string);
        const { channels, sampleRate } = decodeWavBytes(readFileSync(wav), wav);
        assert.equal(sampleRate, 16000);
        assert.equal(channels.length, 1);
        assert.equal(readFileSync(wav).readUInt16LE(34), 16, '16-bit');
        assert.ok(Math.abs((e.duration as number) - channels[0].length / 16000) < 0.001);
        assert.match(e.text as string, /^[a-z']+( [a-z']+)*$/);
        assert.ok(typeof e.augment === 'object' && e.augment !== null && 'speed' in e.augment);
      }
    }

    const second = await buildCorpus(tinyOptions(out));
    assert.equal(second.synthesized, 0, 'nothing new on a rerun');
    assert.equal(second.skipped, 6);
    assert.deepEqual(readManifestLines(join(out, 'train.json')), train);

    const victim = join(out, train[0].audio_filepath as string);
    const before = readFileSync(victim);
    unlinkSync(victim);
    const third = await buildCorpus(tinyOptions(out));
    assert.equal(third.synthesized, 1, 'only the deleted utterance is redone');
    assert.ok(existsSync(victim));
    assert.ok(readFileSync(victim).equals(before), 'the redone WAV is bit-identical (same seed, same chain)');
    assert.ok(!existsSync(join(out, '.work')), 'scratch folder removed');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('a missing engine fails before any work, naming it and the apt-get line', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'corpus-nopath-'));
  try {
    const env = { ...process.env, PATH: empty };
    assert.throws(() => checkEngines(VOICES, env), (error: unknown) => {
      assert.ok(error instanceof MissingEngineError);
      assert.match(error.message, /flite/);
      assert.match(error.message, /festival/);
      assert.match(error.message, /espeak-ng/);
      assert.match(error.message, /sox/);
      assert.match(error.message, /apt-get install espeak-ng flite festival festvox-kallpc16k/);
      return true;
    });
    await assert.rejects(buildCorpus({ ...tinyOptions(join(empty, 'out')), env }), MissingEngineError);
    assert.ok(!existsSync(join(empty, 'out', 'train.json')));
    // With the real PATH the same voices pass.
    assert.doesNotThrow(() => checkEngines(VOICES.filter((v) => VOICE_IDS.includes(v.id))));
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('the quality check drops silence and truncated output and keeps plausible speech', () => {
  const tone = (seconds: number) => Float32Array.from({ length: Math.round(16000 * seconds) }, (_, i) => 0.3 * Math.sin(i / 5));
  assert.match(synthesisProblem(new Float32Array(16000), 16000, 'hello there') ?? '', /^silent/);
  // festival's failure mode: ~0.2 s of audio for a whole sentence.
  assert.match(synthesisProblem(tone(0.2), 16000, 'we need to iron out our disagreements') ?? '', /^truncated/);
  assert.match(synthesisProblem(tone(30), 16000, 'yes') ?? '', /^too long/);
  assert.equal(synthesisProblem(tone(2.4), 16000, 'we need to iron out our disagreements'), null);
  // Padding silence does not count as speech.
  const padded = new Float32Array(16000 * 3);
  padded.set(tone(0.2), 16000);
  assert.match(synthesisProblem(padded, 16000, 'we need to iron out our disagreements') ?? '', /^truncated/);
});
