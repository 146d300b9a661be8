/**
 * Builds the bundled general English LM, assets/lm/en-us.cslm, from CMU's US English trigram
 * model as Debian's pocketsphinx-en-us ships it (BSD-2; see assets/lm/README.md):
 * reads sphinx's binary trie, keeps the words our alphabet spells, prunes by relative entropy
 * to the budget below and writes our compact binary (gzipped typed arrays).
 *
 *   apt-get install pocketsphinx-en-us
 *   node --import tsx scripts/make-general-lm.ts [--bigrams N] [--trigrams N] [--in FILE] [--out FILE]
 */
import { mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL } from '../model/config.ts';
import { loadLanguageModel } from '../model/ctc/lm-file.ts';
import { pruneNgramLm } from '../model/ctc/lm-prune.ts';
import { NgramLm } from '../model/ctc/ngram-lm.ts';

const { values } = parseArgs({
  options: {
    in: { type: 'string', default: '/usr/share/pocketsphinx/model/en-us/en-us.lm.bin' },
    out: { type: 'string', default: 'assets/lm/en-us.cslm' },
    bigrams: { type: 'string', default: '700000' },
    trigrams: { type: 'string', default: '500000' },
  },
});
const started = Date.now();
const full = loadLanguageModel(values.in!);
if (!(full instanceof NgramLm)) throw new Error(`${values.in}: expected an n-gram model file`);
console.log(`read ${values.in}: ${[1, 2, 3].map((n) => `${full.count(n)} ${n}-grams`).join(', ')} in ${Date.now() - started} ms`);
const alphabet = new Set(DEFAULT_MODEL.alphabet.replace(' ', ''));
const pruned = pruneNgramLm(full, {
  keepWord: (w) => [...w].every((ch) => alphabet.has(ch)),
  maxNgrams: [Number(values.bigrams), Number(values.trigrams)],
});
mkdirSync(dirname(values.out!), { recursive: true });
const temp = `${values.out}.tmp`;
pruned.save(temp);
renameSync(temp, values.out!);
console.log(`wrote ${values.out}: ${[1, 2, 3].map((n) => `${pruned.count(n)} ${n}-grams`).join(', ')}, ${(statSync(values.out!).size / 1e6).toFixed(1)} MB, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
