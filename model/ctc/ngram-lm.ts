/**
 * A back-off word n-gram model held in typed arrays, for ARPA files and CMU Sphinx's binary
 * trie (see arpa.ts, sphinx-trie.ts) and the bundled general English LM.
 *
 * No JS object per n-gram: each order n ≥ 2 keeps its n-grams as rows of word ids in one
 * Int32Array, their log10 probabilities and back-off weights in Float32Arrays, and an
 * open-addressing hash table (Int32Array of row + 1) from the ids to the row. Unigrams are
 * indexed by word id directly. 2M trigrams take about 2M × (3·4 + 4 + 4) bytes + the table.
 *
 * P(w | h) is the standard back-off (Katz / ARPA) rule: the longest n-gram h' w present gives
 * log10 P(w | h') plus the back-off weights of every longer context of h that is present
 * (a context absent from the model has weight 0). A word outside the vocabulary gets <unk>'s
 * probability when the model has <unk>, else the lowest unigram probability (a rare word).
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { SENTENCE_START, UNKNOWN } from './word-lm.ts';

/** log10 → natural log. */
export const LN10 = Math.log(10);

/** What the beam search needs from any word LM (WordLm and NgramLm both provide it). */
export interface LanguageModel {
  readonly order: number;
  /** Natural-log P(word | history); history oldest first, only the last order−1 used. */
  logProb(history: readonly string[], word: string): number;
  /** Whether the model knows the word (has a unigram for it). */
  has(word: string): boolean;
}

/** One order's table, as loaded or as built. Row r holds ids[r·n … r·n+n−1]. */
export interface NgramTable {
  ids: Int32Array;
  log10Prob: Float32Array;
  /** Absent for the highest order. */
  log10Backoff?: Float32Array;
}

function hashIds(ids: Int32Array, offset: number, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i++) {
    h = Math.imul(h ^ ids[offset + i], 0x01000193);
    h ^= h >>> 15;
  }
  return Math.imul(h, 0x2c1b3c6d) ^ (h >>> 12);
}

/** Open-addressing hash set over the rows of one order (linear probing, load ≤ 0.5). */
class RowIndex {
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(private readonly ids: Int32Array, private readonly n: number, rows: number) {
    let capacity = 16;
    while (capacity < rows * 2) capacity *= 2;
    this.slots = new Int32Array(capacity); // row + 1; 0 = empty
    this.mask = capacity - 1;
    for (let r = 0; r < rows; r++) {
      let slot = hashIds(ids, r * n, n) & this.mask;
      while (this.slots[slot] !== 0) {
        if (this.sameRow(this.slots[slot] - 1, ids, r * n)) throw new Error(`duplicate ${n}-gram (row ${r})`);
        slot = (slot + 1) & this.mask;
      }
      this.slots[slot] = r + 1;
    }
  }

  private sameRow(row: number, key: Int32Array, offset: number): boolean {
    const base = row * this.n;
    for (let i = 0; i < this.n; i++) if (this.ids[base + i] !== key[offset + i]) return false;
    return true;
  }

  /** Row of the n ids at key[offset …], or −1. */
  find(key: Int32Array, offset: number): number {
    let slot = hashIds(key, offset, this.n) & this.mask;
    for (;;) {
      const entry = this.slots[slot];
      if (entry === 0) return -1;
      if (this.sameRow(entry - 1, key, offset)) return entry - 1;
      slot = (slot + 1) & this.mask;
    }
  }

  get bytes(): number {
    return this.slots.byteLength;
  }
}

const MAGIC = 'CSLM1\n';

export class NgramLm implements LanguageModel {
  readonly order: number;
  readonly words: readonly string[];
  private readonly wordIds = new Map<string, number>();
  /** tables[n − 1] for order n; tables[0].ids is [0, 1, …, V−1]. */
  readonly tables: readonly NgramTable[];
  private readonly indexes: (RowIndex | null)[];
  private readonly unknownId: number;
  private readonly unknownLog10: number;
  private readonly scratch: Int32Array;

  /**
   * `words[i]` is word id i; `tables[0]` has one row per word (log10 P and back-off), tables[n−1]
   * the n-grams of order n as id rows. Throws on a duplicate n-gram or mismatched lengths.
   */
  constructor(words: readonly string[], tables: NgramTable[]) {
    if (tables.length === 0) throw new Error('n-gram LM: expected at least the unigram table');
    this.order = tables.length;
    this.words = words;
    words.forEach((w, i) => { if (!this.wordIds.has(w)) this.wordIds.set(w, i); });
    this.tables = tables;
    tables.forEach((t, k) => {
      const rows = t.log10Prob.length;
      if (t.ids.length !== rows * (k + 1)) throw new Error(`n-gram LM: ${k + 1}-gram table has ${t.ids.length} ids for ${rows} rows`);
      if (k + 1 < this.order && (!t.log10Backoff || t.log10Backoff.length !== rows)) {
        throw new Error(`n-gram LM: ${k + 1}-gram table needs one back-off per row`);
      }
    });
    if (tables[0].log10Prob.length !== words.length) throw new Error(`n-gram LM: ${words.length} words but ${tables[0].log10Prob.length} unigrams`);
    this.indexes = tables.map((t, k) => (k === 0 ? null : new RowIndex(t.ids, k + 1, t.log10Prob.length)));
    this.unknownId = this.wordIds.get(UNKNOWN) ?? -1;
    let lowest = 0;
    const uni = tables[0].log10Prob;
    for (let i = 0; i < uni.length; i++) if (uni[i] < lowest && uni[i] > -90) lowest = uni[i]; // −99 marks <s>
    this.unknownLog10 = this.unknownId >= 0 ? uni[this.unknownId] : lowest;
    this.scratch = new Int32Array(this.order);
  }

  has(word: string): boolean {
    return this.wordIds.has(word);
  }

  /** Word id, or −1. */
  id(word: string): number {
    return this.wordIds.get(word) ?? -1;
  }

  /** Number of n-grams of order n (1-based). */
  count(n: number): number {
    return this.tables[n - 1].log10Prob.length;
  }

  /** Row of the n-gram given as ids (oldest first), or −1. */
  findRow(ids: Int32Array, offset: number, n: number): number {
    if (n === 1) return ids[offset] >= 0 && ids[offset] < this.words.length ? ids[offset] : -1;
    return this.indexes[n - 1]!.find(ids, offset);
  }

  /**
   * log10 P(word | context) by ids: context = ids[offset … offset+n−2], word = ids[offset+n−1]
   * (n ≤ order). The back-off rule of the file comment.
   */
  log10ProbIds(ids: Int32Array, offset: number, n: number): number {
    let backoff = 0;
    for (let start = 0; start < n; start++) {
      const length = n - start;
      const row = this.findRow(ids, offset + start, length);
      if (row >= 0) return backoff + this.tables[length - 1].log10Prob[row];
      // h w absent: add the weight of context h (if present), then try a shorter one.
      const contextRow = length > 1 ? this.findRow(ids, offset + start, length - 1) : -1;
      if (contextRow >= 0) backoff += this.tables[length - 2].log10Backoff![contextRow];
    }
    return backoff + this.unknownLog10; // unreachable for known words: every word has a unigram
  }

  /** log10 P(word | history); history oldest first, starting with <s> at a sentence start. */
  log10Prob(history: readonly string[], word: string): number {
    const w = this.wordIds.get(word) ?? this.unknownId;
    if (w < 0) return this.unknownLog10;
    // The usable context: at most order−1 words, cut after the newest word the model lacks.
    let n = 0;
    const keep = Math.min(history.length, this.order - 1);
    for (let i = history.length - keep; i < history.length; i++) {
      const id = this.wordIds.get(history[i]) ?? this.unknownId;
      if (id < 0) { n = 0; continue; }
      this.scratch[n++] = id;
    }
    this.scratch[n] = w;
    return this.log10ProbIds(this.scratch, 0, n + 1);
  }

  logProb(history: readonly string[], word: string): number {
    return this.log10Prob(history, word) * LN10;
  }

  /** Natural-log probability of a sentence (space-separated words) with <s> and </s>. */
  sentenceLogProb(sentence: string): number {
    const history = [SENTENCE_START];
    let total = 0;
    for (const word of [...sentence.split(' ').filter((w) => w.length > 0), '</s>']) {
      total += this.logProb(history, word);
      history.push(word);
    }
    return total;
  }

  /** Bytes held by the tables and indexes (not the word strings). */
  get bytes(): number {
    let total = 0;
    for (const t of this.tables) total += t.ids.byteLength + t.log10Prob.byteLength + (t.log10Backoff?.byteLength ?? 0);
    for (const index of this.indexes) total += index?.bytes ?? 0;
    return total;
  }

  /** Our compact binary (see readNgramLmBinary), gzipped. */
  toBinary(): Buffer {
    const header = Buffer.from(JSON.stringify({ order: this.order, counts: this.tables.map((t) => t.log10Prob.length) }));
    const words = Buffer.from(this.words.join('\n'));
    const parts: Buffer[] = [Buffer.from(MAGIC), u32(header.length), header, u32(words.length), words];
    const pad = () => {
      const length = parts.reduce((s, p) => s + p.length, 0);
      if (length % 4) parts.push(Buffer.alloc(4 - (length % 4)));
    };
    pad();
    for (const t of this.tables) {
      parts.push(view(t.ids), view(t.log10Prob));
      if (t.log10Backoff) parts.push(view(t.log10Backoff));
    }
    return gzipSync(Buffer.concat(parts), { level: 9 });
  }

  save(path: string): void {
    writeFileSync(path, this.toBinary());
  }
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value);
  return b;
}

function view(array: Int32Array | Float32Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** Whether decompressed bytes start with our binary's magic. */
export function isNgramLmBinary(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, MAGIC.length)).toString('latin1') === MAGIC;
}

/**
 * Reads our compact binary (already gunzipped): magic, JSON header {order, counts}, the words
 * (newline-joined UTF-8), then per order ids (Int32), log10 P (Float32) and, below the top
 * order, log10 back-off (Float32), little-endian, 4-byte aligned. `name` is for errors.
 */
export function readNgramLmBinary(bytes: Buffer, name: string): NgramLm {
  if (!isNgramLmBinary(bytes)) throw new Error(`${name}: not a CellScribe n-gram LM (bad magic)`);
  let pos = MAGIC.length;
  const need = (n: number) => {
    if (pos + n > bytes.length) throw new Error(`${name}: truncated at byte ${pos} (needs ${n} more of ${bytes.length})`);
  };
  need(4);
  const headerLength = bytes.readUInt32LE(pos); pos += 4;
  need(headerLength);
  const header = JSON.parse(bytes.subarray(pos, pos + headerLength).toString('utf8')) as { order: number; counts: number[] };
  pos += headerLength;
  need(4);
  const wordsLength = bytes.readUInt32LE(pos); pos += 4;
  need(wordsLength);
  const words = bytes.subarray(pos, pos + wordsLength).toString('utf8').split('\n');
  pos += wordsLength;
  pos = (pos + 3) & ~3;
  // Copy into an aligned buffer so the typed arrays can view it.
  const aligned = new ArrayBuffer(bytes.length - pos);
  new Uint8Array(aligned).set(bytes.subarray(pos));
  let at = 0;
  const take = <T extends Int32Array | Float32Array>(Ctor: new (b: ArrayBuffer, o: number, l: number) => T, length: number): T => {
    if (at + length * 4 > aligned.byteLength) throw new Error(`${name}: truncated n-gram tables`);
    const out = new Ctor(aligned, at, length);
    at += length * 4;
    return out;
  };
  const tables: NgramTable[] = header.counts.map((rows, k) => ({
    ids: take(Int32Array, rows * (k + 1)),
    log10Prob: take(Float32Array, rows),
    log10Backoff: k + 1 < header.order ? take(Float32Array, rows) : undefined,
  }));
  return new NgramLm(words, tables);
}
