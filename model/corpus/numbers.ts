/**
 * Numbers as spoken English words, the way the AN4 transcripts write them: "nineteen eighty
 * four", "two six eight four", "september third", "one hundred and twelve".
 */
import { type Random, intBetween, pick } from './random.ts';

export const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;
const TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
export const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const ORDINAL_IRREGULAR: Record<string, string> = {
  one: 'first', two: 'second', three: 'third', five: 'fifth', eight: 'eighth', nine: 'ninth', twelve: 'twelfth',
};

/** 0–99 in words: "zero", "seven", "fourteen", "sixty", "seventy nine". */
export function belowHundred(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 99) throw new Error(`belowHundred: expected an integer 0–99, got ${n}`);
  if (n < 10) return DIGIT_WORDS[n];
  if (n < 20) return TEENS[n - 10];
  return n % 10 === 0 ? TENS[n / 10] : `${TENS[Math.floor(n / 10)]} ${DIGIT_WORDS[n % 10]}`;
}

/**
 * 0–999999 as a cardinal: "three thousand two hundred five". With `and`, British/AN4 style
 * "one hundred and five".
 */
export function cardinal(n: number, and = false): string {
  if (!Number.isInteger(n) || n < 0 || n > 999_999) throw new Error(`cardinal: expected an integer 0–999999, got ${n}`);
  if (n < 100) return belowHundred(n);
  if (n < 1000) {
    const rest = n % 100;
    const head = `${DIGIT_WORDS[Math.floor(n / 100)]} hundred`;
    return rest === 0 ? head : `${head} ${and ? 'and ' : ''}${belowHundred(rest)}`;
  }
  const rest = n % 1000;
  const head = `${cardinal(Math.floor(n / 1000), and)} thousand`;
  if (rest === 0) return head;
  return `${head} ${and && rest < 100 ? 'and ' : ''}${cardinal(rest, and)}`;
}

/** Ordinal words: 3 → "third", 21 → "twenty first", 30 → "thirtieth". */
export function ordinal(n: number): string {
  const words = cardinal(n).split(' ');
  const last = words[words.length - 1];
  let spoken: string;
  if (ORDINAL_IRREGULAR[last]) spoken = ORDINAL_IRREGULAR[last];
  else if (last.endsWith('y')) spoken = `${last.slice(0, -1)}ieth`;
  else spoken = `${last}th`;
  words[words.length - 1] = spoken;
  return words.join(' ');
}

/** A year the way people say it: 1984 "nineteen eighty four", 1905 "nineteen oh five", 2007 "two thousand seven". */
export function year(n: number, random: Random): string {
  if (!Number.isInteger(n) || n < 1000 || n > 2099) throw new Error(`year: expected an integer 1000–2099, got ${n}`);
  const century = Math.floor(n / 100);
  const rest = n % 100;
  if (n >= 2000 && (rest < 10 || random() < 0.5)) return cardinal(n, random() < 0.3);
  if (rest === 0) return `${belowHundred(century)} hundred`;
  if (rest < 10) return `${belowHundred(century)} oh ${DIGIT_WORDS[rest]}`;
  return `${belowHundred(century)} ${belowHundred(rest)}`;
}

/** Digits read one by one; zero is "oh" with probability `ohShare` (as people read phone numbers). */
export function digitString(length: number, random: Random, ohShare = 0.4): string {
  const words: string[] = [];
  for (let i = 0; i < length; i++) {
    const d = intBetween(random, 0, 9);
    words.push(d === 0 && random() < ohShare ? 'oh' : DIGIT_WORDS[d]);
  }
  return words.join(' ');
}

/** A spoken number phrase: a cardinal, a year, a date, a pair of two-digit groups, or a money-free quantity. */
export function numberPhrase(random: Random): string {
  const kind = intBetween(random, 0, 5);
  switch (kind) {
    case 0: return cardinal(intBetween(random, 0, 99));
    case 1: return cardinal(intBetween(random, 100, 9999), random() < 0.3);
    case 2: return year(intBetween(random, 1900, 2035), random);
    case 3: {
      const day = ordinal(intBetween(random, 1, 31));
      const month = pick(random, MONTHS);
      const date = random() < 0.5 ? `${month} ${day}` : `the ${day} of ${month}`;
      return random() < 0.5 ? `${date} ${year(intBetween(random, 1920, 2030), random)}` : date;
    }
    case 4: return `${belowHundred(intBetween(random, 10, 99))} ${belowHundred(intBetween(random, 10, 99))}`;
    default: return `${cardinal(intBetween(random, 1, 12))} ${pick(random, ['and a half', 'thirty', 'fifteen', 'forty five', 'oh five'])}`;
  }
}
