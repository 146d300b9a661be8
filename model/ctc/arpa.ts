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

/**
 * A decimal number in text[start, end): the plain forms ARPA files use ("-1.234567", "-99",
 * "0") parsed in place; anything else (exponents, "inf") goes to Number().
 */
function parseNumber(text: string, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (text.charCodeAt(i) === 45) { negative = true; i++; }
  let value = 0;
  let digits = 0;
  let c = 0;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
    digits++;
  }
  if (i < end && c === 46) {
    let scale = 1;
    let fraction = 0;
    for (i++; i < end; i++) {
      c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      fraction = fraction * 10 + (c - 48);
      scale *= 10;
      digits++;
    }
    if (i === end && digits > 0 && scale <= 1e15) value += fraction / scale;
  }
  if (i !== end || digits === 0) return Number(text.slice(start, end));
  return negative ? -value : value;
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

  const fieldStarts = new Int32Array(order + 2);
  const fieldEnds = new Int32Array(order + 2);
  const previousWords: string[] = new Array<string>(order).fill('');
  const previousIds = new Int32Array(order);
  for (let n = 1; n <= order; n++) {
    // Find the section header, skipping blank lines.
    while ((line = nextLine()) !== null && line.trim() === '');
    if (line === null || line.trim() !== `\\${n}-grams:`) {
      throw new ArpaError(name, lineNo, `expected "\\${n}-grams:", got ${line === null ? 'the end of the file' : `"${line.trim().slice(0, 60)}"`}`);
    }
    const table = tables[n - 1];
    const rows = counts[n - 1];
    const ids = table.ids;
    const probs = table.log10Prob;
    const backoffs = table.log10Backoff;
    previousWords.fill('');
    for (let r = 0; r < rows; r++) {
      // Hot loop (millions of lines): scan the text in place instead of slicing lines and
      // splitting them; only the words become strings (for the vocabulary look-up).
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      lineNo++;
      let at = pos;
      const lineStart = pos;
      pos = end + 1;
      let stop = end;
      if (stop > at && text.charCodeAt(stop - 1) === 13) stop--; // CRLF
      // Field boundaries: [start, end) pairs of runs of non-whitespace (tab or space).
      let fieldCount = 0;
      while (at < stop) {
        let c = text.charCodeAt(at);
        while (at < stop && (c === 9 || c === 32)) c = text.charCodeAt(++at);
        if (at >= stop) break;
        const start = at;
        while (at < stop && c !== 9 && c !== 32) c = text.charCodeAt(++at);
        if (fieldCount < fieldStarts.length) { fieldStarts[fieldCount] = start; fieldEnds[fieldCount] = at; }
        fieldCount++;
      }
      if (fieldCount === 0) { r--; continue; } // blank line inside a section
      if (text.charCodeAt(fieldStarts[0]) === 92 /* \ */) {
        throw new ArpaError(name, lineNo, `the header promised ${rows} ${n}-grams, the section has ${r}`);
      }
      if (fieldCount !== n + 1 && fieldCount !== n + 2) {
        throw new ArpaError(name, lineNo, `expected log10 P, ${n} word(s) and an optional back-off, got ${fieldCount} fields in "${text.slice(lineStart, Math.min(stop, lineStart + 80))}"`);
      }
      const prob = parseNumber(text, fieldStarts[0], fieldEnds[0]);
      if (!Number.isFinite(prob)) throw new ArpaError(name, lineNo, `probability "${text.slice(fieldStarts[0], fieldEnds[0])}" is not a number`);
      probs[r] = prob > 0 ? 0 : prob; // some tools write tiny positive rounding errors
      for (let i = 0; i < n; i++) {
        const start = fieldStarts[1 + i], length = fieldEnds[1 + i] - start;
        // Files are sorted by context, so a word often repeats the one above it: compare in
        // place and skip making a string and looking it up.
        const previous = previousWords[i];
        if (n > 1 && previous.length === length && text.startsWith(previous, start)) {
          ids[r * n + i] = previousIds[i];
          continue;
        }
        const word = text.slice(start, start + length);
        let id = wordIds.get(word);
        if (id === undefined) {
          if (n > 1) throw new ArpaError(name, lineNo, `word "${word}" is not among the 1-grams`);
          id = words.length;
          // A fresh copy: a slice would keep the whole file's text alive as its parent.
          const own = Buffer.from(word, 'utf8').toString('utf8');
          words.push(own);
          wordIds.set(own, id);
        } else if (n === 1) {
          throw new ArpaError(name, lineNo, `1-gram "${word}" appears twice`);
        }
        ids[r * n + i] = id;
        previousWords[i] = words[id];
        previousIds[i] = id;
      }
      if (fieldCount === n + 2) {
        if (!backoffs) throw new ArpaError(name, lineNo, `a back-off weight on a ${n}-gram, the highest order`);
        const backoff = parseNumber(text, fieldStarts[n + 1], fieldEnds[n + 1]);
        if (!Number.isFinite(backoff)) throw new ArpaError(name, lineNo, `back-off "${text.slice(fieldStarts[n + 1], fieldEnds[n + 1])}" is not a number`);
        backoffs[r] = backoff;
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
