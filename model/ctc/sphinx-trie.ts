/**
 * CMU Sphinx's binary trie LM ("Trie Language Model", the .lm.bin that pocketsphinx-en-us ships
 * and sphinx_lm_convert writes), read into an NgramLm. Written from the format as sphinxbase
 * 5prealpha lays it out (ngram_model_trie.c, lm_trie.c, lm_trie_quant.c, bitarr.c); no code of
 * theirs is used. All numbers little-endian:
 *
 *   "Trie Language Model" (19 bytes, no NUL), order (uint8), count per order (uint32 × order)
 *   int32 (quantizer tag, not used)
 *   quantizer tables, float32: per middle order 65536 probability bins then 65536 back-off bins,
 *     then 65536 bins for the highest order's probabilities
 *   unigrams: (count₁ + 1) × {float32 prob, float32 back-off, uint32 first child}, the last a sentinel
 *   one bit-packed array per order ≥ 2 (the trie levels), then
 *   int32 byte length + the words, NUL-terminated, in unigram-id order.
 *
 * The trie is stored reversed, KenLM style: level 1 is the predicted word, level 2 the word
 * before it, and so on, so an entry at depth k under unigram w is the ARPA n-gram
 * (h_k … h_1 w). A middle entry packs word id (⌈log2 count₁⌉ bits), back-off code (16 bits),
 * probability code (16 bits) and the index of its first child (⌈log2 count_{k+1}⌉ bits); its
 * children end where the next entry's begin. A top-order entry packs word id and probability code.
 * Bit fields are read as a little-endian 32-bit word at byte offset ⌊bit/8⌋, shifted by bit mod 8.
 * Probabilities are in sphinx's log base 1.0001 (logmath's default); we convert to log10.
 */
import { NgramLm, type NgramTable } from './ngram-lm.ts';

export const SPHINX_TRIE_HEADER = 'Trie Language Model';
/** log10 of sphinx's default log base 1.0001, which the file's float log values are in. */
const LOG10_OF_BASE = Math.log10(1.0001);
const QUANT_BINS = 1 << 16;

export function isSphinxTrie(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, SPHINX_TRIE_HEADER.length)).toString('latin1') === SPHINX_TRIE_HEADER;
}

function requiredBits(max: number): number {
  let bits = 0;
  while (max > 0) { bits++; max = Math.floor(max / 2); }
  return bits;
}

/** Reads the whole model (every n-gram) from the file's bytes. `name` is used in errors. */
export function readSphinxTrie(bytes: Buffer, name = 'sphinx LM'): NgramLm {
  if (!isSphinxTrie(bytes)) throw new Error(`${name}: not a sphinx trie LM (header is not "${SPHINX_TRIE_HEADER}")`);
  let pos = SPHINX_TRIE_HEADER.length;
  const need = (n: number, what: string) => {
    if (pos + n > bytes.length) throw new Error(`${name}: truncated while reading ${what} (byte ${pos}, file has ${bytes.length})`);
  };
  need(1, 'the order');
  const order = bytes[pos++];
  if (order < 1 || order > 6) throw new Error(`${name}: order ${order} is outside 1–6`);
  need(4 * order, 'the n-gram counts');
  const counts = Array.from({ length: order }, (_, i) => bytes.readUInt32LE(pos + 4 * i));
  pos += 4 * order;

  // Quantizer tables: [order−2] × (prob bins, back-off bins), then the top order's prob bins.
  const probBins: Float32Array[] = [];
  const backoffBins: Float32Array[] = [];
  let topBins: Float32Array = new Float32Array(0);
  if (order > 1) {
    need(4, 'the quantizer tag');
    pos += 4;
    const floats = (count: number, what: string): Float32Array => {
      need(count * 4, what);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = bytes.readFloatLE(pos + 4 * i);
      pos += count * 4;
      return out;
    };
    for (let k = 0; k < order - 2; k++) {
      probBins.push(floats(QUANT_BINS, `the ${k + 2}-gram probability bins`));
      backoffBins.push(floats(QUANT_BINS, `the ${k + 2}-gram back-off bins`));
    }
    topBins = floats(QUANT_BINS, `the ${order}-gram probability bins`);
  }

  const vocabSize = counts[0];
  need(12 * (vocabSize + 1), 'the unigrams');
  const uniProb = new Float32Array(vocabSize);
  const uniBackoff = new Float32Array(vocabSize);
  const uniNext = new Uint32Array(vocabSize + 1);
  for (let i = 0; i <= vocabSize; i++) {
    const at = pos + 12 * i;
    if (i < vocabSize) {
      uniProb[i] = bytes.readFloatLE(at) * LOG10_OF_BASE;
      uniBackoff[i] = bytes.readFloatLE(at + 4) * LOG10_OF_BASE;
    }
    uniNext[i] = bytes.readUInt32LE(at + 8);
  }
  pos += 12 * (vocabSize + 1);

  // Trie levels: where each starts and its field widths.
  const wordBits = requiredBits(vocabSize);
  interface Level { start: number; totalBits: number; nextBits: number; quantBits: number; entries: number }
  const levels: Level[] = [];
  for (let n = 2; n <= order; n++) {
    const entries = counts[n - 1];
    const quantBits = n < order ? 32 : 16;
    const nextBits = n < order ? requiredBits(counts[n]) : 0;
    const totalBits = wordBits + quantBits + nextBits;
    const size = Math.floor(((1 + entries) * totalBits + 7) / 8) + 8;
    need(size, `the ${n}-gram level`);
    levels.push({ start: pos, totalBits, nextBits, quantBits, entries });
    pos += size;
  }
  const readBits = (base: number, bit: number, length: number): number => {
    const at = base + Math.floor(bit / 8);
    const word = bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
    return ((word >>> (bit % 8)) & (length === 32 ? 0xffffffff : (1 << length) - 1)) >>> 0;
  };

  need(4, 'the word list length');
  const wordBytes = bytes.readInt32LE(pos);
  pos += 4;
  need(wordBytes, 'the word list');
  const words = bytes.subarray(pos, pos + wordBytes).toString('utf8').split('\0');
  if (words[words.length - 1] === '') words.pop();
  if (words.length !== vocabSize) throw new Error(`${name}: ${words.length} words in the word list, ${vocabSize} unigrams in the header`);

  // The header's counts are what sphinx allocated, an upper bound: its count fixing adds
  // room for filler entries that are not always used. The levels' used lengths are the
  // unigram sentinel's child index and, below, the child index stored after each level's last entry.
  const used = [vocabSize];
  if (order > 1) used.push(uniNext[vocabSize]);
  for (let n = 2; n < order; n++) {
    const level = levels[n - 2];
    if (used[n - 1] > level.entries) throw new Error(`${name}: corrupt trie (${used[n - 1]} ${n}-grams used, ${level.entries} allocated)`);
    used.push(readBits(level.start, used[n - 1] * level.totalBits + wordBits + level.quantBits, level.nextBits));
  }
  levels.forEach((level, k) => {
    if (used[k + 1] > level.entries) throw new Error(`${name}: corrupt trie (${used[k + 1]} ${k + 2}-grams used, ${level.entries} allocated)`);
    level.entries = used[k + 1];
  });

  // Walk the trie depth-first from every unigram, writing each entry as an ARPA-ordered row.
  const tables: NgramTable[] = [{
    ids: Int32Array.from({ length: vocabSize }, (_, i) => i), log10Prob: uniProb,
    log10Backoff: order > 1 ? uniBackoff : undefined,
  }];
  for (let n = 2; n <= order; n++) {
    tables.push({
      ids: new Int32Array(used[n - 1] * n), log10Prob: new Float32Array(used[n - 1]),
      log10Backoff: n < order ? new Float32Array(used[n - 1]) : undefined,
    });
  }
  const filled = new Int32Array(order + 1);
  const path = new Int32Array(order); // path[0] = predicted word, path[d] = d-th word back
  const visit = (depth: number, begin: number, end: number) => {
    // Entries [begin, end) of level `depth` (2 = first level under the unigrams).
    const level = levels[depth - 2];
    if (end > level.entries || begin > end) throw new Error(`${name}: corrupt trie (range ${begin}–${end} at level ${depth}, ${level.entries} entries)`);
    const table = tables[depth - 1];
    for (let e = begin; e < end; e++) {
      const bit = e * level.totalBits;
      path[depth - 1] = readBits(level.start, bit, wordBits);
      if (path[depth - 1] >= vocabSize) throw new Error(`${name}: corrupt trie (word id ${path[depth - 1]} at level ${depth})`);
      const row = filled[depth]++;
      for (let i = 0; i < depth; i++) table.ids[row * depth + i] = path[depth - 1 - i];
      const quant = bit + wordBits;
      if (depth < order) {
        table.log10Backoff![row] = backoffBins[depth - 2][readBits(level.start, quant, 16)] * LOG10_OF_BASE;
        table.log10Prob[row] = probBins[depth - 2][readBits(level.start, quant + 16, 16)] * LOG10_OF_BASE;
        const nextAt = quant + level.quantBits;
        const childBegin = readBits(level.start, nextAt, level.nextBits);
        const childEnd = readBits(level.start, nextAt + level.totalBits, level.nextBits);
        visit(depth + 1, childBegin, childEnd);
      } else {
        table.log10Prob[row] = topBins[readBits(level.start, quant, 16)] * LOG10_OF_BASE;
      }
    }
  };
  if (order > 1) {
    for (let w = 0; w < vocabSize; w++) {
      path[0] = w;
      visit(2, uniNext[w], uniNext[w + 1]);
    }
    for (let n = 2; n <= order; n++) {
      if (filled[n] !== used[n - 1]) throw new Error(`${name}: corrupt trie (${used[n - 1]} ${n}-grams in use, ${filled[n]} reachable)`);
    }
  }
  try {
    return new NgramLm(words, tables);
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message}`);
  }
}
