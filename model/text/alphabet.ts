/**
 * Characters ↔ class ids for CTC. Id 0 is the blank; character k of the alphabet is id k+1.
 */

export const BLANK = 0;

export class Alphabet {
  readonly chars: string;
  private readonly ids = new Map<string, number>();

  constructor(chars: string) {
    if (new Set(chars).size !== chars.length) throw new Error(`alphabet has repeated characters: "${chars}"`);
    this.chars = chars;
    [...chars].forEach((ch, i) => this.ids.set(ch, i + 1));
  }

  /** Output classes: the characters plus the blank. */
  get size(): number {
    return this.chars.length + 1;
  }

  /** Class id of a character, or undefined when it is not in the alphabet. */
  id(ch: string): number | undefined {
    return this.ids.get(ch);
  }

  /** Character of a class id; the blank maps to the empty string. */
  char(id: number): string {
    if (id === BLANK) return '';
    const ch = this.chars[id - 1];
    if (ch === undefined) throw new Error(`class id ${id} outside the alphabet of ${this.size} classes`);
    return ch;
  }

  /** Normalised text → ids. Throws on characters outside the alphabet. */
  encode(text: string): number[] {
    return [...text].map((ch) => {
      const id = this.ids.get(ch);
      if (id === undefined) throw new Error(`character "${ch}" in "${text}" is not in the alphabet`);
      return id;
    });
  }

  decode(ids: readonly number[]): string {
    return ids.map((id) => this.char(id)).join('');
  }
}

/**
 * Brings a transcript to the training form: lowercase, digits spelled out, punctuation other
 * than the apostrophe dropped, single spaces. Characters outside `alphabet` are removed.
 */
export function normalizeTranscript(text: string, alphabet: Alphabet): string {
  const digitWords = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
  const spelled = text
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/[0-9]/g, (d) => ` ${digitWords[Number(d)]} `)
    .replace(/[-_/.,;:!?"()[\]{}]/g, ' ');
  const kept = [...spelled].filter((ch) => ch === ' ' || alphabet.id(ch) !== undefined).join('');
  return kept.replace(/\s+/g, ' ').trim();
}
