/**
 * `--lm FILE` and the app's LM setting: one entry point that recognises what the file is.
 *
 *   gzip (1f 8b) → the contents are examined the same way
 *   "CSLM1"      → our compact binary (NgramLm.save), e.g. the bundled general English LM
 *   "Trie Language Model" → CMU Sphinx's binary trie (.lm.bin)
 *   "\data\" then "ngram 1=" → ARPA (KenLM, SRILM, CMU toolkits)
 *   .json        → a WordLm saved by saveWordLm
 *   anything else → plain text, one sentence a line, from which a Kneser-Ney trigram is built
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { looksLikeArpa, parseArpa } from './arpa.ts';
import { isNgramLmBinary, readNgramLmBinary, type LanguageModel } from './ngram-lm.ts';
import { isSphinxTrie, readSphinxTrie } from './sphinx-trie.ts';
import { buildWordLm, WordLm, type WordLmJson } from './word-lm.ts';

export type LmFileKind = 'cellscribe-binary' | 'sphinx-trie' | 'arpa' | 'word-lm-json' | 'text';

/** The file's bytes, gunzipped when gzip-compressed (errors name the file). */
function readMaybeGzip(path: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`language model ${path}: ${(error as Error).message}`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes);
    } catch (error) {
      throw new Error(`language model ${path}: gzip data is damaged (${(error as Error).message})`);
    }
  }
  return bytes;
}

export function detectLmKind(path: string, bytes: Buffer): LmFileKind {
  if (isNgramLmBinary(bytes)) return 'cellscribe-binary';
  if (isSphinxTrie(bytes)) return 'sphinx-trie';
  if (looksLikeArpa(bytes.subarray(0, 64 * 1024).toString('utf8'))) return 'arpa';
  if (/\.json$/i.test(path.replace(/\.gz$/i, ''))) return 'word-lm-json';
  return 'text';
}

/** Loads any supported LM file (see the file comment). */
export function loadLanguageModel(path: string, textOrder = 3): LanguageModel {
  const bytes = readMaybeGzip(path);
  const kind = detectLmKind(path, bytes);
  switch (kind) {
    case 'cellscribe-binary': return readNgramLmBinary(bytes, path);
    case 'sphinx-trie': return readSphinxTrie(bytes, path);
    case 'arpa': return parseArpa(bytes.toString('utf8'), path);
    case 'word-lm-json': {
      let json: WordLmJson;
      try {
        json = JSON.parse(bytes.toString('utf8')) as WordLmJson;
      } catch (error) {
        throw new Error(`language model ${path}: not valid JSON (${(error as Error).message})`);
      }
      return WordLm.fromJSON(json);
    }
    case 'text': {
      const text = bytes.toString('utf8');
      if (text.includes('\0')) throw new Error(`language model ${path}: binary data that is not a known LM format (expected ARPA, sphinx .lm.bin, CellScribe LM or text)`);
      try {
        return buildWordLm(text, textOrder);
      } catch (error) {
        throw new Error(`language model ${path}: ${(error as Error).message}`);
      }
    }
  }
}
