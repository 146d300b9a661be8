/**
 * The corpus plan: which utterances exist, and for each its text, voice, engine prosody and
 * augmentation. Utterance i of a split draws everything from its own generator seeded by
 * (seed, split, i), so the plan is a pure function of the options and a longer corpus (more
 * hours) extends a shorter one instead of reshuffling it.
 */
import { posix } from 'node:path';
import { type AugmentChain, drawChain } from './augment.ts';
import type { Prosody } from './engines.ts';
import { type Random, between, pickWeighted, randomFor } from './random.ts';
import { CATEGORY_WEIGHTS, type SentencePool, type TextItem, loadSentencePool, textItem } from './texts.ts';
import { type Split, type Voice, voicesOf } from './voices.ts';
import { shuffled } from '../train/random.ts';

export interface PlannedUtterance {
  /** `train-000042` / `dev-000007`: unique, stable for a seed. */
  id: string;
  split: Split;
  voice: Voice;
  item: TextItem;
  prosody: Prosody;
  augment: AugmentChain;
  /** WAV path relative to the corpus folder (posix separators, as the manifest stores it). */
  wavPath: string;
  /** Rough duration from the text length, for sizing the corpus to --hours before synthesis. */
  estimatedSeconds: number;
}

export interface PlanOptions {
  seed: number;
  /** Training audio to plan, in hours (estimated from text length). */
  trainHours?: number;
  /** Or an exact number of training utterances (wins over trainHours). */
  trainUtterances?: number;
  /** Utterances for the held-out dev voice. */
  devUtterances: number;
  /** Restrict to these voice ids (default: all). */
  voiceIds?: readonly string[];
  /** Sentence file (default: the bundled WordNet examples). */
  sentencesFile?: string;
  /** Transcripts the dev split must not contain (e.g. AN4's); applied to texts of two or more words. */
  excludeFromDev?: ReadonlySet<string>;
}

/**
 * Seconds of speech per character of TTS text and fixed overhead, fitted on a first run
 * (see SOURCES.md); only the corpus size depends on it, not the audio.
 */
const SECONDS_PER_CHAR = 0.068;
const SECONDS_FIXED = 0.3;

export function estimateSeconds(item: TextItem, prosody: Prosody, augment: AugmentChain): number {
  return (SECONDS_FIXED + SECONDS_PER_CHAR * item.tts.length) / (prosody.rate * augment.speed) + augment.padStart + augment.padEnd;
}

function drawProsody(voice: Voice, random: Random): Prosody {
  return {
    rate: voice.engineRate ? Math.round(between(random, 0.88, 1.12) * 100) / 100 : 1,
    pitch: voice.enginePitch ? Math.round(between(random, 0.9, 1.1) * 100) / 100 : 1,
  };
}

function planSplit(split: Split, count: number | undefined, hours: number | undefined, options: PlanOptions, pool: SentencePool): PlannedUtterance[] {
  const voices = voicesOf(split, options.voiceIds);
  if (voices.length === 0) return [];
  const weights = Object.fromEntries(voices.map((v) => [v.id, v.weight]));
  const sentences = shuffled(split === 'dev' ? pool.dev : pool.train, randomFor(options.seed, split, 'sentence-order'));
  const targetSeconds = hours === undefined ? Infinity : hours * 3600;
  const out: PlannedUtterance[] = [];
  let seconds = 0;
  let sentenceIndex = 0;
  for (let i = 0; count !== undefined ? i < count : seconds < targetSeconds; i++) {
    const random = randomFor(options.seed, split, i);
    const voiceId = pickWeighted(random, weights);
    const voice = voices.find((v) => v.id === voiceId)!;
    let item: TextItem;
    for (let attempt = 0; ; attempt++) {
      const category = pickWeighted(random, CATEGORY_WEIGHTS);
      item = textItem(category, random, pool, sentences, sentenceIndex);
      if (category === 'sentences') sentenceIndex += 1;
      const excluded = split === 'dev' && item.text.includes(' ') && options.excludeFromDev?.has(item.text);
      if (!excluded) break;
      if (attempt > 1000) throw new Error(`planCorpus: could not draw a dev text outside the excluded set after 1000 tries`);
    }
    const prosody = drawProsody(voice, random);
    const augment = drawChain(random);
    const id = `${split}-${String(i).padStart(6, '0')}`;
    const estimated = estimateSeconds(item, prosody, augment);
    seconds += estimated;
    out.push({ id, split, voice, item, prosody, augment, wavPath: posix.join(split, voice.id, `${id}.wav`), estimatedSeconds: estimated });
  }
  return out;
}

/** The whole plan: training utterances, then the dev voice's. */
export function planCorpus(options: PlanOptions): PlannedUtterance[] {
  if (options.trainUtterances === undefined && options.trainHours === undefined) {
    throw new Error('planCorpus: expected trainHours or trainUtterances, got neither');
  }
  const pool = loadSentencePool(options.sentencesFile);
  if (pool.train.length === 0 || pool.dev.length === 0) {
    throw new Error(`planCorpus: the sentence list needs sentences for both splits, got ${pool.train.length} train and ${pool.dev.length} dev`);
  }
  return [
    ...planSplit('train', options.trainUtterances, options.trainHours, options, pool),
    ...planSplit('dev', options.devUtterances, undefined, options, pool),
  ];
}
