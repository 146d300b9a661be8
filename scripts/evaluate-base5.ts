/**
 * The honest yardstick: every speaker-disjoint dev and test set of the base-5 recipe, CellScribe
 * beside PocketSphinx (Debian's pocketsphinx + pocketsphinx-en-us) on the same files, in one run.
 *
 *   node --import tsx scripts/evaluate-base5.ts [--model DIR] [--sets a,b] [--json]
 *          [--no-peer] [-- extra flags for `cellscribe eval`]
 *
 * Needs the manifests of scripts/make-base5-manifests.ts and make-an4-manifests.ts in
 * runs/manifests. "dev" sets may be used to choose things; "test"/"report" sets only report.
 *
 * How each side decodes, per set:
 * - sentences (LibriSpeech-mini, speechocean762): CellScribe with its defaults (no flags);
 *   PocketSphinx with its general US English trigram LM and CMUdict.
 * - AN4: CellScribe with the AN4 vocabulary + word LM from the AN4 training transcripts;
 *   PocketSphinx with its general LM (it has no AN4 LM), so the AN4 row compares setups, not models.
 * - FSDD digits: CellScribe with the digits vocabulary, and again in grammar mode (exactly one digit,
 *   assets/grammars/digits.txt); PocketSphinx with a one-digit JSGF grammar.
 * Sentence sets also get CellScribe's open-vocabulary CER with no LM at all (greedy CTC), the
 * acoustic model's own spelling.
 * PocketSphinx hypotheses are cached in runs/peer/ (they never change); audio is converted to
 * 16 kHz 16-bit WAV with ffmpeg for it, since it reads only raw/WAV.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ErrorRateAccumulator } from '../model/eval/metrics.ts';
import { readManifest, type ManifestEntry } from '../model/train/manifest.ts';
import { PHONE_ALPHABET } from '../model/text/phones.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    model: { type: 'string' },
    sets: { type: 'string' },
    json: { type: 'boolean' },
    'no-peer': { type: 'boolean' },
  },
});
const manifests = resolve('runs/manifests');
const peerDir = resolve('runs/peer');
const PS = '/usr/share/pocketsphinx/model/en-us';

interface SetSpec { name: string; kind: 'sentences' | 'an4' | 'digits'; role: 'dev' | 'test'; grammar?: boolean }
const ALL: SetSpec[] = [
  { name: 'libri-dev', kind: 'sentences', role: 'dev' },
  { name: 'libri-test', kind: 'sentences', role: 'test' },
  { name: 'so762-dev', kind: 'sentences', role: 'dev' },
  { name: 'so762-test', kind: 'sentences', role: 'test' },
  { name: 'an4-dev-tune', kind: 'an4', role: 'dev' },
  { name: 'an4-dev-report', kind: 'an4', role: 'test' },
  { name: 'fsdd5-dev', kind: 'digits', role: 'dev' },
  { name: 'fsdd5-test', kind: 'digits', role: 'test' },
  { name: 'fsdd5-dev', kind: 'digits', role: 'dev', grammar: true },
  { name: 'fsdd5-test', kind: 'digits', role: 'test', grammar: true },
];
const chosen = values.sets ? ALL.filter((s) => values.sets!.split(',').includes(s.name)) : ALL;
const label = (spec: SetSpec) => (spec.grammar ? `${spec.name} (grammar)` : spec.name);

interface Score { wer: number; cer: number; utterances: number }

// A phone model's own reading (no LM) is phones: scored as phone error against the phone copy of
// the set (scripts/make-phone-manifests.ts --out runs/phones).
const modelMeta = JSON.parse(readFileSync(join(values.model ?? 'assets/models/base', 'meta.json'), 'utf8')) as { architecture: { alphabet: string } };
const phoneModel = modelMeta.architecture.alphabet === PHONE_ALPHABET;
const phoneManifests = resolve('runs/phones/manifests');

function cellscribe(spec: SetSpec, extra: string[] = []): Score & { rtf: number } {
  const manifest = phoneModel && extra.includes('--no-lm') ? join(phoneManifests, `${spec.name}.json`) : join(manifests, `${spec.name}.json`);
  const args = ['bin/cellscribe.mjs', 'eval', '--manifest', manifest, '--json'];
  if (values.model) args.push('--model', values.model);
  if (spec.kind === 'an4') args.push('--vocabulary', 'assets/vocabularies/an4.txt', '--lm', join(manifests, 'an4-train.txt'));
  if (spec.kind === 'digits') args.push(...(spec.grammar ? ['--grammar', 'assets/grammars/digits.txt'] : ['--vocabulary', 'digits']));
  args.push(...positionals, ...extra);
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`cellscribe eval failed on ${spec.name}: ${run.stderr.trim().split('\n').pop()}`);
  const r = JSON.parse(run.stdout) as { wer: number; cer: number; utterances: number; rtf: number };
  return { wer: r.wer, cer: r.cer, utterances: r.utterances, rtf: r.rtf };
}

/** Letters, apostrophes and single spaces, as the manifests' text. */
const normalise = (text: string) => text.toLowerCase().replace(/\([0-9]+\)/g, '').replace(/[^a-z' ]/g, ' ').replace(/\s+/g, ' ').trim();

function pocketsphinx(spec: SetSpec, entries: ManifestEntry[]): Score {
  const dir = join(peerDir, spec.name);
  const hypFile = join(dir, 'hyp.txt');
  mkdirSync(join(dir, 'wav'), { recursive: true });
  if (!existsSync(hypFile)) {
    const ids = entries.map((e, i) => `${String(i).padStart(5, '0')}-${basename(e.audioPath).replace(/\.[^.]+$/, '')}`);
    entries.forEach((e, i) => {
      const wav = join(dir, 'wav', `${ids[i]}.wav`);
      if (!existsSync(wav)) execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', e.audioPath, '-ar', '16000', '-ac', '1', '-sample_fmt', 's16', wav]);
    });
    writeFileSync(join(dir, 'list.ctl'), ids.join('\n') + '\n');
    const lm = spec.kind === 'digits'
      ? ['-jsgf', writeDigitsGrammar(dir)]
      : ['-lm', join(PS, 'en-us.lm.bin')];
    const run = spawnSync('pocketsphinx_batch', [
      '-hmm', join(PS, 'en-us'), '-dict', join(PS, 'cmudict-en-us.dict'), ...lm,
      '-ctl', join(dir, 'list.ctl'), '-cepdir', join(dir, 'wav'), '-cepext', '.wav',
      '-adcin', 'yes', '-adchdr', '44', '-hyp', hypFile + '.part',
    ], { encoding: 'utf8', maxBuffer: 256 << 20 });
    if (run.status !== 0) throw new Error(`pocketsphinx_batch failed on ${spec.name}: ${run.stderr.split('\n').slice(-3).join(' ')}`);
    writeFileSync(hypFile, readFileSync(hypFile + '.part', 'utf8'));
  }
  // Lines: "words words (uttid score)"; an utterance with no hypothesis may have no words.
  const hyps = new Map<string, string>();
  for (const line of readFileSync(hypFile, 'utf8').split('\n')) {
    const match = /^(.*)\((\S+)(?: [-0-9]+)?\)\s*$/.exec(line);
    if (match) hyps.set(match[2], normalise(match[1]));
  }
  const acc = new ErrorRateAccumulator();
  entries.forEach((e, i) => acc.add(e.text, hyps.get(`${String(i).padStart(5, '0')}-${basename(e.audioPath).replace(/\.[^.]+$/, '')}`) ?? ''));
  return { wer: acc.wer, cer: acc.cer, utterances: acc.utterances };
}

function writeDigitsGrammar(dir: string): string {
  const file = join(dir, 'digits.gram');
  writeFileSync(file, '#JSGF V1.0;\ngrammar digits;\npublic <digit> = zero | one | two | three | four | five | six | seven | eight | nine;\n');
  return file;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const rows: object[] = [];
console.log('| set | role | utts | CellScribe CER | CellScribe WER | CellScribe CER, no LM | PocketSphinx CER | PocketSphinx WER |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const spec of chosen) {
  const entries = readManifest(join(manifests, `${spec.name}.json`));
  const ours = cellscribe(spec);
  const noLm = spec.kind === 'sentences' ? cellscribe(spec, ['--no-lm']) : null;
  const peer = values['no-peer'] ? null : pocketsphinx(spec, entries);
  rows.push({ set: label(spec), role: spec.role, kind: spec.kind, cellscribe: ours, cellscribeNoLm: noLm, pocketsphinx: peer });
  console.log(`| ${label(spec)} | ${spec.role} | ${ours.utterances} | ${pct(ours.cer)} | ${pct(ours.wer)} | ${noLm ? pct(noLm.cer) : '–'} | ${peer ? pct(peer.cer) : '–'} | ${peer ? pct(peer.wer) : '–'} |`);
}
if (phoneModel) console.log('\nA phone model: its "no LM" column is phone error (greedy phones against the phone copies in runs/phones/manifests).');
if (values.json) console.log(JSON.stringify({ model: values.model ?? 'assets/models/base', sets: rows }));
