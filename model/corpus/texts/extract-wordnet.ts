/**
 * Builds `sentences.txt` from the usage examples in WordNet 3.0 (Debian package wordnet-base,
 * main; WordNet 3.0 licence, see SOURCES.md). Keeps only sentences that every TTS engine reads
 * exactly as their normalised transcript: no digits or symbols, no ACRONYMS, no abbreviations
 * with a dot, no single letters other than "a" and "I", plain ASCII, 4–18 words.
 *
 * Usage: node --import tsx model/corpus/texts/extract-wordnet.ts [--limit N] [WORDNET_DIR] > sentences.txt
 * The committed file uses the default limit: a deterministic pick (by hash) that keeps it small.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fnv1a } from '../random.ts';

/** True when an example sentence is safe to synthesise and transcribe without ambiguity. */
export function isCleanSentence(sentence: string): boolean {
  if (!/^[A-Za-z][A-Za-z ,;:'!?.-]*$/.test(sentence)) return false;
  // A dot anywhere but the end marks an abbreviation ("Mr.", "i.e.").
  if (/\.(?!$)/.test(sentence)) return false;
  if (/--|''|\s'|'\s|'$|^'/.test(sentence)) return false;
  const words = sentence.replace(/[,;:!?.]/g, ' ').split(/[\s-]+/).filter(Boolean);
  if (words.length < 4 || words.length > 18) return false;
  for (const word of words) {
    if (word.length > 1 && word === word.toUpperCase()) return false; // acronym
    if (word.length === 1 && word !== 'a' && word !== 'A' && word !== 'I') return false;
  }
  return true;
}

/** All quoted usage examples of the WordNet data files under `dir`, cleaned and deduplicated. */
export function extractExamples(dir: string): string[] {
  const seen = new Set<string>();
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    const text = readFileSync(join(dir, `data.${pos}`), 'latin1');
    for (const line of text.split('\n')) {
      const gloss = line.split(' | ')[1];
      if (gloss === undefined) continue;
      for (const match of gloss.matchAll(/"([^"]+)"/g)) {
        const sentence = match[1].trim().replace(/\s+/g, ' ');
        if (isCleanSentence(sentence)) seen.add(sentence);
      }
    }
  }
  return [...seen];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const limitAt = args.indexOf('--limit');
  const limit = limitAt >= 0 ? Number(args.splice(limitAt, 2)[1]) : 5000;
  const dir = args[0] ?? '/usr/share/wordnet';
  const all = extractExamples(dir);
  // Deterministic pick independent of file order: the `limit` sentences with the smallest hashes.
  const picked = all.map((s) => ({ s, h: fnv1a(s) })).sort((a, b) => a.h - b.h || (a.s < b.s ? -1 : 1)).slice(0, limit);
  process.stderr.write(`${all.length} clean examples, writing ${picked.length}\n`);
  process.stdout.write(picked.map((p) => p.s).sort().join('\n') + '\n');
}
