/**
 * CTC prefix beam search (Hannun et al. 2014), optionally restricted to a vocabulary trie and
 * rescored at word boundaries by a word n-gram LM.
 *
 * Each hypothesis is a node in a tree of label prefixes, holding log p(prefix, path ends in
 * blank) and log p(prefix, path ends in its last label) for the frames seen so far. Ranking
 * score = log(p_blank + p_label) + Σ over completed words (α·log P_lm(word | history) + β).
 * A word counts as completed when a space follows it, or at the end of the utterance (where
 * α·log P_lm(</s> | history) is added too).
 */
import { Alphabet, BLANK } from '../text/alphabet.ts';
import { logAdd } from './log-math.ts';
import type { Vocabulary, VocabularyState } from './vocabulary.ts';
import type { LanguageModel } from './ngram-lm.ts';
import { SENTENCE_END, SENTENCE_START } from './word-lm.ts';

/**
 * Default LM weight α (natural-log LM probabilities). Chosen on the "tune" half of the AN4
 * held-out speakers (scripts/make-an4-manifests.ts) with the first base model: α ∈ {0.5, 1, 1.5}
 * × β ∈ {0, 1, 2} gave WER 12.6–14.0%; α = 1, β = 1 was among the best and fewest insertions.
 */
export const DEFAULT_ALPHA = 1.0;
/** Default word-insertion bonus β when an LM is used (0 without one). */
export const DEFAULT_BETA = 1.0;

export interface BeamSearchOptions {
  /** Hypotheses kept after every frame (≥ 1). */
  beam: number;
  /** Only sequences of these entries can be produced. */
  vocabulary?: Vocabulary;
  /** Word n-gram LM applied at word boundaries. */
  lm?: LanguageModel;
  /** LM weight α; default DEFAULT_ALPHA. */
  alpha?: number;
  /** Bonus per completed word β; default DEFAULT_BETA with an LM, 0 without. */
  beta?: number;
  /**
   * Classes whose log-probability at a frame is below this are not tried as extensions there
   * (speed); default −Infinity, i.e. every class is tried.
   */
  pruneLogProb?: number;
}

/** One label prefix; shared by every frame's beam (children are created once and cached). */
class Prefix {
  /** Child per class id, allocated on first extension; null = not allowed by the vocabulary. */
  children: (Prefix | null | undefined)[] | null = null;
  /** log p over paths ending in blank / in `label`, for the current frame. */
  blank = -Infinity;
  nonBlank = -Infinity;
  /** Accumulators for the frame being computed. */
  nextBlank = -Infinity;
  nextNonBlank = -Infinity;
  stamp = -1;
  score = -Infinity;
  /** wordScore after a following space completes `partial` (filled lazily). */
  spaceScore: number | undefined = undefined;

  constructor(
    readonly parent: Prefix | null,
    /** Last class id of the prefix; BLANK for the empty prefix. */
    readonly label: number,
    readonly vocabState: VocabularyState | null,
    /** Completed words the LM conditions on (last order−1, starting with <s>). */
    readonly history: readonly string[],
    /** Characters of the word being spelled. */
    readonly partial: string,
    /** Σ α·log P_lm + β over completed words. */
    readonly wordScore: number,
  ) {}

  labels(): number[] {
    const out: number[] = [];
    for (let node: Prefix | null = this; node && node.parent; node = node.parent) out.push(node.label);
    return out.reverse();
  }
}

/**
 * Label ids of the best hypothesis found by prefix beam search over [frames × classes]
 * log-probabilities. With a vocabulary the result is strict: only whole entries. When every
 * hypothesis left in the beam is mid-word (a vocabulary entry outscored by the prefixes of
 * longer ones), the search is repeated with a 4× wider beam, twice at most; if still none is
 * complete, the best hypothesis's unfinished word is dropped.
 */
export function prefixBeamSearch(logProbs: ArrayLike<number>, frames: number, alphabet: Alphabet,
                                 opts: BeamSearchOptions): number[] {
  let beam = Math.max(1, Math.floor(opts.beam));
  for (let attempt = 0; ; attempt++) {
    const { labels, complete } = searchOnce(logProbs, frames, alphabet, { ...opts, beam });
    if (complete || !opts.vocabulary) return labels;
    if (attempt === 2) return dropUnfinishedWord(labels, alphabet);
    beam *= 4;
  }
}

/** Cuts labels back to the last space: the words completed before the unfinished one. */
function dropUnfinishedWord(labels: number[], alphabet: Alphabet): number[] {
  const space = alphabet.id(' ');
  const lastSpace = space === undefined ? -1 : labels.lastIndexOf(space);
  return lastSpace < 0 ? [] : labels.slice(0, lastSpace);
}

function searchOnce(logProbs: ArrayLike<number>, frames: number, alphabet: Alphabet,
                    opts: BeamSearchOptions): { labels: number[]; complete: boolean } {
  const search = new BeamSearch(alphabet, opts);
  search.push(logProbs, frames);
  return search.finish();
}

/**
 * The search as a state that advances frame by frame, so streaming recognition can push each
 * chunk's log-probabilities as they come (O(new frames) per chunk) and read the best
 * hypothesis at any time; pushing everything at once and finishing is the offline search.
 */
export class BeamSearch {
  private readonly classes: number;
  private readonly beamWidth: number;
  private readonly pruneLogProb: number;
  private readonly space: number | undefined;
  private readonly alpha: number;
  private readonly lm: BeamSearchOptions['lm'];
  private readonly vocabulary: BeamSearchOptions['vocabulary'];
  private readonly wordValue: (history: readonly string[], word: string) => number;
  private readonly pushWord: (history: readonly string[], word: string) => readonly string[];
  private readonly extend: (prefix: Prefix, label: number) => Prefix | null;
  private readonly spaceWordScore: (prefix: Prefix) => number;
  private readonly allowed: (prefix: Prefix, label: number) => boolean;
  private beam: Prefix[];
  private frame = 0;
  // Extensions to children not created yet are kept as plain numbers ("virtual" candidates) and
  // only the few that make the beam become Prefix objects: creating every candidate made the
  // search spend most of its time in the garbage collector. A virtual (parent, label) pair gets
  // exactly one contribution per frame, so it needs no merging.
  private readonly virtualParent: Int32Array; // index into beam
  private readonly virtualLabel: Int32Array;
  private readonly virtualNonBlank: Float64Array;
  private readonly candidateScore: Float64Array;
  private readonly sortScratch: Float64Array;
  private readonly order: number[] = [];

  constructor(alphabet: Alphabet, opts: BeamSearchOptions) {
    const classes = alphabet.size;
    this.classes = classes;
    this.beamWidth = Math.max(1, Math.floor(opts.beam));
    const { vocabulary, lm } = opts;
    this.vocabulary = vocabulary;
    this.lm = lm;
    const alpha = opts.alpha ?? DEFAULT_ALPHA;
    this.alpha = alpha;
    const beta = opts.beta ?? (lm ? DEFAULT_BETA : 0);
    this.pruneLogProb = opts.pruneLogProb ?? -Infinity;
    const space = alphabet.id(' ');
    this.space = space;
    const historyLength = lm ? Math.max(lm.order - 1, 0) : 0;
    const classChars = Array.from({ length: classes }, (_, k) => alphabet.char(k));

    const wordValue = (history: readonly string[], word: string): number =>
      (lm ? alpha * lm.logProb(history, word) : 0) + beta;
    const pushWord = (history: readonly string[], word: string): readonly string[] =>
      (historyLength === 0 ? history : [...history, word].slice(-historyLength));
    this.wordValue = wordValue;
    this.pushWord = pushWord;

    this.extend = (prefix: Prefix, label: number): Prefix | null => {
      if (!prefix.children) prefix.children = new Array<Prefix | null | undefined>(classes);
      const cached = prefix.children[label];
      if (cached !== undefined) return cached;
      const ch = classChars[label];
      let child: Prefix | null = null;
      const vocabState = vocabulary ? vocabulary.advance(prefix.vocabState!, ch) : null;
      if (!vocabulary || vocabState) {
        if (label === space && prefix.partial.length > 0) {
          child = new Prefix(prefix, label, vocabState, pushWord(prefix.history, prefix.partial), '',
            prefix.wordScore + wordValue(prefix.history, prefix.partial));
        } else if (label === space) {
          child = new Prefix(prefix, label, vocabState, prefix.history, '', prefix.wordScore);
        } else {
          child = new Prefix(prefix, label, vocabState, prefix.history, prefix.partial + ch, prefix.wordScore);
        }
      }
      prefix.children[label] = child;
      return child;
    };

    /** Score of the words completed by appending a space to `prefix` (cached: asked every frame). */
    this.spaceWordScore = (prefix: Prefix): number => {
      if (prefix.partial.length === 0) return prefix.wordScore;
      if (prefix.spaceScore === undefined) prefix.spaceScore = prefix.wordScore + wordValue(prefix.history, prefix.partial);
      return prefix.spaceScore;
    };
    /** Whether the vocabulary lets `label` follow `prefix` (without creating the child). */
    this.allowed = (prefix: Prefix, label: number): boolean => {
      if (!vocabulary) return true;
      const cached = prefix.children?.[label];
      if (cached !== undefined) return cached !== null;
      if (vocabulary.allows(prefix.vocabState!, classChars[label])) return true;
      if (!prefix.children) prefix.children = new Array<Prefix | null | undefined>(classes);
      prefix.children[label] = null;
      return false;
    };

    const root = new Prefix(null, BLANK, vocabulary ? vocabulary.initialState : null, lm ? [SENTENCE_START] : [], '', 0);
    root.blank = 0;
    this.beam = [root];
    const maxCandidates = this.beamWidth * classes;
    this.virtualParent = new Int32Array(maxCandidates);
    this.virtualLabel = new Int32Array(maxCandidates);
    this.virtualNonBlank = new Float64Array(maxCandidates);
    this.candidateScore = new Float64Array(2 * maxCandidates);
    this.sortScratch = new Float64Array(2 * maxCandidates);
  }

  /** Frames consumed so far. */
  get frames(): number {
    return this.frame;
  }

  /** Advances over `frames` rows of [frames × classes] log-probabilities. */
  push(logProbs: ArrayLike<number>, frames: number): void {
    const { classes, beamWidth, pruneLogProb, space, virtualParent, virtualLabel, virtualNonBlank, candidateScore, sortScratch, order } = this;
    for (let f = 0; f < frames; f++) {
      const t = this.frame++;
      const beam = this.beam;
      const row = f * classes;
      const next: Prefix[] = [];
      let virtualCount = 0;
      const touch = (node: Prefix) => {
        if (node.stamp === t) return;
        node.stamp = t;
        node.nextBlank = -Infinity;
        node.nextNonBlank = -Infinity;
        next.push(node);
      };
      const blankLogProb = logProbs[row + BLANK];
      for (let b = 0; b < beam.length; b++) {
        const prefix = beam[b];
        const total = logAdd(prefix.blank, prefix.nonBlank);
        // Blank: the prefix stays, now ending in blank.
        touch(prefix);
        prefix.nextBlank = logAdd(prefix.nextBlank, total + blankLogProb);
        // Its last label again without a blank between: merged by CTC, the prefix stays.
        if (prefix.parent) prefix.nextNonBlank = logAdd(prefix.nextNonBlank, prefix.nonBlank + logProbs[row + prefix.label]);
        for (let label = 1; label < classes; label++) {
          const logProb = logProbs[row + label];
          if (logProb < pruneLogProb) continue;
          // A repeated label only starts a new character after a blank.
          const from = label === prefix.label && prefix.parent ? prefix.blank : total;
          if (from === -Infinity) continue;
          const child = prefix.children?.[label];
          if (child) {
            touch(child);
            child.nextNonBlank = logAdd(child.nextNonBlank, from + logProb);
          } else if (child === undefined && this.allowed(prefix, label)) {
            virtualParent[virtualCount] = b;
            virtualLabel[virtualCount] = label;
            virtualNonBlank[virtualCount] = from + logProb;
            virtualCount++;
          }
        }
      }
      // Rank real nodes (indices < next.length) and virtual ones (next.length + v) together.
      for (let i = 0; i < next.length; i++) {
        const node = next[i];
        node.blank = node.nextBlank;
        node.nonBlank = node.nextNonBlank;
        node.score = logAdd(node.blank, node.nonBlank) + node.wordScore;
        candidateScore[i] = node.score;
      }
      for (let v = 0; v < virtualCount; v++) {
        const parent = beam[virtualParent[v]];
        const wordScore = virtualLabel[v] === space ? this.spaceWordScore(parent) : parent.wordScore;
        candidateScore[next.length + v] = virtualNonBlank[v] + wordScore;
      }
      const count = next.length + virtualCount;
      // The beamWidth-th best score by a native numeric sort of a copy (a comparator sort of
      // indices was the slowest part of the search), then every candidate at or above it.
      let threshold = -Infinity;
      if (count > beamWidth) {
        const sorted = sortScratch.subarray(0, count);
        sorted.set(candidateScore.subarray(0, count));
        sorted.sort();
        threshold = sorted[count - beamWidth];
      }
      order.length = 0;
      for (let i = 0; i < count; i++) if (candidateScore[i] > threshold) order.push(i);
      for (let i = 0; i < count && order.length < beamWidth; i++) if (candidateScore[i] === threshold) order.push(i);
      order.sort((a, b) => candidateScore[b] - candidateScore[a]); // best first (at most beamWidth)
      const kept: Prefix[] = [];
      for (const i of order) {
        if (i < next.length) { kept.push(next[i]); continue; }
        const v = i - next.length;
        const child = this.extend(beam[virtualParent[v]], virtualLabel[v])!;
        child.stamp = t;
        child.blank = -Infinity;
        child.nonBlank = virtualNonBlank[v];
        child.score = candidateScore[i];
        kept.push(child);
      }
      this.beam = kept;
      if (kept.length === 0) throw new Error('beam search: every hypothesis died (log-probabilities of −Infinity everywhere?)');
    }
  }

  /** Labels of the best hypothesis now (for partial results): the beam's top, words unfinished included. */
  best(): number[] {
    return this.beam[0].labels();
  }

  /**
   * End of utterance: scores the word still being spelled and the sentence end, and returns the
   * best hypothesis; `complete` is false when, with a vocabulary, every one is mid-word (the
   * labels are then the best unfinished one). Does not change the state.
   */
  finish(): { labels: number[]; complete: boolean } {
    const { vocabulary, lm, alpha } = this;
    let best: Prefix | null = null;
    let bestScore = -Infinity;
    const fallback: Prefix = this.beam[0];
    for (const prefix of this.beam) {
      if (vocabulary && prefix.parent && !vocabulary.isComplete(prefix.vocabState!)) continue;
      let score = logAdd(prefix.blank, prefix.nonBlank) + prefix.wordScore;
      let history = prefix.history;
      if (prefix.partial.length > 0) {
        score += this.wordValue(history, prefix.partial);
        history = this.pushWord(history, prefix.partial);
      }
      if (lm) score += alpha * lm.logProb(history, SENTENCE_END);
      if (score > bestScore) { bestScore = score; best = prefix; }
    }
    // With a vocabulary every kept hypothesis may be mid-word: report the best unfinished one.
    if (!best) return { labels: fallback.labels(), complete: false };
    return { labels: best.labels(), complete: true };
  }
}
