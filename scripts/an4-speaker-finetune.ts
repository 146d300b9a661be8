/**
 * Issue 5's AN4 measurement, pooled over speakers: for each held-out AN4 dev speaker, fine-tune
 * the parent model on that speaker's first 8 utterances with `cellscribe train --from` (the same
 * command a user runs) and score their other utterances before and after. One speaker has only
 * ~5 test utterances, so one word moves its WER by 3 points; pooling the edit counts of all
 * speakers in a half gives a number that means something.
 *
 * Halves (scripts/make-an4-manifests.ts): "tune" = the first 5 dev speakers (choose fine-tuning
 * flags on these), "report" = the other 6 (report, never choose).
 *
 *   node --import tsx scripts/make-finetune-manifests.ts --speaker all
 *   node --import tsx scripts/an4-speaker-finetune.ts --model assets/models/base --half report [--name defaults] [-- TRAIN FLAGS...]
 *
 * Writes runs/an4-speakers/<name>/<speaker>/ (the fine-tuned model) and prints a Markdown table
 * plus one JSON line with the pooled counts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: { model: { type: 'string' }, half: { type: 'string' }, name: { type: 'string' }, vocabulary: { type: 'string' }, lm: { type: 'string' } },
  allowPositionals: true,
});
const parent = values.model ?? 'assets/models/base';
const half = values.half ?? 'report';
const name = values.name ?? 'defaults';
const trainFlags = positionals;
// The speakers of a half, read from the manifests make-an4-manifests.ts wrote (speaker = folder).
const speakersOf = (manifest: string) => [...new Set(readFileSync(manifest, 'utf8').split('\n').filter((l) => l.trim())
  .map((l) => /\/wav\/([^/]+)\//.exec(JSON.parse(l).audio_filepath)?.[1] ?? '?'))].sort();
if (!['tune', 'report', 'all'].includes(half)) throw new Error(`--half must be tune, report or all, not "${half}"`);
const speakers = half === 'all' ? speakersOf('runs/manifests/an4-dev.json') : speakersOf(`runs/manifests/an4-dev-${half}.json`);
const decodeFlags = [...(values.vocabulary ? ['--vocabulary', values.vocabulary] : []), ...(values.lm ? ['--lm', values.lm] : [])];

interface Counts { wordErrors: number; words: number; charErrors: number; chars: number; utterances: number }
const zero = (): Counts => ({ wordErrors: 0, words: 0, charErrors: 0, chars: 0, utterances: 0 });

function cli(args: string[]): string {
  return execFileSync(process.execPath, ['bin/cellscribe.mjs', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
}

function score(model: string, manifest: string): Counts {
  const r = JSON.parse(cli(['eval', '--model', model, '--manifest', manifest, ...decodeFlags, '--json']));
  if (r.failed > 0) throw new Error(`${r.failed} utterance(s) of ${manifest} failed to decode`);
  return {
    wordErrors: r.substitutions + r.deletions + r.insertions,
    words: r.referenceWords,
    charErrors: r.chars.substitutions + r.chars.deletions + r.chars.insertions,
    chars: r.chars.refLength,
    utterances: r.utterances,
  };
}

const add = (a: Counts, b: Counts) => { for (const k of Object.keys(a) as (keyof Counts)[]) a[k] += b[k]; };
const pct = (errors: number, total: number) => `${((100 * errors) / Math.max(total, 1)).toFixed(1)} %`;

const before = zero();
const after = zero();
const rows: string[] = [];
let seconds = 0;
for (const speaker of speakers) {
  const ft = `runs/manifests/an4-speaker-${speaker}-ft.json`;
  const test = `runs/manifests/an4-speaker-${speaker}-test.json`;
  if (!existsSync(ft)) throw new Error(`${ft} is missing: run scripts/make-finetune-manifests.ts --speaker all first`);
  const out = join('runs/an4-speakers', name, speaker);
  const b = score(parent, test);
  const start = Date.now();
  cli(['train', '--from', parent, '--train', ft, '--out', out, ...trainFlags]);
  const wall = (Date.now() - start) / 1000;
  seconds += wall;
  const a = score(out, test);
  add(before, b);
  add(after, a);
  rows.push(`| ${speaker} | ${b.utterances} / ${b.words} | ${pct(b.wordErrors, b.words)} | ${pct(a.wordErrors, a.words)} | ${pct(b.charErrors, b.chars)} | ${pct(a.charErrors, a.chars)} | ${wall.toFixed(1)} s |`);
  console.error(rows.at(-1));
}

console.log(`parent ${parent}; half ${half}; train flags: ${trainFlags.join(' ') || '(defaults)'}; decoding: ${decodeFlags.join(' ') || 'open vocabulary'}`);
console.log('| speaker | test utterances / words | WER before | WER after | CER before | CER after | fine-tuning |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
console.log(`| **pooled** | ${before.utterances} / ${before.words} | **${pct(before.wordErrors, before.words)}** | **${pct(after.wordErrors, after.words)}** | ${pct(before.charErrors, before.chars)} | ${pct(after.charErrors, after.chars)} | ${seconds.toFixed(0)} s |`);
console.log(JSON.stringify({ parent, half, name, trainFlags, decodeFlags, before, after }));
