/**
 * The renderer's whole API: one invoke per contract channel plus onEvent. Built from an
 * ipcRenderer-like object so it can be tested without Electron; index.ts exposes it.
 */
import { CHANNELS, EVENT_CHANNEL, type AppApi, type AppEvent } from '../../contract/contract.ts';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

export function createApi(ipc: IpcRendererLike): AppApi {
  const call = (channel: string, ...args: unknown[]) => ipc.invoke(channel, ...args) as Promise<never>;
  const api = {
    getStatus: () => call(CHANNELS.getStatus),
    getSettings: () => call(CHANNELS.getSettings),
    setSettings: (settings) => call(CHANNELS.setSettings, settings),
    listModels: () => call(CHANNELS.listModels),
    startRecording: () => call(CHANNELS.startRecording),
    pushAudio: (sessionId, pcm16k) => call(CHANNELS.pushAudio, sessionId, pcm16k),
    stopRecording: (sessionId) => call(CHANNELS.stopRecording, sessionId),
    transcribeFile: (jobId, fileName, bytes) => call(CHANNELS.transcribeFile, jobId, fileName, bytes),
    listTranscripts: (query) => call(CHANNELS.listTranscripts, query),
    getAudio: (id) => call(CHANNELS.getAudio, id),
    inspectTranscript: (id) => call(CHANNELS.inspectTranscript, id),
    renameTranscript: (id, title) => call(CHANNELS.renameTranscript, id, title),
    deleteTranscript: (id) => call(CHANNELS.deleteTranscript, id),
    restoreTranscript: (id) => call(CHANNELS.restoreTranscript, id),
    exportTranscript: (id, format) => call(CHANNELS.exportTranscript, id, format),
    listPromptSets: () => call(CHANNELS.listPromptSets),
    listDatasets: () => call(CHANNELS.listDatasets),
    createDataset: (name) => call(CHANNELS.createDataset, name),
    getDataset: (id) => call(CHANNELS.getDataset, id),
    renameDataset: (id, name) => call(CHANNELS.renameDataset, id, name),
    deleteDataset: (id) => call(CHANNELS.deleteDataset, id),
    addDatasetRecording: (datasetId, text, pcm16k) => call(CHANNELS.addDatasetRecording, datasetId, text, pcm16k),
    deleteDatasetItem: (datasetId, itemId) => call(CHANNELS.deleteDatasetItem, datasetId, itemId),
    getDatasetItemAudio: (datasetId, itemId) => call(CHANNELS.getDatasetItemAudio, datasetId, itemId),
    importDatasetFiles: (datasetId, files) => call(CHANNELS.importDatasetFiles, datasetId, files),
    startFineTune: (request) => call(CHANNELS.startFineTune, request),
    cancelFineTune: (jobId) => call(CHANNELS.cancelFineTune, jobId),
    resumeFineTune: (jobId) => call(CHANNELS.resumeFineTune, jobId),
    listJobs: () => call(CHANNELS.listJobs),
    renameModel: (id, name) => call(CHANNELS.renameModel, id, name),
    deleteModel: (id) => call(CHANNELS.deleteModel, id),
    exportModel: (id) => call(CHANNELS.exportModel, id),
    importModel: (fileName, bytes) => call(CHANNELS.importModel, fileName, bytes),
    compareWithParent: (modelId, datasetId) => call(CHANNELS.compareWithParent, modelId, datasetId),
    onEvent(listener: (event: AppEvent) => void) {
      // The IPC event object (with its sender) never reaches the page: only the payload does.
      const wrapped = (_event: unknown, payload: unknown) => listener(payload as AppEvent);
      ipc.on(EVENT_CHANNEL, wrapped);
      return () => {
        ipc.removeListener(EVENT_CHANNEL, wrapped);
      };
    },
  } satisfies AppApi;
  return api;
}
