/**
 * Validation of every message from the renderer, before anything acts on it: the sender must be
 * the app's own window showing the app's own page, and the arguments must match
 * REQUEST_SCHEMAS within LIMITS. Pure (no Electron import), so it is unit-tested under Node.
 */
import { LIMITS, REQUEST_SCHEMAS, type ArgKind, type RequestName, type Settings } from '../../contract/contract.ts';

/** A rejected message: the renderer sees this text; nothing was processed. */
export class IpcValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IpcValidationError';
  }
}

/** File names and other free strings (LIMITS has no entry for them). */
export const MAX_STRING_LENGTH = 1024;
/**
 * Ids the renderer passes: our transcript/session/dataset/job ids, its own job ids, or model ids
 * ('bundled:base', 'user:<folder>'; the backend looks those up, never uses them as paths).
 */
const ID_PATTERN = /^[A-Za-z0-9_-]+(:[A-Za-z0-9_-]+)?$/;
const HEADS = new Set(['keep', 'lstm', 'peephole', 'gru']);
const EXPORT_FORMATS = new Set(['txt', 'srt', 'vtt', 'json']);
const DECODING_MODES = new Set(['open', 'digits', 'custom', 'commands']);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of ${value.byteLength} bytes`;
  if (value instanceof ArrayBuffer) return `an ArrayBuffer of ${value.byteLength} bytes`;
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

function boundedString(value: unknown, where: string, max: number, min = 0): string {
  if (typeof value !== 'string') throw new IpcValidationError(`${where}: expected a string, got ${describe(value)}`);
  if (value.length < min || value.length > max) {
    throw new IpcValidationError(`${where}: expected ${min}–${max} characters, got ${value.length}`);
  }
  return value;
}

function exactKeys(value: unknown, keys: readonly string[], where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw new IpcValidationError(`${where}: expected an object, got ${describe(value)}`);
  }
  const got = Object.keys(value).sort();
  const want = [...keys].sort();
  if (got.join(',') !== want.join(',')) throw new IpcValidationError(`${where}: expected exactly the keys ${want.join(', ')}, got ${got.join(', ') || 'none'}`);
  return value as Record<string, unknown>;
}

function checkSettings(value: unknown, where: string): Settings {
  const s = exactKeys(value, ['activeModelId', 'decoding', 'microphoneId'], where);
  const d = exactKeys(s.decoding, ['mode', 'customVocabulary', 'beam'], `${where}.decoding`);
  boundedString(s.activeModelId, `${where}.activeModelId`, MAX_STRING_LENGTH);
  boundedString(s.microphoneId, `${where}.microphoneId`, MAX_STRING_LENGTH);
  if (typeof d.mode !== 'string' || !DECODING_MODES.has(d.mode)) throw new IpcValidationError(`${where}.decoding.mode: expected open, digits, custom or commands, got ${describe(d.mode)}`);
  boundedString(d.customVocabulary, `${where}.decoding.customVocabulary`, LIMITS.maxVocabularyLength);
  if (!Number.isInteger(d.beam) || (d.beam as number) < 1 || (d.beam as number) > LIMITS.maxBeam) {
    throw new IpcValidationError(`${where}.decoding.beam: expected an integer from 1 to ${LIMITS.maxBeam}, got ${describe(d.beam)}`);
  }
  return value as Settings;
}

/** importDatasetFiles' list: at most maxImportFiles {path, bytes} pairs, maxImportBytes in all. */
function checkFileList(value: unknown, where: string): { path: string; bytes: ArrayBuffer }[] {
  if (!Array.isArray(value)) throw new IpcValidationError(`${where}: expected an array of { path, bytes }, got ${describe(value)}`);
  if (value.length === 0 || value.length > LIMITS.maxImportFiles) {
    throw new IpcValidationError(`${where}: expected 1–${LIMITS.maxImportFiles} files, got ${value.length}`);
  }
  let total = 0;
  value.forEach((entry, i) => {
    const f = exactKeys(entry, ['path', 'bytes'], `${where}[${i}]`);
    const path = boundedString(f.path, `${where}[${i}].path`, MAX_STRING_LENGTH, 1);
    if (path.includes('\0')) throw new IpcValidationError(`${where}[${i}].path: contains a NUL character`);
    if (!(f.bytes instanceof ArrayBuffer)) throw new IpcValidationError(`${where}[${i}].bytes: expected an ArrayBuffer, got ${describe(f.bytes)}`);
    total += f.bytes.byteLength;
    if (total > LIMITS.maxImportBytes) throw new IpcValidationError(`${where}: over the limit of ${LIMITS.maxImportBytes} bytes in all (1 GiB)`);
  });
  return value as { path: string; bytes: ArrayBuffer }[];
}

function checkFineTuneRequest(value: unknown, where: string): unknown {
  const r = exactKeys(value, ['datasetId', 'baseModelId', 'epochs', 'learningRate', 'frozenLayers', 'head', 'name'], where);
  checkArg('id', r.datasetId, `${where}.datasetId`);
  checkArg('id', r.baseModelId, `${where}.baseModelId`);
  if (!Number.isInteger(r.epochs) || (r.epochs as number) < 0 || (r.epochs as number) > LIMITS.maxEpochs) {
    throw new IpcValidationError(`${where}.epochs: expected an integer from 0 (the default) to ${LIMITS.maxEpochs}, got ${describe(r.epochs)}`);
  }
  if (typeof r.learningRate !== 'number' || !Number.isFinite(r.learningRate) || r.learningRate < 0 || r.learningRate > 1) {
    throw new IpcValidationError(`${where}.learningRate: expected a number from 0 (the default) to 1, got ${describe(r.learningRate)}`);
  }
  if (!Number.isInteger(r.frozenLayers) || (r.frozenLayers as number) < 0 || (r.frozenLayers as number) > 16) {
    throw new IpcValidationError(`${where}.frozenLayers: expected an integer from 0 to 16, got ${describe(r.frozenLayers)}`);
  }
  if (typeof r.head !== 'string' || !HEADS.has(r.head)) throw new IpcValidationError(`${where}.head: expected keep, lstm, peephole or gru, got ${describe(r.head)}`);
  boundedString(r.name, `${where}.name`, LIMITS.maxTitleLength, 1);
  return value;
}

/** Checks one argument against its kind; returns it unchanged when it passes. */
export function checkArg(kind: ArgKind, value: unknown, where: string): unknown {
  switch (kind) {
    case 'id': {
      const id = boundedString(value, where, LIMITS.maxIdLength, 1);
      if (!ID_PATTERN.test(id)) throw new IpcValidationError(`${where}: expected letters, digits, '-' or '_', got ${JSON.stringify(id.slice(0, 40))}`);
      return id;
    }
    case 'string':
      return boundedString(value, where, MAX_STRING_LENGTH);
    case 'title':
      return boundedString(value, where, LIMITS.maxTitleLength, 1);
    case 'query':
      return boundedString(value, where, LIMITS.maxQueryLength);
    case 'pcm': {
      if (!(value instanceof Float32Array)) throw new IpcValidationError(`${where}: expected a Float32Array of 16 kHz samples, got ${describe(value)}`);
      if (value.length > LIMITS.maxChunkSamples) {
        throw new IpcValidationError(`${where}: chunk of ${value.length} samples is over the limit of ${LIMITS.maxChunkSamples} (10 s at 16 kHz)`);
      }
      for (let i = 0; i < value.length; i++) {
        if (!Number.isFinite(value[i])) throw new IpcValidationError(`${where}: sample ${i} is ${value[i]} (expected finite numbers)`);
      }
      return value;
    }
    case 'bytes': {
      if (!(value instanceof ArrayBuffer)) throw new IpcValidationError(`${where}: expected an ArrayBuffer, got ${describe(value)}`);
      if (value.byteLength === 0) throw new IpcValidationError(`${where}: the file is empty (0 bytes)`);
      if (value.byteLength > LIMITS.maxFileBytes) {
        throw new IpcValidationError(`${where}: ${value.byteLength} bytes is over the limit of ${LIMITS.maxFileBytes} (512 MiB)`);
      }
      return value;
    }
    case 'settings':
      return checkSettings(value, where);
    case 'fileList':
      return checkFileList(value, where);
    case 'fineTuneRequest':
      return checkFineTuneRequest(value, where);
    case 'exportFormat':
      if (typeof value !== 'string' || !EXPORT_FORMATS.has(value)) throw new IpcValidationError(`${where}: expected txt, srt, vtt or json, got ${describe(value)}`);
      return value;
    default:
      throw new IpcValidationError(`${where}: unknown argument kind ${JSON.stringify(kind)}`);
  }
}

/** Checks a request's arguments against REQUEST_SCHEMAS; throws IpcValidationError naming the problem. */
export function validateRequest(name: string, args: unknown): unknown[] {
  if (!Object.hasOwn(REQUEST_SCHEMAS, name)) throw new IpcValidationError(`unknown request ${JSON.stringify(String(name).slice(0, 60))}`);
  const schema = REQUEST_SCHEMAS[name as RequestName];
  if (!Array.isArray(args)) throw new IpcValidationError(`${name}: expected an argument list, got ${describe(args)}`);
  if (args.length !== schema.length) throw new IpcValidationError(`${name}: expected ${schema.length} argument(s), got ${args.length}`);
  return schema.map((kind, i) => checkArg(kind, args[i], `${name} argument ${i + 1} (${kind})`));
}

/** What main knows about a message's sender. */
export interface SenderInfo {
  /** webContents id of the sender. */
  webContentsId: number;
  /** URL of the frame that sent it ('' when unknown, e.g. the frame navigated away). */
  frameUrl: string;
  /** True when it came from the top frame (not an iframe). */
  isMainFrame: boolean;
}

/** What a trusted sender must match: the main window's webContents and the app's page. */
export interface TrustedOrigin {
  webContentsId: number | null;
  /** URL prefix of the app's pages, e.g. file:///…/out/renderer/ (a trailing slash is required). */
  pagePrefix: string;
}

/** Why a sender is refused, or null when it is the app's own window showing the app's page. */
export function senderProblem(sender: SenderInfo, trusted: TrustedOrigin): string | null {
  if (trusted.webContentsId === null || sender.webContentsId !== trusted.webContentsId) return 'the message did not come from the app window';
  if (!sender.isMainFrame) return 'the message came from a sub-frame';
  if (!trusted.pagePrefix.endsWith('/')) return 'misconfigured page prefix (must end with /)';
  let url: URL;
  try {
    url = new URL(sender.frameUrl);
  } catch {
    return `the sender's URL ${JSON.stringify(sender.frameUrl.slice(0, 80))} is not valid`;
  }
  const expected = new URL(trusted.pagePrefix);
  // Compare scheme, host and path prefix (not raw strings: "file:///app/../etc" normalises away).
  if (url.protocol !== expected.protocol || url.host !== expected.host || !url.pathname.startsWith(expected.pathname)) {
    return `the sender's page ${url.protocol}//${url.host}${url.pathname.slice(0, 80)} is not the app's page`;
  }
  return null;
}
