/**
 * `npm run bench`: the engine's speed, as ratios against references measured in the same run.
 *   1. MFCC extraction, as a multiple of real time (offline and streaming).
 *   2. One training step (B=32, T=100, 39 features, 256 units; 1 and 2 LSTM layers) on tfjs-wasm,
 *      beside PyTorch's nn.LSTM on the same shapes when Debian's python3-torch is installed.
 *   3. The engine's own training step (acoustic model → CTC → Adam) on all workers (one thread
 *      per core, train/gradient-pool.ts) and on one, beside PyTorch with CTC on the same number
 *      of threads; memory per extra worker.
 *   4. Training throughput (utterances per second) of the real training loop on the base
 *      model's recipe over AN4 speech, with 1 worker and with all.
 *   5. Streaming inference real-time factor of the bundled model (or, until one ships, a fresh
 *      model of the default shape), pushing 100 ms chunks of real speech, with the time each
 *      push takes to return its partial text and how far the partial text lags the audio (the
 *      audio not yet turned into network steps plus the push's own processing time; the 100 ms
 *      chunking itself is the caller's choice); then the same with the bundled general LM on
 *      (lexicon beam search run incrementally).
 * The last line is one JSON object: mfcc_x_realtime, train_step_ratio_vs_pytorch (item 2, null
 * without PyTorch), stream_rtf, stream_rtf_lm, partial_lag_ms_lm_mean and partial_lag_ms_lm_max
 * keep their meaning; train_step_ratio_vs_pytorch_all_workers, train_utterances_per_second,
 * stream_partial_latency_ms, partial_lag_ms_mean/max and the others are added beside them.
 *   3. Streaming inference real-time factor of the bundled model (or, until one ships, a fresh
 *      model of the default shape), pushing 100 ms chunks of real speech; then the same with the
 *      bundled general LM on (lexicon beam search run incrementally), with how far the partial
 *      text lags the audio: after each push, the audio not yet turned into network steps plus
 *      the push's own processing time (the 100 ms chunking itself is the caller's choice).
 * The last line is one JSON object with mfcc_x_realtime, train_step_ratio_vs_pytorch (null
 * without PyTorch), stream_rtf, stream_rtf_lm, partial_lag_ms_lm_mean and partial_lag_ms_lm_max.
 *   4. Loading a synthetic ARPA file of 70k unigrams + 1M bigrams + 1M trigrams: seconds and the
 *      memory kept and resident growth (arpa_load_seconds_2m, arpa_load_kept_mb_2m, arpa_load_rss_growth_mb_2m).
 *
 *   npm run bench [-- --steps N] [--workers N]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_FEATURES, DEFAULT_MODEL, featureDim } from '../config.ts';
import { selectBackend, describeBackend } from '../engine/backend.ts';
import { loadAudioFile } from '../audio/load-audio.ts';
import { Recognizer } from '../engine/recognizer.ts';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, writeModelFolder } from '../io/model-store.ts';
import { AcousticModel } from '../nn/acoustic-model.ts';
import { fsddPath } from '../testing/fsdd-fixture.ts';
import { BUNDLED_MODEL_DIR, PACKAGE_ROOT } from '../io/bundled-model.ts';
import { BUNDLED_GENERAL_LM, resolveDecoding } from '../ctc/decode-settings.ts';
import { benchMfcc } from './mfcc-bench.ts';
import { benchTrainStep } from './recurrent-bench.ts';
import { benchWorkersStep } from './workers-bench.ts';
import { benchLongAudio, type LongAudioResult } from './long-audio-bench.ts';
import { an4Available, benchThroughput } from './throughput-bench.ts';
import { availableParallelism } from 'node:os';
import { benchArpaLoad } from './arpa-bench.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const { values } = parseArgs({ options: { steps: { type: 'string' }, workers: { type: 'string' }, 'skip-long': { type: 'boolean' } } });
const steps = Number(values.steps ?? 8);
const workers = Number(values.workers ?? availableParallelism());
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
const log = (line: string) => process.stdout.write(`${line}\n`);

const backend = await selectBackend('wasm');
log(`backend: ${describeBackend(backend)}; ${(await import('node:os')).cpus()[0]?.model ?? 'cpu'} × ${(await import('node:os')).cpus().length}`);

// 1. Features.
const mfcc = await benchMfcc(30);
log(`MFCC + Δ + ΔΔ: ${mfcc.xRealtime.toFixed(0)}× real time offline (${mfcc.cpuXRealtime.toFixed(0)}× by CPU time), ${mfcc.streamingXRealtime.toFixed(0)}× streaming`);

// 2. Training step, tfjs-wasm beside PyTorch.
interface TorchRow { layers: number; ms_per_step: number; blas?: string[] }
function torchSteps(loss: 'frame' | 'ctc' = 'frame', threads = 2): { rows: TorchRow[]; note: string } {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return { rows: [], note: 'no /usr/bin/python3' };
  const script = join(PACKAGE_ROOT, 'scripts', 'bench', 'torch_lstm_step.py');
  // Debian's libblas.so.3 alternative may point at OpenBLAS's pthread build, which fights
  // PyTorch's OpenMP threads; prefer the OpenMP build when it is installed.
  const openmp = '/usr/lib/x86_64-linux-gnu/openblas-openmp';
  const env = existsSync(openmp) ? { ...process.env, LD_LIBRARY_PATH: [openmp, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') } : process.env;
  const run = spawnSync(python, [script, '--steps', String(steps), '--layers', '1', '2', '--threads', String(threads), '--loss', loss], { encoding: 'utf8', timeout: 900_000, env });
  if (run.status !== 0) return { rows: [], note: `PyTorch not available (${(run.stderr || '').trim().split('\n').pop()})` };
  const rows = run.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as TorchRow);
  return { rows, note: `PyTorch ${rows[0]?.blas?.join(', ') ?? ''}` };
}
const tfjsRows: { layers: 1 | 2; ms: number }[] = [];
for (const layers of [1, 2] as const) {
  const { msPerStep } = await benchTrainStep({ layers, units: 256, batch: 32, time: 100, features: 39, steps });
  tfjsRows.push({ layers, ms: msPerStep });
}
const torch = torchSteps();
const ratios: number[] = [];
for (const row of tfjsRows) {
  const t = torch.rows.find((r) => r.layers === row.layers);
  const ratio = t ? row.ms / t.ms_per_step : null;
  if (ratio !== null) ratios.push(ratio);
  log(`train step B=32 T=100 D=39 H=256 × ${row.layers} layer(s): tfjs-wasm ${row.ms.toFixed(1)} ms` + (t ? `, PyTorch ${t.ms_per_step.toFixed(1)} ms, ratio ${ratio!.toFixed(2)}×` : ''));
}
if (torch.rows.length === 0) log(`PyTorch comparison skipped: ${torch.note}`);
else log(torch.note);

// 3. The engine's CTC training step on all workers and on one, beside PyTorch (CTC) on as many threads.
const stepRows: { layers: 1 | 2; one: number; all: number; rssPerWorkerMb: number | null }[] = [];
for (const layers of [1, 2] as const) {
  const one = await benchWorkersStep({ layers, workers: 1, steps });
  const all = await benchWorkersStep({ layers, workers, steps });
  stepRows.push({ layers, one: one.msPerStep, all: all.msPerStep, rssPerWorkerMb: all.rssPerWorkerMb });
}
const torchCtc = torchSteps('ctc', workers);
const ratiosAll: number[] = [];
for (const row of stepRows) {
  const t = torchCtc.rows.find((r) => r.layers === row.layers);
  const ratio = t ? row.all / t.ms_per_step : null;
  if (ratio !== null) ratiosAll.push(ratio);
  log(`engine CTC train step B=32 T=100 D=39 H=256 × ${row.layers} layer(s): 1 worker ${row.one.toFixed(1)} ms, ${workers} workers ${row.all.toFixed(1)} ms` +
    (t ? `, PyTorch CTC on ${workers} threads ${t.ms_per_step.toFixed(1)} ms, ratio ${ratio!.toFixed(2)}×` : '') +
    (row.rssPerWorkerMb !== null ? `; +${row.rssPerWorkerMb.toFixed(0)} MB resident per extra worker` : ''));
}
if (torchCtc.rows.length === 0) log(`PyTorch CTC comparison skipped: ${torchCtc.note}`);

// 4. Training throughput on the base recipe, real AN4 speech.
const throughput: Record<string, number> = {};
if (an4Available()) {
  const cache = mkdtempSync(join(tmpdir(), 'bench-cache-'));
  for (const n of workers > 1 ? [1, workers] : [1]) throughput[`workers_${n}`] = (await benchThroughput(n, cache)).utterancesPerSecond;
  log(`training throughput, base recipe (2×256 LSTM, stack 3, batch 32, SpecAugment) on AN4: ` +
    Object.entries(throughput).map(([k, v]) => `${v.toFixed(1)} utt/s with ${k.replace('workers_', '')} worker(s)`).join(', '));
} else {
  log('training throughput skipped: ../shared/data/an4 not found');
}

// 5. Streaming real-time factor.
let modelDir = BUNDLED_MODEL_DIR;
let modelNote = 'bundled base model';
if (!existsSync(join(BUNDLED_MODEL_DIR, 'meta.json'))) {
  const dim = featureDim(DEFAULT_FEATURES);
  const normalisation = { mean: new Array(dim).fill(0), std: new Array(dim).fill(1) };
  const model = AcousticModel.create(DEFAULT_MODEL, DEFAULT_FEATURES, normalisation, 1);
  modelDir = join(mkdtempSync(join(tmpdir(), 'bench-')), 'model');
  await writeModelFolder(modelDir, { format: MODEL_FORMAT, formatVersion: MODEL_FORMAT_VERSION, name: 'bench-untrained', architecture: model.config, features: model.features, normalisation, provenance: {}, metrics: {} }, model.namedVariables());
  model.dispose();
  modelNote = `untrained ${DEFAULT_MODEL.layers}×${DEFAULT_MODEL.units} ${DEFAULT_MODEL.arch}, stack ${DEFAULT_MODEL.stack} (no bundled model yet)`;
}
const recognizer = await Recognizer.load(modelDir);
const clips = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((d) => ['george', 'jackson'].map((s) => loadAudioFile(fsddPath(d, s, 0)))));
const speech = new Float32Array(clips.reduce((n, c) => n + c.samples.length, 0));
clips.reduce((offset, c) => (speech.set(c.samples, offset), offset + c.samples.length), 0);
const chunk = 1600; // 100 ms
const warm = recognizer.startStream({});
warm.push(speech.subarray(0, 16000));
warm.finish();
const started = performance.now();
const session = recognizer.startStream({});
const pushMs: number[] = []; // per chunk: from push() to its partial text
const lags: number[] = []; // per chunk: audio not yet in network steps + the push's time (as 5b)
let pushedSamples = 0;
let coveredSteps = 0;
for (let offset = 0; offset < speech.length; offset += chunk) {
  const t0 = performance.now();
  const piece = speech.subarray(offset, offset + chunk);
  const update = session.push(piece); // carries the partial text
  const ms = performance.now() - t0;
  pushMs.push(ms);
  pushedSamples += piece.length;
  coveredSteps += update.steps;
  lags.push((pushedSamples / 16000 - coveredSteps * recognizer.model.stepSeconds) * 1000 + ms);
}
session.finish();
const streamRtf = (performance.now() - started) / 1000 / (speech.length / 16000);
const sortedPush = pushMs.slice().sort((a, b) => a - b);
const lag = { mean: lags.reduce((a, b) => a + b, 0) / lags.length, max: Math.max(...lags) };
const latency = { median: sortedPush[Math.floor(sortedPush.length / 2)], p95: sortedPush[Math.floor(sortedPush.length * 0.95)], max: sortedPush[sortedPush.length - 1] };
log(`streaming inference, ${modelNote}: RTF ${streamRtf.toFixed(4)} over ${(speech.length / 16000).toFixed(1)} s of speech in 100 ms chunks (one core, wasm)`);
log(`partial text after each 100 ms chunk: the push takes median ${latency.median.toFixed(1)} ms, p95 ${latency.p95.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms; ` +
  `the partial text lags the audio ${lag.mean.toFixed(0)} ms on average, ${lag.max.toFixed(0)} ms at most`);

// 5b. The same with the bundled general LM (loaded before timing: the app loads it once).
let lmStream: { rtf: number; lagMean: number; lagMax: number; note: string } | null = null;
if (existsSync(BUNDLED_GENERAL_LM)) {
  const lmLoadStarted = performance.now();
  const decoding = resolveDecoding({ generalLm: BUNDLED_GENERAL_LM }, recognizer.model.alphabet);
  const lmLoadMs = performance.now() - lmLoadStarted;
  const stepSeconds = recognizer.model.stepSeconds;
  const lmStarted = performance.now();
  const lmSession = recognizer.startStream(decoding);
  const lags: number[] = [];
  let pushed = 0, covered = 0;
  for (let offset = 0; offset < speech.length; offset += chunk) {
    const pushStarted = performance.now();
    const piece = speech.subarray(offset, offset + chunk);
    const update = lmSession.push(piece);
    pushed += piece.length;
    covered += update.steps;
    lags.push((pushed / 16000 - covered * stepSeconds) * 1000 + (performance.now() - pushStarted));
  }
  const lmText = lmSession.finish().result.text;
  const rtf = (performance.now() - lmStarted) / 1000 / (speech.length / 16000);
  lmStream = { rtf, lagMean: lags.reduce((a, b) => a + b, 0) / lags.length, lagMax: Math.max(...lags), note: `general LM loaded in ${lmLoadMs.toFixed(0)} ms` };
  log(`streaming inference with the general LM (beam ${decoding.beam}, ${lmStream.note}): RTF ${rtf.toFixed(4)}; partial text behind the audio ${lmStream.lagMean.toFixed(0)} ms on average, ${lmStream.lagMax.toFixed(0)} ms at most; text "${lmText.slice(0, 60)}…"`);
} else {
  log(`streaming with the general LM skipped: ${BUNDLED_GENERAL_LM} missing`);
}
recognizer.dispose();

// 4. Loading an ARPA file of 70k unigrams + 2M bigrams and trigrams (synthetic).
const arpa = benchArpaLoad();
log(`ARPA load: ${arpa.ngrams.toLocaleString('en')} n-grams (${arpa.fileMegabytes.toFixed(0)} MB file) in ${arpa.seconds.toFixed(2)} s; kept ${arpa.retainedMegabytes.toFixed(0)} MB (tables and hash indexes ${arpa.tableMegabytes.toFixed(0)} MB), resident memory +${arpa.peakRssMegabytes.toFixed(0)} MB while loading`);

// 4. Long recordings, each run in a child process of its own (peak RSS is per process): peak RSS
// of the CLI and the engine worker's file path at 10 and 60 min, offline RTF beside the former
// whole-file pass, an hour-long live soak (--skip-long leaves them out).
let long: LongAudioResult | null = null;
if (values['skip-long']) log('long recordings skipped (--skip-long)');
else if (modelDir !== BUNDLED_MODEL_DIR) log('long recordings skipped: no bundled model');
else long = await benchLongAudio(modelDir, log);

const geometricMean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a * b, 1) ** (1 / xs.length) : null);
const ratio = geometricMean(ratios);
const ratioAll = geometricMean(ratiosAll);
log(
  JSON.stringify({
    mfcc_x_realtime: round(mfcc.xRealtime, 1),
    mfcc_streaming_x_realtime: round(mfcc.streamingXRealtime, 1),
    mfcc_x_realtime_cpu_time: round(mfcc.cpuXRealtime, 1),
    train_step_ms_tfjs: Object.fromEntries(tfjsRows.map((r) => [`${r.layers}_layer`, round(r.ms, 1)])),
    train_step_ms_pytorch: torch.rows.length ? Object.fromEntries(torch.rows.map((r) => [`${r.layers}_layer`, round(r.ms_per_step, 1)])) : null,
    train_step_ratio_vs_pytorch: ratio === null ? null : round(ratio, 2),
    stream_rtf: round(streamRtf, 4),
    stream_rtf_lm: lmStream ? round(lmStream.rtf, 4) : null,
    partial_lag_ms_lm_mean: lmStream ? round(lmStream.lagMean, 0) : null,
    partial_lag_ms_lm_max: lmStream ? round(lmStream.lagMax, 0) : null,
    stream_model: modelNote,
    train_workers: workers,
    train_step_ms_tfjs_ctc_1_worker: Object.fromEntries(stepRows.map((r) => [`${r.layers}_layer`, round(r.one, 1)])),
    train_step_ms_tfjs_ctc_all_workers: Object.fromEntries(stepRows.map((r) => [`${r.layers}_layer`, round(r.all, 1)])),
    train_step_ms_pytorch_ctc: torchCtc.rows.length ? Object.fromEntries(torchCtc.rows.map((r) => [`${r.layers}_layer`, round(r.ms_per_step, 1)])) : null,
    train_step_ratio_vs_pytorch_all_workers: ratioAll === null ? null : round(ratioAll, 2),
    train_step_speedup_all_workers: round(geometricMean(stepRows.map((r) => r.one / r.all)) ?? 1, 2),
    train_worker_rss_mb: stepRows[1]?.rssPerWorkerMb === null ? null : round(stepRows[1].rssPerWorkerMb!, 0),
    train_utterances_per_second: Object.keys(throughput).length ? Object.fromEntries(Object.entries(throughput).map(([k, v]) => [k, round(v, 1)])) : null,
    partial_lag_ms_mean: round(lag.mean, 0),
    partial_lag_ms_max: round(lag.max, 0),
    stream_partial_latency_ms: { median: round(latency.median, 1), p95: round(latency.p95, 1), max: round(latency.max, 1) },
    ...(long ?? { long_recordings: null }),
    gpu_bench: null, // no CUDA GPU on the machines this ran on; see README, GPU backends
    arpa_load_seconds_2m: round(arpa.seconds, 2),
    arpa_load_kept_mb_2m: round(arpa.retainedMegabytes, 0),
    arpa_load_rss_growth_mb_2m: round(arpa.peakRssMegabytes, 0),
    backend: backend.name,
    tfjs_version: tf.version.tfjs,
  }),
);
