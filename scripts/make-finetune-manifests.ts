/**
 * Manifests for the measured fine-tuning experiments (docs/fine-tuning-results.md):
 *   fsdd-base-train.json    george, jackson, lucas takes 5–49 (base model training, no nicolas)
 *   fsdd-base-dev.json      george, jackson, lucas takes 0–4
 *   fsdd-nicolas-ft.json    nicolas takes 5–14 (10 per digit: the fine-tuning set)
 *   fsdd-nicolas-tune.json  nicolas takes 0–4 (for tuning the defaults, never for the result)
 *   fsdd-nicolas-test.json  nicolas takes 15–49 (before/after evaluation)
 *   fsdd-nicolas-spread-ft.json / -spread-test.json  the same 10 takes per digit spread over the
 *                           whole recording (takes 0, 5, …, 45) / the other 40 per digit: the
 *                           speaker's later takes drift (other sessions), and this split samples them
 *   with --fsdd-speaker NAME (another FSDD speaker): fsdd-without-NAME-{train,dev}.json and
 *   fsdd-NAME-{ft,tune,test}.json, split the same way
 *   an4-speaker-<id>-{ft,test}.json  one AN4 dev speaker (or every one: --speaker all): first 8 utterances / the rest
 *
 *   node --import tsx scripts/make-finetune-manifests.ts [--fsdd DIR] [--an4-dev FILE] [--speaker ID|all] [--fsdd-speaker NAME] [--out runs/manifests]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../model/io/atomic.ts';

const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const { values } = parseArgs({
  options: { fsdd: { type: 'string' }, 'an4-dev': { type: 'string' }, speaker: { type: 'string' }, 'fsdd-speaker': { type: 'string' }, out: { type: 'string' } },
});
const fsdd = resolve(values.fsdd ?? '../shared/data/fsdd');
const out = resolve(values.out ?? 'runs/manifests');

// The fine-tuning speaker's takes: 0–4 tune, 5–14 fine-tune (10 per digit), 15–49 test; the other
// speakers' takes 5–49 train the base model and 0–4 are its dev set. (nicolas keeps the file names
// the first experiments used: fsdd-base-*.json.)
const heldSpeaker = values['fsdd-speaker'] ?? 'nicolas';
const base = heldSpeaker === 'nicolas' ? 'fsdd-base' : `fsdd-without-${heldSpeaker}`;
const sets: Record<string, string[]> = {
  [`${base}-train`]: [], [`${base}-dev`]: [], [`fsdd-${heldSpeaker}-ft`]: [], [`fsdd-${heldSpeaker}-tune`]: [], [`fsdd-${heldSpeaker}-test`]: [],
  [`fsdd-${heldSpeaker}-spread-ft`]: [], [`fsdd-${heldSpeaker}-spread-test`]: [],
};
for (const name of readdirSync(fsdd).sort()) {
  const match = /^(\d)_([a-z]+)_(\d+)\.wav$/.exec(name);
  if (!match) continue;
  const [speaker, take] = [match[2], Number(match[3])];
  const line = JSON.stringify({ audio_filepath: join(fsdd, name), duration: 0, text: DIGIT_WORDS[Number(match[1])] });
  if (speaker !== heldSpeaker) sets[take <= 4 ? `${base}-dev` : `${base}-train`].push(line);
  else {
    sets[take <= 4 ? `fsdd-${heldSpeaker}-tune` : take <= 14 ? `fsdd-${heldSpeaker}-ft` : `fsdd-${heldSpeaker}-test`].push(line);
    sets[take % 5 === 0 ? `fsdd-${heldSpeaker}-spread-ft` : `fsdd-${heldSpeaker}-spread-test`].push(line);
  }
}
if (sets[`fsdd-${heldSpeaker}-ft`].length === 0) throw new Error(`no FSDD recordings of speaker "${heldSpeaker}" in ${fsdd}`);

// AN4: the dev manifest's speaker is the folder name in wav/<speaker>/<file>.
const an4Dev = resolve(values['an4-dev'] ?? 'runs/manifests/an4-dev.json');
const bySpeaker = new Map<string, string[]>();
for (const line of readFileSync(an4Dev, 'utf8').split('\n').filter((l) => l.trim() !== '')) {
  const speaker = /\/wav\/([^/]+)\//.exec(JSON.parse(line).audio_filepath)?.[1] ?? '?';
  bySpeaker.set(speaker, [...(bySpeaker.get(speaker) ?? []), line]);
}
// --speaker all: every dev speaker (scripts/an4-speaker-finetune.ts pools them).
const speakers = values.speaker === 'all'
  ? [...bySpeaker.keys()].sort()
  : [values.speaker ?? [...bySpeaker.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))[0][0]];
for (const speaker of speakers) {
  const lines = bySpeaker.get(speaker);
  if (!lines) throw new Error(`no AN4 dev speaker "${speaker}" (have ${[...bySpeaker.keys()].join(', ')})`);
  sets[`an4-speaker-${speaker}-ft`] = lines.slice(0, 8);
  sets[`an4-speaker-${speaker}-test`] = lines.slice(8);
}

for (const [name, rows] of Object.entries(sets)) {
  writeFileAtomic(join(out, `${name}.json`), rows.join('\n') + '\n');
  console.log(`${name}.json: ${rows.length} utterances`);
}
