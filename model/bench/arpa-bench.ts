/**
 * ARPA loading speed and memory on a synthetic model of the size the issue names: 70k unigrams,
 * 1M bigrams and 1M trigrams, written to a temporary file (random words, log10 values with 4-6
 * decimals as real tools write them), then read with loadLanguageModel as `--lm` would.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLanguageModel } from '../ctc/lm-file.ts';
import type { NgramLm } from '../ctc/ngram-lm.ts';

export interface ArpaBench {
  seconds: number;
  /** Growth of JS heap + array buffers kept once loaded (after a full GC), and the peak RSS growth while loading. */
  retainedMegabytes: number;
  peakRssMegabytes: number;
  tableMegabytes: number;
  ngrams: number;
  fileMegabytes: number;
}

/** A full garbage collection, so memory before and after compares what is really kept. */
function collectGarbage(): void {
  setFlagsFromString('--expose_gc');
  (runInNewContext('gc') as () => void)();
}

const used = () => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };

export function benchArpaLoad(unigrams = 70_000, bigrams = 1_000_000, trigrams = 1_000_000): ArpaBench {
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const words = Array.from({ length: unigrams }, (_, i) => `w${i.toString(36)}`);
  const pick = () => words[Math.floor(rand() ** 2 * unigrams)]; // Zipf-ish: frequent words repeat
  const lines: string[] = ['\\data\\', `ngram 1=${unigrams}`, `ngram 2=${bigrams}`, `ngram 3=${trigrams}`, '', '\\1-grams:'];
  for (const w of words) lines.push(`${(-1 - rand() * 6).toFixed(6)}\t${w}\t${(-rand()).toFixed(6)}`);
  const seen = new Set<string>();
  const bigramList: string[] = [];
  lines.push('', '\\2-grams:');
  while (bigramList.length < bigrams) {
    const g = `${pick()} ${pick()}`;
    if (seen.has(g)) continue;
    seen.add(g);
    bigramList.push(g);
    lines.push(`${(-rand() * 4).toFixed(6)}\t${g}\t${(-rand()).toFixed(6)}`);
  }
  lines.push('', '\\3-grams:');
  let made = 0;
  while (made < trigrams) {
    const g = `${bigramList[Math.floor(rand() * bigrams)]} ${pick()}`;
    if (seen.has(g)) continue;
    seen.add(g);
    made++;
    lines.push(`${(-rand() * 3).toFixed(6)}\t${g}`);
  }
  lines.push('', '\\end\\', '');
  const dir = mkdtempSync(join(tmpdir(), 'arpa-bench-'));
  const path = join(dir, 'synthetic.arpa');
  const text = lines.join('\n');
  writeFileSync(path, text);
  const fileMegabytes = Buffer.byteLength(text) / 1e6;
  lines.length = 0;
  seen.clear();
  collectGarbage();
  const before = used();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const lm = loadLanguageModel(path) as NgramLm;
  const seconds = (performance.now() - started) / 1000;
  const peakRssMegabytes = (process.memoryUsage().rss - rssBefore) / 1e6;
  collectGarbage();
  const retainedMegabytes = (used() - before) / 1e6;
  rmSync(dir, { recursive: true, force: true });
  return { seconds, retainedMegabytes, peakRssMegabytes, tableMegabytes: lm.bytes / 1e6, ngrams: lm.count(1) + lm.count(2) + lm.count(3), fileMegabytes };
}
