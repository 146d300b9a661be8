/**
 * One schema (zod) per value the renderer supplies: main checks every IPC message with them
 * (requests.ts), the backend checks what it stores with the same ones (settings, fine-tune
 * requests), and contract.ts takes its types from them. Every check aborts at the first problem,
 * and the message names the field, what was expected and what came: the renderer is never trusted.
 */
import { z } from 'zod';
import { LIMITS } from './contract.ts';

/** A rejected value: the text names the request or value, the field and the problem. */
export class IpcValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IpcValidationError';
  }
}

/** A value as the error messages name it ('a Float64Array of 32 bytes', 'number 42'). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of ${value.byteLength} bytes`;
  if (value instanceof ArrayBuffer) return `an ArrayBuffer of ${value.byteLength} bytes`;
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

type Issue = { input?: unknown };
/** A check's message from its input; `abort` so that no later check of the value runs. */
const fail = (message: (input: unknown) => string) => ({ error: (issue: Issue) => message(issue.input), abort: true });

/** A string of min–max characters. */
function text(max: number, min = 0) {
  return z
    .string({ error: (issue) => `expected a string, got ${describeValue(issue.input)}` })
    .refine((s) => s.length >= min && s.length <= max, fail((s) => `expected ${min}–${max} characters, got ${(s as string).length}`));
}

/** A number (or integer) from min to max; `what` is how the message says so. */
function number(min: number, max: number, what: string, integer = true) {
  const message = (v: unknown) => `expected ${what}, got ${describeValue(v)}`;
  return z.number({ error: (issue) => message(issue.input) }).refine((n) => (!integer || Number.isInteger(n)) && n >= min && n <= max, fail(message));
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const list = `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
  return z.enum(values, { error: (issue) => `expected ${list}, got ${describeValue(issue.input)}` });
}

/** Exactly these keys: nothing unchecked reaches the backend or the disk. */
function record<S extends z.ZodRawShape>(shape: S) {
  const keys = Object.keys(shape).sort().join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `expected exactly the keys ${keys}, got ${Object.keys(issue.input as object).sort().join(', ')}`
        : `expected an object, got ${describeValue(issue.input)}`,
  });
}

function instance<T>(type: abstract new (...args: never[]) => T, expected: string) {
  return z.custom<T>((v) => v instanceof type, fail((v) => `expected ${expected}, got ${describeValue(v)}`));
}

/**
 * Ids the renderer passes: our transcript/session/dataset/job ids, its own job ids, or model ids
 * ('bundled:base', 'user:<folder>'; the backend looks those up, never uses them as paths).
 */
const ID_PATTERN = /^[A-Za-z0-9_-]+(:[A-Za-z0-9_-]+)?$/;
export const Id = text(LIMITS.maxIdLength, 1).refine(
  (s) => ID_PATTERN.test(s),
  fail((s) => `expected letters, digits, '-' or '_', got ${JSON.stringify((s as string).slice(0, 40))}`),
);

/** File names and other free strings. */
export const FreeString = text(LIMITS.maxStringLength);
export const Title = text(LIMITS.maxTitleLength, 1);
export const Query = text(LIMITS.maxQueryLength);

/** 16 kHz mono audio from the microphone: finite samples, at most 10 s per message. */
export const Pcm = instance<Float32Array>(Float32Array, 'a Float32Array of 16 kHz samples')
  .refine((v) => v.length <= LIMITS.maxChunkSamples, fail((v) => `chunk of ${(v as Float32Array).length} samples is over the limit of ${LIMITS.maxChunkSamples} (10 s at 16 kHz)`))
  .superRefine((v, ctx) => {
    const bad = v.findIndex((sample) => !Number.isFinite(sample));
    if (bad >= 0) ctx.addIssue({ code: 'custom', message: `sample ${bad} is ${v[bad]} (expected finite numbers)`, input: v });
  });

/** A file's bytes: 1 byte to 512 MiB. */
export const FileBytes = instance(ArrayBuffer, 'an ArrayBuffer')
  .refine((b) => b.byteLength > 0, fail(() => 'the file is empty (0 bytes)'))
  .refine((b) => b.byteLength <= LIMITS.maxFileBytes, fail((b) => `${(b as ArrayBuffer).byteLength} bytes is over the limit of ${LIMITS.maxFileBytes} (512 MiB)`));

/** editTranscriptWords' list: one string per word of the transcript ('' removes that word). */
export const WordListSchema = z
  .array(text(LIMITS.maxWordLength), { error: (issue) => `expected a list of words, got ${describeValue(issue.input)}` })
  .refine((words) => words.length <= LIMITS.maxWords, fail((words) => `${(words as unknown[]).length} words is over the limit of ${LIMITS.maxWords}`));

export const ExportFormatSchema = oneOf(['txt', 'srt', 'vtt', 'json']);

export const DecodingModeSchema = oneOf(['open', 'digits', 'custom', 'commands']);

export const DecodingSettingsSchema = record({
  mode: DecodingModeSchema,
  /** Word/phrase list, one per line (modes 'custom' and 'commands'). */
  customVocabulary: text(LIMITS.maxVocabularyLength),
  /** Beam width; 1 = greedy (open vocabulary only). */
  beam: number(1, LIMITS.maxBeam, `an integer from 1 to ${LIMITS.maxBeam}`),
});

export const SettingsSchema = record({
  /** Id of the active model (see ModelInfo.id). */
  activeModelId: FreeString,
  decoding: DecodingSettingsSchema,
  /** Preferred microphone (MediaDeviceInfo.deviceId), or '' for the default. */
  microphoneId: FreeString,
});

/** importDatasetFiles' list: 1–maxImportFiles { path, bytes } pairs, maxImportBytes in all. */
export const FileListSchema = z
  .array(
    record({
      /** Relative path inside the dropped folder. */
      path: text(LIMITS.maxStringLength, 1).refine((p) => !p.includes('\0'), fail(() => 'contains a NUL character')),
      bytes: instance(ArrayBuffer, 'an ArrayBuffer'),
    }),
    { error: (issue) => `expected an array of { path, bytes }, got ${describeValue(issue.input)}` },
  )
  .refine((files) => files.length >= 1 && files.length <= LIMITS.maxImportFiles, fail((files) => `expected 1–${LIMITS.maxImportFiles} files, got ${(files as unknown[]).length}`))
  .refine((files) => files.reduce((n, f) => n + f.bytes.byteLength, 0) <= LIMITS.maxImportBytes, fail(() => `over the limit of ${LIMITS.maxImportBytes} bytes in all (1 GiB)`));

export const FineTuneRequestSchema = record({
  datasetId: Id,
  /** Model to start from (a ModelInfo id). */
  baseModelId: Id,
  /** 0 = the defaults (those of `cellscribe train --from`). */
  epochs: number(0, LIMITS.maxEpochs, `an integer from 0 (the default) to ${LIMITS.maxEpochs}`),
  learningRate: number(0, 1, 'a number from 0 (the default) to 1', false),
  /** Keep the first N recurrent layers fixed. */
  frozenLayers: number(0, 16, 'an integer from 0 to 16'),
  /**
   * Replace the top recurrent layer by a fresh one of this kind and train it as a new head
   * ('keep' = fine-tune the model as it is). Used to compare variants on the same data.
   */
  head: oneOf(['keep', 'lstm', 'peephole', 'gru']),
  /** Name of the model version it produces (trimmed: a name of only spaces is no name). */
  name: z.string({ error: (issue) => `expected a string, got ${describeValue(issue.input)}` }).trim().pipe(text(LIMITS.maxTitleLength, 1)),
});

/** `where.field[i]: message` for the value's first problem. */
function firstProblem(error: z.ZodError, where: string): string {
  const issue = error.issues[0];
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return `${where}${path}: ${issue.message}`;
}

/** Parses `value` with `schema`; throws IpcValidationError naming `where` and the field. */
export function checkValue<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new IpcValidationError(firstProblem(result.error, where));
  return result.data;
}
