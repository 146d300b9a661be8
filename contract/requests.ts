/**
 * Every request the renderer can make, in one table: its IPC channel and one schema per
 * positional argument. Main registers and validates from it (electron/main/ipc.ts), the preload
 * is generated from it (electron/preload/api.ts), and the compiler checks it against AppApi.
 */
import type { z } from 'zod';
import type { AppApi } from './contract.ts';
import { describeValue, checkValue, ExportFormatSchema, FileBytes, FileListSchema, FineTuneRequestSchema, FreeString, Id, IpcValidationError, Pcm, Query, SettingsSchema, Title, WordListSchema } from './schemas.ts';

interface Request<A extends readonly z.ZodType[]> {
  /** IPC channel name, `domain:verb`. */
  channel: string;
  /** One schema per positional argument. */
  args: A;
}
const request = <const A extends readonly z.ZodType[]>(channel: string, ...args: A): Request<A> => ({ channel, args });

export const REQUESTS = {
  getStatus: request('engine:get-status'),
  getAbout: request('app:about'),
  showLogs: request('app:show-logs'),
  getSettings: request('settings:get'),
  setSettings: request('settings:set', SettingsSchema),
  listModels: request('models:list'),
  startRecording: request('record:start'),
  pushAudio: request('record:push', Id, Pcm),
  stopRecording: request('record:stop', Id),
  transcribeFile: request('files:transcribe', Id, FreeString, FileBytes),
  cancelFileTranscription: request('files:cancel', Id),
  listTranscripts: request('library:list', Query),
  getAudio: request('library:get-audio', Id),
  inspectTranscript: request('library:inspect', Id),
  renameTranscript: request('library:rename', Id, Title),
  editTranscriptWords: request('library:edit-words', Id, WordListSchema),
  deleteTranscript: request('library:delete', Id),
  restoreTranscript: request('library:restore', Id),
  exportTranscript: request('library:export', Id, ExportFormatSchema),
  listPromptSets: request('datasets:prompt-sets'),
  listDatasets: request('datasets:list'),
  createDataset: request('datasets:create', Title),
  getDataset: request('datasets:get', Id),
  renameDataset: request('datasets:rename', Id, Title),
  deleteDataset: request('datasets:delete', Id),
  addDatasetRecording: request('datasets:add-recording', Id, FreeString, Pcm),
  deleteDatasetItem: request('datasets:delete-item', Id, Id),
  getDatasetItemAudio: request('datasets:get-item-audio', Id, Id),
  importDatasetFiles: request('datasets:import-files', Id, FileListSchema),
  startFineTune: request('train:start', FineTuneRequestSchema),
  cancelFineTune: request('train:cancel', Id),
  resumeFineTune: request('train:resume', Id),
  listJobs: request('train:list'),
  renameModel: request('models:rename', Id, Title),
  deleteModel: request('models:delete', Id),
  exportModel: request('models:export', Id),
  importModel: request('models:import', FreeString, FileBytes),
  compareWithParent: request('models:compare', Id, Id),
} as const;

export type RequestName = keyof typeof REQUESTS;
export const EVENT_CHANNEL = 'app:event';

/** IPC channel per request. */
export const CHANNELS = Object.fromEntries(Object.entries(REQUESTS).map(([name, r]) => [name, r.channel])) as Record<RequestName, string>;

// The table and AppApi agree: the same methods (onEvent aside), and each method's parameters are
// exactly what its schemas give. A mismatch names the method in a compile error here.
type Parsed<A extends readonly z.ZodType[]> = { -readonly [K in keyof A]: z.output<A[K]> };
type Mismatch = {
  [K in RequestName]: [Parsed<(typeof REQUESTS)[K]['args']>, Parameters<AppApi[K]>] extends [Parameters<AppApi[K]>, Parsed<(typeof REQUESTS)[K]['args']>] ? never : K;
}[RequestName] | Exclude<keyof AppApi, RequestName | 'onEvent'>;
const agrees: [Mismatch] extends [never] ? true : Mismatch = true;
void agrees;

/** Checks a request's arguments against the table; returns them parsed. */
export function validateRequest(name: string, args: unknown): unknown[] {
  if (!Object.hasOwn(REQUESTS, name)) throw new IpcValidationError(`unknown request ${JSON.stringify(String(name).slice(0, 60))}`);
  const schemas: readonly z.ZodType[] = REQUESTS[name as RequestName].args;
  if (!Array.isArray(args)) throw new IpcValidationError(`${name}: expected an argument list, got ${describeValue(args)}`);
  if (args.length !== schemas.length) throw new IpcValidationError(`${name}: expected ${schemas.length} argument(s), got ${args.length}`);
  return schemas.map((schema, i) => checkValue(schema, args[i], `${name} argument ${i + 1}`));
}
