/**
 * ARPA back-off n-gram files (as written by KenLM's lmplz/build_binary --arpa, SRILM's
 * ngram-count and the CMU-Cambridge toolkit) into an NgramLm.
 *
 * Layout: anything before "\data\" is ignored (CMU writes a comment block there); then
 * "ngram N=count" lines; then per order "\N-grams:" and one line per n-gram:
 * log10 P, the N words, and optionally a log10 back-off weight, separated by tabs (SRILM, KenLM)
 * or spaces (CMU); "\end\" closes the file. Counts in the header size the typed arrays up front
 * and must match the sections.
 */
import { NgramLm, type NgramTable } from './ngram-lm.ts';

class ArpaError extends Error {
  constructor(name: string, line: number, message: string) {
    super(`${name}: line ${line}: ${message}`);
  }
}

/** Whether text (its first few KB are enough) looks like an ARPA file: a "\data\" line then "ngram 1=". */
export function looksLikeArpa(head: string): boolean {
  return /(^|\n)\\data\\\s*\r?\n\s*ngram\s+1\s*=/.test(head);
}

/** Parses ARPA text. `name` (the file) is used in error messages. */
export function parseArpa(text: string, name = 'ARPA file'): NgramLm {
  let pos = 0;
  let lineNo = 0;
  /** Next line without its end, or null at the end of the text. */
  const nextLine = (): string | null => {
    if (pos >= text.length) return null;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    let line = text.slice(pos, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    pos = end + 1;
    lineNo++;
    return line;
  };

  let line: string | null;
  while ((line = nextLine()) !== null && line.trim() !== '\\data\\');
  if (line === null) throw new Error(`${name}: not an ARPA file (no \\data\\ line)`);
  const counts: number[] = [];
  while ((line = nextLine()) !== null) {
    const trimmed = line.trim();
    if (trimmed === '') { if (counts.length > 0) break; continue; }
    const m = /^ngram\s+(\d+)\s*=\s*(\d+)$/.exec(trimmed);
    if (!m) {
      if (counts.length > 0 && trimmed.startsWith('\\')) { pos -= line.length + 1; lineNo--; break; }
      throw new ArpaError(name, lineNo, `expected "ngram N=count", got "${trimmed.slice(0, 60)}"`);
    }
    if (Number(m[1]) !== counts.length + 1) throw new ArpaError(name, lineNo, `n-gram orders out of sequence (ngram ${m[1]} after ${counts.length})`);
    counts.push(Number(m[2]));
  }
  const order = counts.length;
  if (order === 0) throw new Error(`${name}: no "ngram N=count" lines after \\data\\`);

  const words: string[] = [];
  const wordIds = new Map<string, number>();
  const tables: NgramTable[] = counts.map((rows, k) => ({
    ids: new Int32Array(rows * (k + 1)),
    log10Prob: new Float32Array(rows),
    log10Backoff: k + 1 < order ? new Float32Array(rows) : undefined,
  }));

  for (let n = 1; n <= order; n++) {
    // Find the section header, skipping blank lines.
    while ((line = nextLine()) !== null && line.trim() === '');
    if (line === null || line.trim() !== `\\${n}-grams:`) {
      throw new ArpaError(name, lineNo, `expected "\\${n}-grams:", got ${line === null ? 'the end of the file' : `"${line.trim().slice(0, 60)}"`}`);
    }
    const table = tables[n - 1];
    const rows = counts[n - 1];
    for (let r = 0; r < rows; r++) {
      line = nextLine();
      while (line !== null && line.trim() === '') line = nextLine();
      if (line === null || line.startsWith('\\')) {
        throw new ArpaError(name, lineNo, `the header promised ${rows} ${n}-grams, the section has ${r}`);
      }
      const fields = line.trim().split(/\s+/);
      if (fields.length !== n + 1 && fields.length !== n + 2) {
        throw new ArpaError(name, lineNo, `expected log10 P, ${n} word(s) and an optional back-off, got ${fields.length} fields`);
      }
      const prob = Number(fields[0]);
      if (!Number.isFinite(prob)) throw new ArpaError(name, lineNo, `probability "${fields[0]}" is not a number`);
      table.log10Prob[r] = prob > 0 ? 0 : prob; // some tools write tiny positive rounding errors
      for (let i = 0; i < n; i++) {
        const word = fields[1 + i];
        let id = wordIds.get(word);
        if (id === undefined) {
          if (n > 1) throw new ArpaError(name, lineNo, `word "${word}" is not among the 1-grams`);
          id = words.length;
          words.push(word);
          wordIds.set(word, id);
        } else if (n === 1) {
          throw new ArpaError(name, lineNo, `1-gram "${word}" appears twice`);
        }
        table.ids[r * n + i] = id;
      }
      if (fields.length === n + 2) {
        if (!table.log10Backoff) throw new ArpaError(name, lineNo, `a back-off weight on a ${n}-gram, the highest order`);
        const backoff = Number(fields[n + 1]);
        if (!Number.isFinite(backoff)) throw new ArpaError(name, lineNo, `back-off "${fields[n + 1]}" is not a number`);
        table.log10Backoff[r] = backoff;
      }
    }
  }
  while ((line = nextLine()) !== null && line.trim() === '');
  if (line === null || line.trim() !== '\\end\\') {
    throw new ArpaError(name, lineNo, `expected "\\end\\" after the ${order}-grams, got ${line === null ? 'the end of the file' : `"${line.trim().slice(0, 60)}"`}`);
  }
  try {
    return new NgramLm(words, tables);
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message}`);
  }
}
