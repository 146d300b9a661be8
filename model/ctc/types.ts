/** Result records shared by every CTC decoder. */

/** One recognised word with where it was spoken and how sure the model was. */
export interface WordTiming {
  word: string;
  /** Seconds from the start of the input to the first frame that emits the word's first character. */
  start: number;
  /** Seconds to the end of the last frame that emits the word's last character. */
  end: number;
  /**
   * In [0, 1]: the smallest, over the word's characters, of that character's peak posterior on
   * the frames where the chosen (Viterbi) path emits it. The minimum rather than the mean so
   * that one doubtful letter (a vocabulary or LM correction) marks the whole word.
   */
  confidence: number;
}

export interface DecodeResult {
  /** Words joined by single spaces (no leading, trailing or repeated spaces). */
  text: string;
  words: WordTiming[];
  /** Grammar decoding only: how sure the choice of phrase is (see grammar.ts). */
  grammar?: GrammarChoice;
}

export interface GrammarChoice {
  /** The best phrase, also when it was rejected (text is then ''). */
  bestPhrase: string;
  /** In [0, 1]: the phrase's posterior against every phrase and the free best path. */
  confidence: number;
  /** The confidence was under the minimum, so nothing was output. */
  lowConfidence: boolean;
}
