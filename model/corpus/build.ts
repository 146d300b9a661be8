/**
 * Builds a synthetic speech corpus: synthesises the plan's utterances with the TTS engines in
 * parallel child processes, checks each, augments it, writes 16 kHz mono 16-bit WAVs atomically
 * and NeMo manifests (train.json, dev.json). Rerunning resumes: finished WAVs, and utterances
 * already rejected by the quality check, are skipped.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decodeWavBytes, writeWav } from '../audio/wav.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { addNoise, setPeak, soxEffects } from './augment.ts';
import { checkEngines, runCommand, runFestivalBatch, singleCommand } from './engines.ts';
import { type ManifestSummary, writeManifests } from './manifest.ts';
import { type PlanOptions, type PlannedUtterance, planCorpus } from './plan.ts';
import { synthesisProblem } from './quality.ts';
import { randomFor } from './random.ts';

export interface BuildOptions extends PlanOptions {
  /** Corpus folder. */
  out: string;
  /** Synthesis tasks in flight at once (each is a chain of child processes). */
  jobs: number;
  /** Environment of the child processes (PATH decides which engines are found). */
  env?: NodeJS.ProcessEnv;
  /** Utterances per festival process (festival loads its voice once per process). */
  festivalBatch?: number;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Rewrite the manifests at least this often while building (ms), so a long run is usable early. */
  manifestEveryMs?: number;
}

export interface BuildResult {
  planned: number;
  /** Utterances synthesised by this run. */
  synthesized: number;
  /** Utterances already finished (or already rejected) by an earlier run. */
  skipped: number;
  /** Dropped by the quality check, this run or earlier: id and reason. */
  rejected: Array<{ id: string; voice: string; reason: string }>;
  /** Errors (engine or sox failures); these are retried by the next run. */
  failed: Array<{ id: string; error: string }>;
  manifests: ManifestSummary;
}

const SAMPLE_RATE = 16000;

export function rejectMarkerPath(out: string, utterance: PlannedUtterance): string {
  return join(out, `${utterance.wavPath}.rejected.json`);
}

function readRejection(out: string, utterance: PlannedUtterance): string | null {
  const marker = rejectMarkerPath(out, utterance);
  if (!existsSync(marker)) return null;
  return (JSON.parse(readFileSync(marker, 'utf8')) as { reason: string }).reason;
}

function readMono(path: string): Float32Array {
  const { channels, sampleRate } = decodeWavBytes(readFileSync(path), path);
  if (sampleRate !== SAMPLE_RATE || channels.length !== 1) throw new Error(`${path}: expected 16 kHz mono, got ${sampleRate} Hz × ${channels.length}`);
  return channels[0];
}

/**
 * From the engine's raw WAV to the finished utterance: convert to 16 kHz mono, check, augment
 * (sox effects, then noise, telephone channel and level), write atomically. Returns the reason
 * when the quality check rejects it.
 */
async function finishUtterance(out: string, utterance: PlannedUtterance, raw: string, scratch: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const clean = join(scratch, `${utterance.id}.clean.wav`);
  // -D: no dither, so a rebuilt utterance is bit-identical; -G guards against clipping.
  await runCommand('sox', ['-D', '-G', raw, '-r', String(SAMPLE_RATE), '-c', '1', '-b', '16', '-e', 'signed-integer', clean], env);
  const problem = synthesisProblem(readMono(clean), SAMPLE_RATE, utterance.item.text);
  const target = join(out, utterance.wavPath);
  mkdirSync(dirname(target), { recursive: true });
  if (problem !== null) {
    writeFileAtomic(rejectMarkerPath(out, utterance), `${JSON.stringify({ id: utterance.id, voice: utterance.voice.id, text: utterance.item.text, reason: problem })}\n`);
    return problem;
  }
  const effected = join(scratch, `${utterance.id}.fx.wav`);
  await runCommand('sox', ['-D', '-G', clean, '-b', '16', effected, ...soxEffects(utterance.augment)], env);
  let samples = readMono(effected);
  const chain = utterance.augment;
  if (chain.noise) samples = addNoise(samples, chain.noise, randomFor(utterance.id, 'noise', utterance.item.text));
  if (chain.telephone) {
    const wide = join(scratch, `${utterance.id}.wide.wav`);
    const narrow = join(scratch, `${utterance.id}.tel.wav`);
    const back = join(scratch, `${utterance.id}.back.wav`);
    writeWav(wide, setPeak(samples, -3), SAMPLE_RATE);
    await runCommand('sox', ['-D', '-G', wide, '-r', '8000', '-e', 'u-law', narrow, 'sinc', '300-3400'], env);
    await runCommand('sox', ['-D', narrow, '-r', String(SAMPLE_RATE), '-b', '16', '-e', 'signed-integer', back], env);
    samples = readMono(back);
  }
  writeWav(target, setPeak(samples, chain.peakDb), SAMPLE_RATE);
  return null;
}

/** A unit of work for one slot: one espeak/flite utterance, or a festival batch of one voice. */
interface Task { utterances: PlannedUtterance[] }

function makeTasks(pending: PlannedUtterance[], festivalBatch: number): Task[] {
  const tasks: Task[] = [];
  const open = new Map<string, Task>();
  for (const u of pending) {
    if (u.voice.engine !== 'festival') { tasks.push({ utterances: [u] }); continue; }
    let task = open.get(u.voice.id);
    if (!task) { task = { utterances: [] }; open.set(u.voice.id, task); tasks.push(task); }
    task.utterances.push(u);
    if (task.utterances.length >= festivalBatch) open.delete(u.voice.id);
  }
  return tasks;
}

/** Builds (or resumes) the corpus described by `options` under `options.out`. */
export async function buildCorpus(options: BuildOptions): Promise<BuildResult> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  const plan = planCorpus(options);
  checkEngines([...new Map(plan.map((u) => [u.voice.id, u.voice])).values()], env);
  const out = options.out;
  mkdirSync(out, { recursive: true });
  const scratchRoot = join(out, '.work');
  rmSync(scratchRoot, { recursive: true, force: true });

  const result: BuildResult = { planned: plan.length, synthesized: 0, skipped: 0, rejected: [], failed: [], manifests: { train: emptyStats(), dev: emptyStats() } };
  const pending: PlannedUtterance[] = [];
  for (const u of plan) {
    const rejection = readRejection(out, u);
    if (rejection !== null) { result.skipped += 1; result.rejected.push({ id: u.id, voice: u.voice.id, reason: rejection }); continue; }
    if (existsSync(join(out, u.wavPath))) { result.skipped += 1; continue; }
    pending.push(u);
  }
  log(`corpus: ${plan.length} planned, ${result.skipped} already done, ${pending.length} to synthesise with ${options.jobs} job(s)`);

  const tasks = makeTasks(pending, options.festivalBatch ?? 25);
  const started = Date.now();
  let lastManifest = Date.now();
  let done = 0;
  let nextTask = 0;
  const runTask = async (task: Task, slot: number): Promise<void> => {
    const scratch = join(scratchRoot, `slot-${slot}`);
    mkdirSync(scratch, { recursive: true });
    const raws = task.utterances.map((u) => join(scratch, `${u.id}.raw.wav`));
    const first = task.utterances[0];
    try {
      if (first.voice.engine === 'festival') {
        const items = task.utterances.map((u, k) => ({ text: u.item.tts, rate: u.prosody.rate, out: raws[k] }));
        await runFestivalBatch(first.voice, items, join(scratch, 'batch.scm'), env);
      } else {
        const { command, args } = singleCommand(first.voice, first.item.tts, first.prosody, raws[0]);
        await runCommand(command, args, env);
      }
    } catch (error) {
      for (const u of task.utterances) result.failed.push({ id: u.id, error: (error as Error).message });
      return;
    }
    for (const [k, u] of task.utterances.entries()) {
      try {
        if (!existsSync(raws[k])) throw new Error(`${u.voice.engine} wrote no audio for "${u.item.tts}"`);
        const problem = await finishUtterance(out, u, raws[k], scratch, env);
        if (problem !== null) { result.rejected.push({ id: u.id, voice: u.voice.id, reason: problem }); log(`corpus: rejected ${u.id} (${u.voice.id}): ${problem}`); }
        else result.synthesized += 1;
      } catch (error) {
        result.failed.push({ id: u.id, error: (error as Error).message });
        log(`corpus: failed ${u.id} (${u.voice.id}): ${(error as Error).message}`);
      } finally {
        for (const suffix of ['raw', 'clean', 'fx', 'wide', 'tel', 'back']) rmSync(join(scratch, `${u.id}.${suffix}.wav`), { force: true });
      }
      done += 1;
      if (done % 200 === 0) {
        const elapsed = (Date.now() - started) / 1000;
        log(`corpus: ${done}/${pending.length} in ${elapsed.toFixed(0)} s (${(done / elapsed).toFixed(1)} utt/s)`);
      }
    }
    if (options.manifestEveryMs !== undefined && Date.now() - lastManifest > options.manifestEveryMs) {
      lastManifest = Date.now();
      writeManifests(out, plan);
    }
  };
  const worker = async (slot: number): Promise<void> => {
    while (nextTask < tasks.length) {
      const task = tasks[nextTask];
      nextTask += 1;
      await runTask(task, slot);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.jobs) }, (_, slot) => worker(slot)));
  rmSync(scratchRoot, { recursive: true, force: true });
  result.manifests = writeManifests(out, plan);
  writeFileAtomic(join(out, 'corpus.json'), `${JSON.stringify({
    seed: options.seed, planned: plan.length, manifests: result.manifests,
    rejected: result.rejected, failed: result.failed.length,
  }, null, 2)}\n`);
  return result;
}

function emptyStats() {
  return { file: '', utterances: 0, hours: 0, byVoice: {}, byCategory: {} };
}
