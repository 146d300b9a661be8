/** Small helpers over node:util parseArgs, so every command validates its flags the same way. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { GENERAL_LM } from '../model/ctc/decode-settings.ts';
import { DEFAULT_ALPHA, DEFAULT_BEAM, DEFAULT_BETA } from '../model/ctc/decode.ts';

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses `argv` strictly (unknown flags are usage errors); -h/--help is always accepted. */
export function parse<const T extends Options>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...options, ...HELP_OPTION }, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function integerFlag(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

export function numberFlag(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number ≥ ${min}, got "${value}"`);
  return n;
}

export function choiceFlag<T extends string>(value: string | undefined, name: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got "${value}"`);
  return value as T;
}

/** --help lines of the decoding flags after --vocabulary (transcribe and eval share them). */
export const DECODING_HELP = `  --lm FILE              word language model: ARPA (plain or .gz), sphinx .lm.bin, .cslm, or a
                         plain-text file (one sentence a line) to build a trigram from
                         (default: the bundled general English LM, assets/lm/en-us.cslm)
  --no-lm                open-vocabulary CTC without any language model (a phone model
                         gives its phones: transcribe prints them in ARPAbet)
  --grammar FILE         output exactly one phrase of FILE (one a line), or nothing when unsure
  --lm-weight A          weight of the LM's log-probability (default ${GENERAL_LM.alpha} general LM, ${DEFAULT_ALPHA} --lm)
  --word-bonus B         score added per word (default ${GENERAL_LM.beta} general LM, ${DEFAULT_BETA} --lm,
                         0 with only a vocabulary)
  --beam N               beam width (default ${GENERAL_LM.beam} with the general LM, ${DEFAULT_BEAM} with a vocabulary or
                         --lm; greedy with --no-lm; not used by --grammar)
`;

/** The decoding flags transcribe and eval share. */
export const DECODING_OPTIONS = {
  vocabulary: { type: 'string' },
  lm: { type: 'string' },
  'no-lm': { type: 'boolean' },
  grammar: { type: 'string' },
  beam: { type: 'string' },
  'lm-weight': { type: 'string' },
  'word-bonus': { type: 'string' },
} as const;

/**
 * Checked decoding settings from those flags (undefined = the decoder's default). With none of
 * --vocabulary, --lm, --grammar or --no-lm, decoding uses `generalLm` (the bundled general LM).
 */
export function decodingFromFlags(values: {
  vocabulary?: string; lm?: string; 'no-lm'?: boolean; grammar?: string; beam?: string; 'lm-weight'?: string; 'word-bonus'?: string;
}, generalLm?: string) {
  if (values.grammar !== undefined && (values.vocabulary !== undefined || values.lm !== undefined)) {
    throw new UsageError('--grammar chooses one phrase of a list: it cannot be combined with --vocabulary or --lm');
  }
  if (values['no-lm'] && values.lm !== undefined) throw new UsageError('--no-lm and --lm contradict each other');
  return {
    vocabulary: values.vocabulary,
    lm: values.lm,
    grammar: values.grammar,
    generalLm: values['no-lm'] ? undefined : generalLm,
    beam: values.beam === undefined ? undefined : integerFlag(values.beam, 'beam', 1, 1),
    alpha: values['lm-weight'] === undefined ? undefined : numberFlag(values['lm-weight'], 'lm-weight', 1, 0),
    beta: values['word-bonus'] === undefined ? undefined : numberFlag(values['word-bonus'], 'word-bonus', 1, -100),
  };
}
