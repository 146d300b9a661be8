/**
 * Phone-unit copies of training and dev manifests, for a phone CTC model (`cellscribe train
 * --units-of phones`): each transcript becomes one word of phone symbols per word (model/text/phones.ts),
 * from the bundled CMUdict, or from eSpeak NG's US English for words CMUdict lacks
 * (model/text/phone-transcripts.ts, as training does for ordinary text). Audio paths stay as
 * they are. Prints how many words each source pronounced.
 *
 *   node --import tsx scripts/make-phone-manifests.ts --out runs/phones runs/manifests/libri-train.json ...
 *   (writes runs/phones/manifests/libri-train.json: the input's folder name is kept)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL } from '../model/config.ts';
import { Alphabet, normalizeTranscript } from '../model/text/alphabet.ts';
import { transcriptsForModel } from '../model/text/phone-transcripts.ts';
import { PHONE_ALPHABET, loadCmudict } from '../model/text/phones.ts';
import { formatManifest, readManifest } from '../model/train/manifest.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' } } });
if (!values.out || positionals.length === 0) {
  console.error('usage: make-phone-manifests.ts --out DIR MANIFEST...');
  process.exit(2);
}
const chars = new Alphabet(DEFAULT_MODEL.alphabet);
const phones = new Alphabet(PHONE_ALPHABET);
const cmudict = loadCmudict();
const manifests = positionals.map((file) => ({ file, entries: readManifest(file) }));
// DIR/<folder>/<name>: the input's folder name is kept, since runs/manifests/an4-train.json and
// runs/narrowband/an4-train.json would otherwise write the same file.
const outputs = manifests.map(({ file }) => join(values.out!, basename(dirname(file)), basename(file)));
const clash = outputs.find((o, i) => outputs.indexOf(o) !== i);
if (clash) {
  console.error(`two inputs would both be written to ${clash}; give manifests from different folders or with different names`);
  process.exit(2);
}
for (const [m, { file, entries }] of manifests.entries()) {
  // The same conversion training applies to ordinary text (CMUdict, then eSpeak NG).
  const { entries: spoken, skipped } = transcriptsForModel(entries, phones);
  if (skipped.length > 0) {
    console.error(`${file}: ${skipped.length} utterances cannot be said, e.g. ${skipped[0].audioPath}: ${skipped[0].reason}`);
    process.exit(1);
  }
  const words = entries.flatMap((e) => normalizeTranscript(e.text, chars).split(' ')).filter((w) => w !== '');
  const fromEspeak = words.filter((w) => !cmudict.has(w)).length;
  const out = outputs[m];
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, formatManifest(spoken.map((e) => ({ audio_filepath: e.audioPath, duration: e.durationSeconds, text: e.text }))));
  console.log(`${out}: ${entries.length} utterances, ${words.length} words, ${fromEspeak} pronounced by eSpeak NG`);
}
