/** Prompt files: a text file of your own whose lines become the prompts to read. */
import { LIMITS } from '../../../contract/contract.ts';

/**
 * The prompts of a text file: one per line, trimmed; blank lines and `#` comments dropped; a
 * byte-order mark ignored; each cut to the text limit a dataset item accepts.
 */
export function promptsFromText(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .map((line) => line.slice(0, LIMITS.maxTextLength));
}
