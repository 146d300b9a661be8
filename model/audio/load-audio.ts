/**
 * The one path from a file (on disk: loadAudioFile; in memory: loadAudioBytes) to what the
 * feature extractor wants: mono, 16 kHz, float samples in [-1, 1], plus warnings for the user.
 * The CLI, the app's engine and dataset import all come through here.
 *
 * Order: sniff the first bytes -> check the length limit from headers (before reading the
 * samples, so a huge file costs nothing) -> read and decode -> validate (validate.ts) -> mix
 * channels to their mean -> resample (band-limited sinc) -> clamp to [-1, 1].
 *
 * Errors (AudioError, naming the file): missing/unreadable file, empty file or no samples,
 * unsupported format, undecodable data, NaN/Inf samples, audio longer than `maxSeconds`
 * (default 2 hours). Warnings: truncated WAV (decodes what is there), silent, clipped.
 */
import { closeSync, openSync, statSync } from 'node:fs';
import { AudioError } from './audio-error.ts';
import { fileSource, mixToMono, tooLong } from './file-parts.ts';
import { decodeAudioBytes, detectFormat, unsupportedFormatError } from './decode.ts';
import { estimateSeconds } from './probe.ts';
import { resampleTo16k, type ResampleQuality } from './resample.ts';
import { checkChannels } from './validate.ts';
import { decodeWavData, parseWavHeader, truncationWarning, type ByteSource } from './wav.ts';

export { AudioError } from './audio-error.ts';
export { decodeAudioBytes, detectFormat, sniffFormat, type AudioFormat, type DecodedAudio } from './decode.ts';
export { openAudioStream, openAudioBytes, type AudioStream } from './audio-stream.ts';
export { resample, resampleTo16k, createResampler, TARGET_RATE, type StreamResampler, type ResampleQuality } from './resample.ts';
export { checkSamples, checkChannels } from './validate.ts';
export { writeWav, encodeWav, type WavBitDepth } from './wav.ts';

/** Audio ready for feature extraction. */
export interface LoadedAudio {
  /** Mono, 16 kHz, in [-1, 1]. */
  samples: Float32Array;
  sampleRate: 16000;
  /** Rate of the file before resampling. */
  sourceRate: number;
  /** Channels in the file before mixing. */
  sourceChannels: number;
  /** samples.length / 16000. */
  durationSeconds: number;
  /** Human-readable warnings, each starting with the file name. */
  warnings: string[];
}

export interface LoadOptions {
  /** Longest audio accepted, in seconds (default 7200 = 2 hours). */
  maxSeconds?: number;
  /** Resampler quality (default 'best'). */
  quality?: ResampleQuality;
}

export const DEFAULT_MAX_SECONDS = 2 * 60 * 60;
/** Compressed files whose headers do not give a duration are refused above this size (Node cannot read more at once). */
const MAX_UNPROBED_BYTES = 2 ** 31 - 1;
const HEAD_BYTES = 64 * 1024;

/**
 * Loads an audio file (WAV, or anything audio-decode reads: FLAC, MP3, Ogg, M4A/AAC, WebM, AIFF,
 * CAF, AMR, WMA, …) as mono 16 kHz samples. Throws AudioError (naming
 * the file) for anything that cannot become usable audio; see the module comment for the policy.
 */
export async function loadAudioFile(path: string, opts: LoadOptions = {}): Promise<LoadedAudio> {
  const maxSeconds = opts.maxSeconds ?? DEFAULT_MAX_SECONDS;
  if (!(maxSeconds > 0)) throw new RangeError(`loadAudioFile: expected maxSeconds > 0, got ${maxSeconds}`);
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new AudioError(path, 'not a regular file');
    size = stat.size;
  } catch (err) {
    if (err instanceof AudioError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new AudioError(path, code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(err)})`);
  }
  if (size === 0) throw new AudioError(path, 'file is empty (0 bytes)');

  let decoded: { channels: Float32Array[]; sampleRate: number; warnings: string[] };
  const fd = openSync(path, 'r');
  try {
    const source = fileSource(fd, size);
    const head = source.read(0, HEAD_BYTES);
    const detected = detectFormat(head);
    if (detected.reader === null) throw unsupportedFormatError(path, detected.lookslike);
    if (detected.reader === 'wav') {
      const layout = parseWavHeader(source, path);
      const seconds = layout.frames / layout.sampleRate;
      if (seconds > maxSeconds) throw tooLong(path, seconds, maxSeconds, 'from the WAV header');
      const data = source.read(layout.dataOffset, layout.dataBytes);
      decoded = {
        channels: decodeWavData(layout, data),
        sampleRate: layout.sampleRate,
        warnings: layout.truncated ? [truncationWarning(path, layout)] : [],
      };
    } else {
      const tail = source.read(Math.max(0, size - HEAD_BYTES), HEAD_BYTES);
      const estimate = detected.probe ? estimateSeconds(detected.probe, head, tail, size) : null;
      if (estimate !== null && estimate > maxSeconds) throw tooLong(path, estimate, maxSeconds, 'estimated from its headers');
      if (estimate === null && size > MAX_UNPROBED_BYTES) {
        throw new AudioError(path, `file is ${size} bytes and its headers give no duration; refusing to read more than ${MAX_UNPROBED_BYTES} bytes`);
      }
      decoded = await decodeAudioBytes(source.read(0, size), path);
    }
  } finally {
    closeSync(fd);
  }

  return toModelAudio(decoded, path, maxSeconds, opts.quality);
}

/**
 * Loads audio from bytes already in memory (an imported file, a dataset file): the same checks,
 * mixing, resampling and clamping as loadAudioFile. `name` names the file in errors and warnings.
 */
export async function loadAudioBytes(bytes: Uint8Array, name: string, opts: LoadOptions = {}): Promise<LoadedAudio> {
  const maxSeconds = opts.maxSeconds ?? DEFAULT_MAX_SECONDS;
  if (!(maxSeconds > 0)) throw new RangeError(`loadAudioBytes: expected maxSeconds > 0, got ${maxSeconds}`);
  if (bytes.length === 0) throw new AudioError(name, 'file is empty (0 bytes)');
  return toModelAudio(await decodeAudioBytes(bytes, name), name, maxSeconds, opts.quality);
}

/** Decoded channels → what the model takes: checked, length-limited, mono, 16 kHz, in [-1, 1]. */
async function toModelAudio(decoded: { channels: Float32Array[]; sampleRate: number; warnings: string[] }, name: string, maxSeconds: number, quality?: ResampleQuality): Promise<LoadedAudio> {
  const { channels, sampleRate } = decoded;
  const warnings = [...decoded.warnings, ...checkChannels(channels, name, sampleRate)];
  const sourceSeconds = channels[0].length / sampleRate;
  if (sourceSeconds > maxSeconds) throw tooLong(name, sourceSeconds, maxSeconds, 'decoded');

  let samples: Float32Array;
  try {
    samples = await resampleTo16k(mixToMono(channels), sampleRate, quality);
  } catch (error) {
    // A rate the converter cannot take is a property of this file: say which file.
    throw new AudioError(name, error instanceof Error ? error.message.replace(/^resample: /, '') : `cannot resample from ${sampleRate} Hz (${String(error)})`);
  }
  // Clamp: float sources may exceed full scale, and the sinc filter overshoots near clipped edges.
  for (let i = 0; i < samples.length; i++) {
    if (samples[i] > 1) samples[i] = 1;
    else if (samples[i] < -1) samples[i] = -1;
  }
  return { samples, sampleRate: 16000, sourceRate: sampleRate, sourceChannels: channels.length, durationSeconds: samples.length / 16000, warnings };
}
