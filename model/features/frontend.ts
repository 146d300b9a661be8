/**
 * The front end shared by training, offline transcription and streaming: an audio file becomes
 * 16 kHz mono PCM, then raw (unnormalised) feature frames.
 */
import type { FeatureConfig } from '../config.ts';
import { loadAudioFile, type LoadedAudio } from '../audio/load-audio.ts';
import { extractFeatures } from './mfcc.ts';
import type { FeatureMatrix } from './feature-matrix.ts';

export function pcmToFeatures(samples: Float32Array, features: FeatureConfig): FeatureMatrix {
  return extractFeatures(samples, features);
}

export async function audioFileToFeatures(path: string, features: FeatureConfig): Promise<FeatureMatrix & { audio: LoadedAudio }> {
  const audio = await loadAudioFile(path);
  return { ...pcmToFeatures(audio.samples, features), audio };
}
