/**
 * One measured run for model/bench/long-audio-bench.ts (here because it drives app/'s engine), in its own process so that its peak resident
 * memory (getrusage maxrss) is its own. Prints one JSON line.
 *
 *   node --expose-gc --import tsx scripts/bench/long-audio-child.ts MODE FILE MODEL_DIR
 *   MODE: whole   today's former offline path: the file loaded whole, one pass of the training
 *                 op, one decode and one whole-lattice alignment (the reference for RTF)
 *         chunked today's offline path: Recognizer.transcribeFile (streamed, chunked, segmented)
 *         engine  the app's file path in the engine worker: decodeAudio(bytes), then
 *                 transcribe(samples) with inspection (bounded to its start) and a job id
 *         soak    a live recording in the engine worker fed from the file in 0.5 s chunks with
 *                 inspection, as fast as it goes: processing time and resident memory per minute
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../model/engine/backend.ts';
import { Engine } from '../../app/engine/engine.ts';
import type { DecodingSettings as EngineDecoding } from '../../contract/contract.ts';
import { Recognizer } from '../../model/engine/recognizer.ts';
import { decodeOptions } from '../../model/ctc/decode-settings.ts';
import { pcmToFeatures } from '../../model/features/frontend.ts';
import { decode } from '../../model/ctc/decode.ts';
import { loadAudioFile, openAudioStream } from '../../model/audio/load-audio.ts';

const [mode, file, modelDir] = process.argv.slice(2);
const OPEN: EngineDecoding = { mode: 'open', customVocabulary: '', beam: 1 };
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const peakMb = () => process.resourceUsage().maxRSS / 1024;
const started = performance.now();
const elapsed = () => (performance.now() - started) / 1000;

if (mode === 'whole') {
  await selectBackend('wasm');
  const recognizer = await Recognizer.load(modelDir);
  const t0 = performance.now();
  const model = recognizer.model;
  const audio = await loadAudioFile(file);
  const features = pcmToFeatures(audio.samples, model.features);
  const normalised = model.normaliseInPlace(features.data);
  const logProbs = tf.tidy(() => tf.logSoftmax(model.forward(model.stackFrames(tf.tensor3d(normalised, [1, features.frames, model.inputDim]))).logits));
  const values = logProbs.dataSync() as Float32Array;
  logProbs.dispose();
  const result = decode(values, values.length / model.classes, model.alphabet, decodeOptions({}, model.stepSeconds));
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ mode, audioSeconds: audio.durationSeconds, seconds, rtf: seconds / audio.durationSeconds, peakMb: peakMb(), words: result.words.length }));
} else if (mode === 'chunked') {
  await selectBackend('wasm');
  const recognizer = await Recognizer.load(modelDir);
  const t = await recognizer.transcribeFile(file, {});
  console.log(JSON.stringify({ mode, audioSeconds: t.durationSeconds, seconds: t.processingSeconds, rtf: t.rtf, peakMb: peakMb(), words: t.words.length }));
} else if (mode === 'engine') {
  const engine = new Engine({ backend: 'wasm' });
  await engine.loadModel(modelDir);
  const t0 = performance.now();
  const decoded = await engine.decodeAudio(readFileSync(file), file);
  // As the app runs it: with a job id (5 s chunks, progress events, cancellable).
  let events = 0;
  engine.setProgressSink(() => { events += 1; });
  const t = await engine.transcribe(decoded.samples, OPEN, true, 'bench');
  const seconds = (performance.now() - t0) / 1000;
  const inspectedSeconds = t.inspection!.steps * t.inspection!.stepSeconds;
  console.log(JSON.stringify({ mode, audioSeconds: t.durationSeconds, seconds, rtf: seconds / t.durationSeconds, peakMb: peakMb(), words: t.words.length, progressEvents: events, inspectedSeconds }));
  engine.dispose();
} else if (mode === 'soak') {
  const engine = new Engine({ backend: 'wasm' });
  await engine.loadModel(modelDir);
  const { streamId } = await engine.streamStart(OPEN, true);
  const stream = await openAudioStream(file);
  const chunk = 8000; // 0.5 s, what the app's recorder sends
  const minutes: { rtf: number; rssMb: number }[] = [];
  let pending = new Float32Array(0);
  let fed = 0;
  let minuteWork = 0;
  for await (const piece of stream.chunks()) {
    const joined = new Float32Array(pending.length + piece.length);
    joined.set(pending);
    joined.set(piece, pending.length);
    let at = 0;
    for (; at + chunk <= joined.length; at += chunk) {
      const t0 = performance.now();
      await engine.streamPush(streamId, joined.slice(at, at + chunk));
      minuteWork += (performance.now() - t0) / 1000;
      fed += chunk;
      if (fed % (16000 * 60) === 0) {
        gc();
        minutes.push({ rtf: minuteWork / 60, rssMb: process.memoryUsage().rss / 2 ** 20 });
        if (process.env.SOAK_DEBUG) { const m = process.memoryUsage(); console.error(JSON.stringify({ heap: m.heapUsed >> 20, heapTotal: m.heapTotal >> 20, ext: m.external >> 20, ab: m.arrayBuffers >> 20, rss: m.rss >> 20 })); }
        minuteWork = 0;
      }
    }
    pending = joined.slice(at);
  }
  const final = await engine.streamFinish(streamId);
  const afterFirst = minutes[0]?.rssMb ?? NaN;
  const last = minutes.at(-1)?.rssMb ?? NaN;
  console.log(JSON.stringify({
    mode,
    audioSeconds: fed / 16000,
    seconds: elapsed(),
    maxMinuteRtf: Math.max(...minutes.map((m) => m.rtf)),
    firstMinuteRtf: minutes[0]?.rtf,
    lastMinuteRtf: minutes.at(-1)?.rtf,
    rssAfterFirstMinuteMb: afterFirst,
    rssEndMb: last,
    growthPercent: (100 * (last - afterFirst)) / afterFirst,
    peakMb: peakMb(),
    words: final.transcript.words.length,
    rssPerMinuteMb: minutes.map((m) => Math.round(m.rssMb)),
  }));
  engine.dispose();
} else {
  console.error(`long-audio-child: unknown mode ${mode}`);
  process.exitCode = 2;
}
