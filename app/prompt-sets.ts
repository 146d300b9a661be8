/**
 * Built-in prompt sets for recording a fine-tuning dataset. Each prompt is one utterance to
 * read aloud. Digits and spelling-and-commands match what the models are trained on (FSDD
 * digits, AN4-style spelled letters and command words); the Harvard sentences (IEEE 1969
 * "Recommended Practice for Speech Quality Measurements", public domain) are phonetically
 * balanced everyday sentences.
 */
import type { PromptSet } from '../contract/contract.ts';

const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** Digits one by one, then short digit strings (as in PINs and phone numbers). */
const DIGIT_PROMPTS = [
  ...DIGITS,
  ...DIGITS,
  'one two three', 'four five six', 'seven eight nine', 'zero one zero', 'nine eight seven six',
  'three one four one five', 'two seven one eight', 'six zero two', 'five five five', 'eight four three two',
];

/** AN4-style: spelled words, digit strings and the commands of the census database. */
const SPELLING_COMMANDS = [
  'yes', 'no', 'go', 'stop', 'help', 'repeat', 'enter', 'erase', 'rubout', 'start',
  'a b c', 'd e f g', 'h i j k', 'l m n o p', 'q r s t', 'u v w', 'x y z',
  'enter five two one', 'erase c q q f seven', 'rubout g m e f three nine', 'enter eight zero two four',
  'p i t t s b u r g h', 'm a r y', 'j o h n', 'c m u', 'r o b e r t',
  'one two one three', 'nine five seven', 'zero six four eight', 'erase two', 'enter the number four one five',
];

/** Harvard sentences, lists 1 and 2 (public domain). */
const HARVARD = [
  'The birch canoe slid on the smooth planks.',
  'Glue the sheet to the dark blue background.',
  "It's easy to tell the depth of a well.",
  'These days a chicken leg is a rare dish.',
  'Rice is often served in round bowls.',
  'The juice of lemons makes fine punch.',
  'The box was thrown beside the parked truck.',
  'The hogs were fed chopped corn and garbage.',
  'Four hours of steady work faced us.',
  'A large size in stockings is hard to sell.',
  'The boy was there when the sun rose.',
  'A rod is used to catch pink salmon.',
  'The source of the huge river is the clear spring.',
  'Kick the ball straight and follow through.',
  'Help the woman get back to her feet.',
  'A pot of tea helps to pass the evening.',
  'Smoky fires lack flame and heat.',
  "The soft cushion broke the man's fall.",
  'The salt breeze came across from the sea.',
  'The girl at the booth sold fifty bonds.',
];

export const PROMPT_SETS: readonly PromptSet[] = [
  { id: 'digits', name: 'Digits', prompts: DIGIT_PROMPTS },
  { id: 'spelling-commands', name: 'Spelling and commands (AN4 style)', prompts: SPELLING_COMMANDS },
  { id: 'harvard', name: 'Harvard sentences (lists 1–2)', prompts: HARVARD },
];

/** Copies, so a caller cannot change the built-in lists. */
export function promptSets(): PromptSet[] {
  return PROMPT_SETS.map((set) => ({ ...set, prompts: [...set.prompts] }));
}
