/**
 * The fine-tuning half of the scripted AppApi: datasets kept in memory, the real level check
 * (contract/level-check.ts) and the real held-out split's rule (SHA-256 of the same keys; compared
 * with app/datasets.ts by scripts/fake-api-drift.test.ts), FSDD-style imports, jobs that tick on a timer and emit train-progress /
 * train-gradients, model versions with made-up metrics, and before/after comparisons that
 * change a few words. Used by FakeAppApi; never shipped to users.
 */
import type {
  AppEvent, DatasetInfo, DatasetItem, FineTuneRequest, GradientSnapshotDTO, ImportReport, JobInfo, ModelComparisonDTO, ModelInfo, PromptSet,
} from '../../../contract/contract.ts';
import { levelCheck } from '../../../contract/level-check.ts';

const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** The built-in prompt sets (short versions of the real ones). */
export const FAKE_PROMPT_SETS: PromptSet[] = [
  { id: 'digits', name: 'Digits', prompts: ['zero one two', 'three four five', 'six seven', 'eight nine zero', 'one one two'] },
  { id: 'spelling-commands', name: 'Spelling and commands', prompts: ['alpha bravo charlie', 'new line', 'delete that', 'full stop'] },
  { id: 'harvard', name: 'Harvard sentences', prompts: ['the birch canoe slid on the smooth planks', 'glue the sheet to the dark blue background', 'it is easy to tell the depth of a well'] },
];

interface FakeItem {
  item: DatasetItem;
  audio: Float32Array;
  /** splitHash of the item's split key. */
  hash: number;
}

interface FakeDataset {
  info: DatasetInfo;
  items: FakeItem[];
}

/** Fraction of items held out, as model/train/held-out.ts's HELD_OUT_FRACTION. */
const HELD_OUT_FRACTION = 0.2;

/**
 * The real split's hash (model/train/held-out.ts splitHash): the first four bytes of the key's
 * SHA-256 as a fraction of 2^32. WebCrypto, since the renderer has no node:crypto.
 */
async function splitHash(key: string): Promise<number> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return new DataView(digest).getUint32(0) / 2 ** 32;
}

/** The key the real store splits an item by: a recording's id; an import's path and text. */
const importKey = (path: string, text: string) => `import:${path.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '')}:${text}`;

/** A transcript as the real store keeps it: whitespace runs collapsed, ends trimmed. */
const cleanText = (text: string) => text.replace(/\s+/g, ' ').trim();

/** As app/datasets.ts ensureHeldOut: 3 or more items and none held out → the lowest-hash candidate is. */
function ensureHeldOut(items: FakeItem[], candidates: readonly FakeItem[]): void {
  if (items.length < 3 || items.some((entry) => entry.item.split === 'heldout') || candidates.length === 0) return;
  let lowest = candidates[0];
  for (const candidate of candidates) if (candidate.hash < lowest.hash) lowest = candidate;
  lowest.item.split = 'heldout';
}

/** 16-bit PCM after a 44-byte header, the only "decoder" the fake needs. */
function pcmFromWav(bytes: ArrayBuffer): Float32Array | null {
  if (bytes.byteLength < 46) return null;
  const view = new DataView(bytes);
  const audio = new Float32Array(Math.floor((bytes.byteLength - 44) / 2));
  for (let i = 0; i < audio.length; i++) audio[i] = view.getInt16(44 + i * 2, true) / 32768;
  return audio;
}

/** Makes a word or two differ, so the before/after view has something to highlight. */
function degrade(text: string, seed: number): string {
  const words = text.split(' ');
  if (words.length === 0) return text;
  const index = seed % words.length;
  words[index] = words[index].length > 2 ? words[index].slice(0, -1) : 'uh';
  return words.join(' ');
}

export class FakeFineTune {
  private readonly datasets = new Map<string, FakeDataset>();
  private readonly jobs = new Map<string, { job: JobInfo; timer: ReturnType<typeof setInterval> | null }>();
  private readonly models: ModelInfo[];
  private counter = 0;

  /**
   * @param emit sends an event to the UI.
   * @param base the bundled model.
   * @param stepMs how long one fake training step takes.
   */
  constructor(private readonly emit: (event: AppEvent) => void, base: ModelInfo, private readonly stepMs = 60) {
    this.models = [base];
  }

  private nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}${this.counter}`;
  }

  private dataset(id: string): FakeDataset {
    const dataset = this.datasets.get(id);
    if (!dataset) throw new Error(`no dataset with id ${JSON.stringify(id)}`);
    return dataset;
  }

  private model(id: string): ModelInfo {
    const model = this.models.find((candidate) => candidate.id === id);
    if (!model) throw new Error(`no model with id ${JSON.stringify(id)}`);
    return model;
  }

  private recount(dataset: FakeDataset): DatasetInfo {
    const items = dataset.items.map((entry) => entry.item);
    dataset.info = {
      ...dataset.info,
      trainUtterances: items.filter((item) => item.split === 'train').length,
      heldOutUtterances: items.filter((item) => item.split === 'heldout').length,
      durationSeconds: items.reduce((sum, item) => sum + item.durationSeconds, 0),
    };
    this.emit({ type: 'datasets-changed' });
    return dataset.info;
  }

  /** A new item, split by its key's hash as the real store does (not yet in the dataset). */
  private async newItem(text: string, audio: Float32Array, source: DatasetItem['source'], key?: string): Promise<FakeItem> {
    const id = this.nextId('item');
    const hash = await splitHash(key ?? id);
    const split = hash < HELD_OUT_FRACTION ? 'heldout' : 'train';
    return { item: { id, text, durationSeconds: audio.length / 16_000, split, source, ...levelCheck(audio) }, audio, hash };
  }

  /** The models, as listModels returns them. */
  listModels(): ModelInfo[] {
    return [...this.models];
  }

  async listPromptSets() { return FAKE_PROMPT_SETS; }
  async listDatasets() { return [...this.datasets.values()].map((dataset) => dataset.info); }
  async createDataset(name: string) {
    const info: DatasetInfo = { id: this.nextId('ds'), name, createdAt: new Date().toISOString(), trainUtterances: 0, heldOutUtterances: 0, durationSeconds: 0 };
    this.datasets.set(info.id, { info, items: [] });
    this.emit({ type: 'datasets-changed' });
    return info;
  }
  async getDataset(id: string) {
    const dataset = this.dataset(id);
    return { info: dataset.info, items: dataset.items.map((entry) => entry.item) };
  }
  async renameDataset(id: string, name: string) {
    const dataset = this.dataset(id);
    dataset.info = { ...dataset.info, name };
    this.emit({ type: 'datasets-changed' });
    return dataset.info;
  }
  async deleteDataset(id: string) {
    this.dataset(id);
    this.datasets.delete(id);
    this.emit({ type: 'datasets-changed' });
  }
  async addDatasetRecording(datasetId: string, text: string, pcm16k: Float32Array) {
    const dataset = this.dataset(datasetId);
    const entry = await this.newItem(cleanText(text), pcm16k, 'recorded');
    dataset.items.push(entry);
    ensureHeldOut(dataset.items, [entry]);
    this.recount(dataset);
    return entry.item;
  }
  async deleteDatasetItem(datasetId: string, itemId: string) {
    const dataset = this.dataset(datasetId);
    const index = dataset.items.findIndex((entry) => entry.item.id === itemId);
    if (index < 0) throw new Error(`no item ${JSON.stringify(itemId)} in dataset ${datasetId}`);
    dataset.items.splice(index, 1);
    this.recount(dataset);
  }
  async getDatasetItemAudio(datasetId: string, itemId: string) {
    const entry = this.dataset(datasetId).items.find((candidate) => candidate.item.id === itemId);
    if (!entry) throw new Error(`no item ${JSON.stringify(itemId)} in dataset ${datasetId}`);
    return entry.audio;
  }
  async importDatasetFiles(datasetId: string, files: { path: string; bytes: ArrayBuffer }[]): Promise<ImportReport> {
    const dataset = this.dataset(datasetId);
    const texts = new Map<string, string>();
    for (const file of files) {
      if (file.path.endsWith('.txt')) texts.set(file.path.slice(0, -4), new TextDecoder().decode(file.bytes).trim());
    }
    const report: ImportReport = { imported: 0, skipped: [] };
    // Committed in batches of 25, each given a held-out item if the dataset has none, as the real store does.
    let pending: FakeItem[] = [];
    const commit = () => {
      dataset.items.push(...pending);
      ensureHeldOut(dataset.items, pending);
      pending = [];
    };
    for (const file of files) {
      if (file.path.endsWith('.txt')) continue;
      const name = file.path.split('/').pop() ?? file.path;
      if (!name.toLowerCase().endsWith('.wav')) {
        report.skipped.push({ name: file.path, reason: 'not a WAV file' });
        continue;
      }
      const fsdd = /^(\d)_[a-z]+_\d+\.wav$/i.exec(name);
      const text = texts.get(file.path.slice(0, -4)) ?? (fsdd ? DIGIT_WORDS[Number(fsdd[1])] : null);
      if (!text) {
        report.skipped.push({ name: file.path, reason: 'no transcript (.txt beside it, manifest entry or FSDD-style name)' });
        continue;
      }
      const audio = pcmFromWav(file.bytes);
      if (!audio) {
        report.skipped.push({ name: file.path, reason: 'unreadable audio' });
        continue;
      }
      pending.push(await this.newItem(cleanText(text), audio, 'imported', importKey(file.path, cleanText(text))));
      report.imported += 1;
      if (pending.length >= 25) commit();
    }
    commit();
    this.recount(dataset);
    return report;
  }

  private gradients(job: JobInfo, layers: number): GradientSnapshotDTO {
    const steps = 40;
    const norms = new Float32Array(layers * steps);
    for (let layer = 0; layer < layers; layer++) {
      for (let t = 0; t < steps; t++) {
        // Shrinks going back in time (vanishing), more so in lower layers; LSTM-ish decay.
        const decay = job.request.head === 'gru' ? 0.93 : 0.97;
        norms[layer * steps + t] = 0.5 * decay ** ((steps - 1 - t) * (layers - layer)) * (1 + 0.3 * Math.sin(job.step + t));
      }
    }
    const globalNorm = 3 + 4 * Math.abs(Math.sin(job.step * 0.7));
    return { step: job.step, layers, steps, norms, globalNorm, clipNorm: 5 };
  }

  private tick(id: string): void {
    const entry = this.jobs.get(id);
    if (!entry || entry.job.state !== 'running') return;
    const job = entry.job;
    const stepsPerEpoch = Math.max(1, Math.round(job.totalSteps / Math.max(1, job.request.epochs || 3)));
    const step = job.step + 1;
    const headBonus = job.request.head === 'gru' ? 0.85 : job.request.head === 'peephole' ? 0.95 : 1;
    const loss = (2.5 * Math.exp(-step / (job.totalSteps / 2)) + 0.3) * headBonus;
    const curve = step % stepsPerEpoch === 0 || step === job.totalSteps
      ? [...job.curve, { epoch: Math.ceil(step / stepsPerEpoch), step, trainLoss: loss, heldOutCer: 0.5 * Math.exp(-step / job.totalSteps) * headBonus }]
      : job.curve;
    let next: JobInfo = { ...job, step, curve };
    if (step >= job.totalSteps) {
      const base = this.model(job.request.baseModelId);
      const model: ModelInfo = {
        id: this.nextId('model'), name: job.request.name, kind: 'user',
        architecture: { ...base.architecture, arch: job.request.head === 'keep' ? base.architecture.arch : job.request.head },
        createdAt: new Date().toISOString(), parentId: base.id,
        metrics: { datasetId: job.request.datasetId, heldOutCer: curve.at(-1)?.heldOutCer ?? null, trainLoss: loss, epochs: curve.length },
      };
      this.models.push(model);
      next = { ...next, state: 'done', modelId: model.id };
      if (entry.timer) clearInterval(entry.timer);
      entry.timer = null;
      this.emit({ type: 'models-changed' });
    }
    entry.job = next;
    const remaining = (next.totalSteps - next.step) * this.stepMs / 1000;
    this.emit({ type: 'train-progress', job: next, loss, etaSeconds: remaining, learningRate: next.request.learningRate || 1e-3 });
    if (step % 3 === 0 || next.state === 'done') this.emit({ type: 'train-gradients', jobId: id, snapshot: this.gradients(next, this.model(next.request.baseModelId).architecture.layers) });
  }

  private run(entry: { job: JobInfo; timer: ReturnType<typeof setInterval> | null }): void {
    entry.job = { ...entry.job, state: 'running' };
    entry.timer = setInterval(() => this.tick(entry.job.id), this.stepMs);
  }

  async startFineTune(request: FineTuneRequest) {
    const dataset = this.dataset(request.datasetId);
    this.model(request.baseModelId);
    if (dataset.info.trainUtterances === 0) throw new Error(`dataset ${dataset.info.name} has no training utterances`);
    const epochs = request.epochs || 3;
    const job: JobInfo = { id: this.nextId('job'), request, state: 'queued', step: 0, totalSteps: epochs * 10, error: null, modelId: null, curve: [] };
    const entry = { job, timer: null };
    this.jobs.set(job.id, entry);
    this.run(entry);
    return entry.job;
  }
  async cancelFineTune(jobId: string) {
    const entry = this.jobs.get(jobId);
    if (!entry) throw new Error(`no job ${JSON.stringify(jobId)}`);
    if (entry.timer) clearInterval(entry.timer);
    entry.timer = null;
    if (entry.job.state === 'running' || entry.job.state === 'queued') entry.job = { ...entry.job, state: 'cancelled' };
    this.emit({ type: 'train-progress', job: entry.job, loss: NaN, etaSeconds: 0, learningRate: 0 });
    return entry.job;
  }
  async resumeFineTune(jobId: string) {
    const entry = this.jobs.get(jobId);
    if (!entry) throw new Error(`no job ${JSON.stringify(jobId)}`);
    if (entry.job.state !== 'cancelled' && entry.job.state !== 'failed') throw new Error(`job ${jobId} is ${entry.job.state}; only a cancelled or failed job can resume`);
    this.run(entry);
    return entry.job;
  }
  async listJobs() { return [...this.jobs.values()].map((entry) => entry.job); }

  async renameModel(id: string, name: string) {
    const index = this.models.findIndex((model) => model.id === id);
    if (index < 0) throw new Error(`no model with id ${JSON.stringify(id)}`);
    this.models[index] = { ...this.models[index], name };
    this.emit({ type: 'models-changed' });
    return this.models[index];
  }
  async deleteModel(id: string) {
    const model = this.model(id);
    if (model.kind === 'bundled') throw new Error('the bundled model cannot be deleted');
    this.models.splice(this.models.indexOf(model), 1);
    this.emit({ type: 'models-changed' });
  }
  async exportModel(id: string) {
    // Not a real zip: the fake only needs bytes that importModel accepts back.
    return new TextEncoder().encode(JSON.stringify(this.model(id))).buffer as ArrayBuffer;
  }
  async importModel(fileName: string, bytes: ArrayBuffer) {
    let model: ModelInfo;
    try {
      model = JSON.parse(new TextDecoder().decode(bytes)) as ModelInfo;
    } catch {
      throw new Error(`${fileName} is not a model archive exported by CellScribe`);
    }
    const imported: ModelInfo = { ...model, id: this.nextId('model'), kind: 'user', name: `${model.name} (imported)` };
    this.models.push(imported);
    this.emit({ type: 'models-changed' });
    return imported;
  }
  async compareWithParent(modelId: string, datasetId: string): Promise<ModelComparisonDTO> {
    const model = this.model(modelId);
    if (!model.parentId) throw new Error(`model ${model.name} has no parent to compare with`);
    const heldOut = this.dataset(datasetId).items.filter((entry) => entry.item.split === 'heldout');
    const utterances = heldOut.map((entry, index) => ({
      itemId: entry.item.id, reference: entry.item.text, before: degrade(entry.item.text, index), after: index % 3 === 2 ? degrade(entry.item.text, index + 1) : entry.item.text,
    }));
    return { modelId, parentId: model.parentId, datasetId, before: { wer: 0.42, cer: 0.21 }, after: { wer: 0.17, cer: 0.08 }, utterances };
  }
}
