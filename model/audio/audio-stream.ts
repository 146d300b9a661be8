/**
 * An audio file as a stream of 16 kHz mono chunks, for recordings too long to hold decoded in
 * memory: an hour of 44.1 kHz stereo is 1.3 GB of float samples, its 16 kHz mono copy 230 MB.
 * The same policy as loadAudioFile (load-audio.ts) — the file is named in every error, the
 * duration guard runs on the headers first, samples are checked (NaN, silence, clipping),
 * channels mixed to their mean, resampled by the band-limited sinc converter and clamped — but
 * a piece at a time: WAV through our reader, everything else through audio-decode's streaming
 * decoders, the file read in 1 MB pieces. Resampling a stream gives the same samples as
 * resampling the whole (libsamplerate keeps its filter state between calls).
 */
import { closeSync, openSync, statSync } from 'node:fs';
import { AudioError } from './audio-error.ts';
import { fileSource, mixToMono, tooLong } from './file-parts.ts';
import { detectFormat, libraryDecoder, unsupportedFormatError } from './decode.ts';
import { estimateSeconds } from './probe.ts';
import { createResampler, TARGET_RATE, type ResampleQuality, type StreamResampler } from './resample.ts';
import { SampleChecks } from './validate.ts';
import { bytesSource, decodeWavData, parseWavHeader, truncationWarning, type ByteSource } from './wav.ts';

export interface AudioStreamOptions {
  /** Longest audio accepted, in seconds (default 7200 = 2 hours). */
  maxSeconds?: number;
  /** Resampler quality (default 'best'). */
  quality?: ResampleQuality;
  /** Bytes read from the file at a time (default 1 MB). */
  readBytes?: number;
}

export interface AudioStream {
  /** Duration from the headers, when they give one (WAV always). */
  estimatedSeconds: number | undefined;
  /** Exact number of 16 kHz samples chunks() will yield, when the headers say (WAV). */
  expectedSamples: number | undefined;
  /** What the file is, e.g. "WAV" or "M4A/AAC". */
  format: string;
  /** Mono 16 kHz pieces in [-1, 1], in order; the file is closed when this ends or throws. */
  chunks(): AsyncGenerator<Float32Array>;
  /** Warnings (each naming the file); complete once chunks() has ended. */
  warnings(): string[];
}

const DEFAULT_MAX_SECONDS = 2 * 60 * 60;
const HEAD_BYTES = 64 * 1024;

function statFile(path: string): number {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new AudioError(path, 'not a regular file');
    if (stat.size === 0) throw new AudioError(path, 'file is empty (0 bytes)');
    return stat.size;
  } catch (err) {
    if (err instanceof AudioError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new AudioError(path, code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(err)})`);
  }
}

function clampInPlace(samples: Float32Array): Float32Array {
  for (let i = 0; i < samples.length; i++) {
    if (samples[i] > 1) samples[i] = 1;
    else if (samples[i] < -1) samples[i] = -1;
  }
  return samples;
}

/**
 * Opens an audio file for streaming. Errors found from the headers (missing, empty, unknown
 * format, over the length limit) are thrown here, before any decoding; errors in the data come
 * from chunks().
 */
export async function openAudioStream(path: string, opts: AudioStreamOptions = {}): Promise<AudioStream> {
  const size = statFile(path);
  const fd = openSync(path, 'r');
  return openAudioSource(fileSource(fd, size), path, opts, () => closeSync(fd));
}

/**
 * The same over bytes already in memory (a file the app was handed); `name` is used in errors.
 */
export async function openAudioBytes(bytes: Uint8Array, name: string, opts: AudioStreamOptions = {}): Promise<AudioStream> {
  if (bytes.length === 0) throw new AudioError(name, 'file is empty (0 bytes)');
  return openAudioSource(bytesSource(bytes), name, opts, () => undefined);
}

async function openAudioSource(source: ByteSource, path: string, opts: AudioStreamOptions, close: () => void): Promise<AudioStream> {
  const maxSeconds = opts.maxSeconds ?? DEFAULT_MAX_SECONDS;
  if (!(maxSeconds > 0)) throw new RangeError(`openAudioStream: expected maxSeconds > 0, got ${maxSeconds}`);
  const readBytes = opts.readBytes ?? 1 << 20;
  const size = source.size;
  let warnings: string[] = [];
  let estimatedSeconds: number | undefined;
  let expectedSamples: number | undefined;
  let format: string;
  let pieces: () => AsyncGenerator<{ channels: Float32Array[]; sampleRate: number }>;
  try {
    const head = source.read(0, HEAD_BYTES);
    const detected = detectFormat(head);
    if (detected.reader === null) throw unsupportedFormatError(path, detected.lookslike);
    format = detected.label;
    if (detected.reader === 'wav') {
      const layout = parseWavHeader(source, path);
      estimatedSeconds = layout.frames / layout.sampleRate;
      // The resampler's flush makes the output exactly round(frames × 16000 / rate) samples.
      expectedSamples = Math.round(layout.frames * TARGET_RATE / layout.sampleRate);
      if (estimatedSeconds > maxSeconds) throw tooLong(path, estimatedSeconds, maxSeconds, 'from the WAV header');
      if (layout.truncated) warnings.push(truncationWarning(path, layout));
      // Whole frames per read, so every piece decodes on its own.
      const step = Math.max(1, Math.floor(readBytes / layout.blockAlign)) * layout.blockAlign;
      pieces = async function* () {
        for (let at = 0; at < layout.dataBytes; at += step) {
          const data = source.read(layout.dataOffset + at, Math.min(step, layout.dataBytes - at));
          yield { channels: decodeWavData(layout, data), sampleRate: layout.sampleRate };
        }
      };
    } else {
      if (detected.probe) {
        const tail = source.read(Math.max(0, size - HEAD_BYTES), HEAD_BYTES);
        const estimate = estimateSeconds(detected.probe, head, tail, size);
        if (estimate !== null && estimate > maxSeconds) throw tooLong(path, estimate, maxSeconds, 'estimated from its headers');
        estimatedSeconds = estimate ?? undefined;
      }
      const { codec, label } = detected;
      pieces = async function* () {
        let decoder: Awaited<ReturnType<typeof libraryDecoder>> | undefined;
        let produced = false;
        try {
          decoder = await libraryDecoder(codec);
          for (let at = 0; at <= size; at += readBytes) {
            const last = at + readBytes >= size;
            const out = last ? await decoder(source.read(at, readBytes)).then(async (body) => [body, await decoder!()]) : [await decoder(source.read(at, readBytes))];
            for (const piece of out) {
              // Copy at once: a codec may hand out views into wasm memory that the next call reuses.
              if (piece.channelData.length && piece.channelData[0].length) {
                produced = true;
                yield { channels: piece.channelData.map((c) => c.slice()), sampleRate: piece.sampleRate };
              }
            }
            if (last) break;
          }
        } catch (err) {
          if (err instanceof AudioError) throw err;
          throw new AudioError(path, `could not decode ${label} data: ${err instanceof Error ? err.message : String(err)}`);
        }
        if (!produced) throw new AudioError(path, `no audio could be decoded from this ${label} file (corrupt or truncated?)`);
      };
    }
  } catch (err) {
    close();
    throw err;
  }

  const checks = new SampleChecks(path);
  let finished = false;
  return {
    estimatedSeconds,
    expectedSamples,
    format,
    warnings: () => {
      if (!finished) throw new Error('openAudioStream: warnings() is complete only after chunks() has ended');
      return warnings;
    },
    async *chunks() {
      let resampler: StreamResampler | undefined;
      let sourceFrames = 0;
      let rate = 0;
      try {
        for await (const piece of pieces()) {
          if (rate === 0) {
            rate = piece.sampleRate;
            if (!(rate > 0)) throw new AudioError(path, `the decoder reported a sample rate of ${rate}`);
            resampler = await createResampler(rate, TARGET_RATE, opts.quality);
          } else if (piece.sampleRate !== rate) {
            throw new AudioError(path, `the sample rate changes from ${rate} Hz to ${piece.sampleRate} Hz inside the file`);
          }
          checks.add(piece.channels);
          sourceFrames += piece.channels[0].length;
          if (sourceFrames / rate > maxSeconds) throw tooLong(path, sourceFrames / rate, maxSeconds, 'decoded so far');
          const out = resampler!.push(mixToMono(piece.channels));
          if (out.length > 0) yield clampInPlace(out);
        }
        warnings = [...warnings, ...checks.warnings()];
        const tail = resampler?.flush();
        resampler = undefined;
        if (tail && tail.length > 0) yield clampInPlace(tail);
        finished = true;
      } finally {
        if (resampler) resampler.flush(); // frees the converter after an error or an early return
        close();
      }
    },
  };
}
