/**
 * Writes 8 kHz copies of the utterances in one or more manifests, and a manifest listing them
 * (why: model/corpus/narrowband.ts).
 *
 *   node --import tsx scripts/make-narrowband-copies.ts --manifest M [--manifest M2 ...] --out DIR
 *                                                       [--fraction 1] [--seed 1] [--name narrowband]
 *
 * Copies go to DIR/audio/, the manifest to DIR/NAME.json (written atomically, last). --fraction
 * picks a seeded subset, the same on every run; existing copies are kept, so a rerun resumes.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeNarrowbandCopies } from '../model/corpus/narrowband.ts';
import { writeFileAtomic } from '../model/io/atomic.ts';
import { formatManifest, readManifest } from '../model/train/manifest.ts';

const { values } = parseArgs({
  options: {
    manifest: { type: 'string', multiple: true },
    out: { type: 'string' },
    fraction: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    name: { type: 'string', default: 'narrowband' },
  },
});
if (!values.manifest?.length || !values.out) {
  console.error('usage: make-narrowband-copies.ts --manifest M [--manifest M2 ...] --out DIR [--fraction F] [--seed N] [--name NAME]');
  process.exit(2);
}
const out = resolve(values.out);
const entries = values.manifest.flatMap((manifest) => readManifest(manifest));
const { copies, written } = await writeNarrowbandCopies(entries, join(out, 'audio'), {
  fraction: Number(values.fraction),
  seed: Number(values.seed),
});
const manifest = join(out, `${values.name}.json`);
writeFileAtomic(manifest, formatManifest(copies));
console.log(`${copies.length} narrowband copies listed in ${manifest} (${written} written now)`);
