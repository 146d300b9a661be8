/**
 * WER/CER of a model over utterances whose raw features are already computed (training's dev
 * set), batched for speed. Decoding uses the given settings (greedy when empty).
 */
import * as tf from '@tensorflow/tfjs';
import { decode } from '../ctc/decode.ts';
import type { ResolvedDecoding } from '../ctc/decode-settings.ts';
import type { AcousticModel } from '../nn/acoustic-model.ts';
import { evalBatches, padBatch } from './batches.ts';
import { ErrorRateAccumulator, type EditCounts } from '../eval/metrics.ts';

export interface EvaluationSummary {
  utterances: number;
  wer: number;
  cer: number;
  words: EditCounts;
  chars: EditCounts;
  /** Per-utterance reference and hypothesis, in input order. */
  results: { audioPath: string; reference: string; hypothesis: string }[];
}

/** Per-step log-probabilities [steps × classes] of each utterance, in input order. */
export function batchLogProbs(model: AcousticModel, utterances: readonly { features: Float32Array; frames: number }[], batchSize = 32): Float32Array[] {
  const out: Float32Array[] = new Array(utterances.length);
  const dim = model.inputDim;
  for (const batch of evalBatches(utterances.map((u) => u.frames), batchSize)) {
    const items = batch.map((i) => utterances[i]);
    const { data, maxFrames } = padBatch(items.map((u) => ({ data: u.features, frames: u.frames })), dim);
    items.forEach((u, b) => model.normaliseInPlace(data.subarray(b * maxFrames * dim, (b * maxFrames + u.frames) * dim)));
    const all = tf.tidy(() => {
      const input = tf.tensor3d(data, [items.length, maxFrames, dim]); // [batch, frames, dim]
      return tf.logSoftmax(model.logits(input)).dataSync() as Float32Array; // [batch × steps × classes]
    });
    const steps = model.stepsFor(maxFrames);
    batch.forEach((index, b) => {
      const valid = model.stepsFor(utterances[index].frames);
      out[index] = all.slice(b * steps * model.classes, (b * steps + valid) * model.classes);
    });
  }
  return out;
}

export function evaluateUtterances(
  model: AcousticModel,
  utterances: readonly { audioPath: string; text: string; features: Float32Array; frames: number }[],
  decoding: ResolvedDecoding,
): EvaluationSummary {
  const logProbs = batchLogProbs(model, utterances);
  const accumulator = new ErrorRateAccumulator();
  const results = utterances.map((u, i) => {
    const hypothesis = decode(logProbs[i], logProbs[i].length / model.classes, model.alphabet, { frameSeconds: model.stepSeconds, ...decoding }).text;
    accumulator.add(u.text, hypothesis);
    return { audioPath: u.audioPath, reference: u.text, hypothesis };
  });
  return { ...accumulator.summary(), results };
}
