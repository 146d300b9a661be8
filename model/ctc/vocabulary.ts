/**
 * Restricting the beam to a list of words or phrases. The list is compiled to a character trie;
 * a hypothesis may only grow along it, and after a complete entry a space starts a new entry,
 * so any sequence of entries ("one two three") is reachable.
 */
import { readFileSync } from 'node:fs';
import { Alphabet, normalizeTranscript } from '../text/alphabet.ts';
import { DEFAULT_MODEL } from '../config.ts';

/** One node of the character trie: the prefix spelled by the path from the root. */
export interface TrieNode {
  readonly id: number;
  readonly children: Map<string, TrieNode>;
  /** True when the path from the root spells a whole entry. */
  terminal: boolean;
}

/**
 * Where a hypothesis can be inside the vocabulary. Usually one node; several when a phrase and
 * a shorter entry share a beginning ("new" and "new york": after "new " both the root and the
 * "new " node are live). Sorted by node id so equal states compare equal.
 */
export type VocabularyState = readonly TrieNode[];

/** Built-in list for spoken digits (FSDD, PINs, phone numbers). */
export const DIGIT_WORDS: readonly string[] =
  ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'oh'];

export class Vocabulary {
  /** Normalised entries (words or phrases), duplicates removed, in file order. */
  readonly entries: readonly string[];
  readonly root: TrieNode;
  /** Every single word that occurs in some entry. */
  readonly words: ReadonlySet<string>;
  private nodeCount = 0;

  constructor(entries: readonly string[]) {
    this.root = this.newNode();
    const unique = [...new Set(entries.map((e) => e.replace(/\s+/g, ' ').trim()).filter((e) => e.length > 0))];
    if (unique.length === 0) throw new Error('vocabulary: expected at least one non-empty entry, got none');
    for (const entry of unique) {
      let node = this.root;
      for (const ch of entry) {
        let child = node.children.get(ch);
        if (!child) { child = this.newNode(); node.children.set(ch, child); }
        node = child;
      }
      node.terminal = true;
    }
    this.entries = unique;
    this.words = new Set(unique.flatMap((e) => e.split(' ')));
  }

  private newNode(): TrieNode {
    return { id: this.nodeCount++, children: new Map(), terminal: false };
  }

  /** The state before anything is emitted. */
  get initialState(): VocabularyState {
    return [this.root];
  }

  /** Whether `ch` may follow a hypothesis in `state` (advance without building the next state). */
  allows(state: VocabularyState, ch: string): boolean {
    for (const node of state) {
      if (node.children.has(ch) || (ch === ' ' && node.terminal)) return true;
    }
    return false;
  }

  /** State after appending `ch`, or null when no entry sequence allows it. */
  advance(state: VocabularyState, ch: string): VocabularyState | null {
    const next: TrieNode[] = [];
    for (const node of state) {
      const child = node.children.get(ch);
      if (child) next.push(child);
      // A space after a complete entry starts the next entry.
      if (ch === ' ' && node.terminal) next.push(this.root);
    }
    if (next.length === 0) return null;
    if (next.length === 1) return next;
    const unique = [...new Set(next)].sort((a, b) => a.id - b.id);
    return unique;
  }

  /** Whether a hypothesis in this state may end here (it finished an entry). */
  isComplete(state: VocabularyState): boolean {
    return state.some((node) => node.terminal);
  }

  /** Whether `text` is a sequence of entries separated by single spaces. */
  accepts(text: string): boolean {
    let state: VocabularyState | null = this.initialState;
    for (const ch of text) {
      state = this.advance(state, ch);
      if (!state) return false;
    }
    return text.length === 0 || this.isComplete(state);
  }
}

/**
 * Vocabulary from a list, one word or phrase per line. Lines are normalised like transcripts
 * (lowercase, digits spelled out, punctuation other than the apostrophe dropped, characters
 * outside `alphabet` removed); blank lines and lines starting with '#' are ignored.
 */
export function vocabularyFromText(text: string, alphabet = new Alphabet(DEFAULT_MODEL.alphabet)): Vocabulary {
  const lines = text.split(/\r?\n/).filter((line) => !line.trim().startsWith('#'));
  return new Vocabulary(lines.map((line) => normalizeTranscript(line, alphabet)));
}

/** `'digits'` → the built-in digit words; anything else is read as a list file (see vocabularyFromText). */
export function loadVocabulary(fileOrDigits: string, alphabet?: Alphabet): Vocabulary {
  if (fileOrDigits === 'digits') return new Vocabulary(DIGIT_WORDS);
  return vocabularyFromText(readFileSync(fileOrDigits, 'utf8'), alphabet);
}
