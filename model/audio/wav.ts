/**
 * Our own WAV (RIFF/WAVE) reader and writer. WAV is read here rather than through the decoding
 * library so that every sample format is under test, the header can be checked before a huge
 * file is read, and a truncated file still yields the samples it has.
 *
 * Read: PCM integer 8 (unsigned), 16, 24, 32 bit; IEEE float 32 and 64 bit; both in plain
 * `fmt ` chunks and in WAVE_FORMAT_EXTENSIBLE; any channel count. Integers are scaled by
 * 2^(bits-1) (the convention of sox and libsndfile), so full-scale negative is exactly -1.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { AudioError } from './audio-error.ts';

/** Random access to the bytes of a file or buffer, so the header can be parsed without reading the data. */
export interface ByteSource {
  /** Total length in bytes. */
  size: number;
  /** Up to `length` bytes from `offset` (fewer at the end of the source). */
  read(offset: number, length: number): Uint8Array;
}

/** A ByteSource over bytes already in memory. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
  };
}

/** Where the samples of a WAV file are and how they are encoded. */
export interface WavLayout {
  encoding: 'int' | 'float';
  /** Bytes per sample of one channel (container size; 12-bit audio in 16-bit containers reads as 16-bit). */
  bytesPerSample: number;
  channels: number;
  sampleRate: number;
  /** Bytes per frame (all channels of one instant). */
  blockAlign: number;
  /** Offset of the first sample byte. */
  dataOffset: number;
  /** Sample bytes present in the file, rounded down to whole frames. */
  dataBytes: number;
  /** Whole frames present. */
  frames: number;
  /** The data chunk declares more bytes than the file has. */
  truncated: boolean;
  /** Size the data chunk declares (0xFFFFFFFF means "unknown", written by some streaming recorders). */
  declaredDataBytes: number;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Tail shared by every KSDATAFORMAT_SUBTYPE GUID; the first two bytes carry the format tag. */
const KSDATAFORMAT_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
const FORMAT_NAMES: Record<number, string> = {
  2: 'Microsoft ADPCM', 6: 'A-law', 7: 'mu-law', 0x11: 'IMA ADPCM', 0x31: 'GSM 6.10', 0x55: 'MPEG layer 3',
};

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Walks the RIFF chunks up to `data` and checks the format. Reads only the chunk headers and
 * the `fmt ` chunk, never the samples. Throws AudioError for anything it cannot decode.
 */
export function parseWavHeader(src: ByteSource, name: string): WavLayout {
  const head = src.read(0, 12);
  if (head.length < 12) throw new AudioError(name, `WAV file too short for a RIFF header (${src.size} bytes)`);
  const riff = fourcc(head, 0);
  if (riff === 'RF64') throw new AudioError(name, 'RF64 (WAV larger than 4 GB) is not supported; expected a RIFF WAV');
  if (riff === 'RIFX') throw new AudioError(name, 'big-endian RIFX WAV is not supported; expected little-endian RIFF');
  if (riff !== 'RIFF' || fourcc(head, 8) !== 'WAVE') {
    throw new AudioError(name, `not a WAV file (expected "RIFF....WAVE", found "${riff}....${fourcc(head, 8)}")`);
  }
  let fmt: Omit<WavLayout, 'dataOffset' | 'dataBytes' | 'frames' | 'truncated' | 'declaredDataBytes'> | null = null;
  let offset = 12;
  while (offset + 8 <= src.size) {
    const chunkHead = src.read(offset, 8);
    const id = fourcc(chunkHead, 0);
    const size = view(chunkHead).getUint32(4, true);
    const bodyStart = offset + 8;
    if (id === 'fmt ') {
      fmt = parseFmt(src.read(bodyStart, Math.min(size, 1024)), name);
    } else if (id === 'data') {
      if (!fmt) throw new AudioError(name, 'WAV "data" chunk comes before any "fmt " chunk; cannot tell the sample format');
      const available = src.size - bodyStart;
      const unknownSize = size === 0xffffffff;
      const truncated = !unknownSize && size > available;
      const present = unknownSize ? available : Math.min(size, available);
      const frames = Math.floor(present / fmt.blockAlign);
      return { ...fmt, dataOffset: bodyStart, dataBytes: frames * fmt.blockAlign, frames, truncated, declaredDataBytes: size };
    }
    // Chunks are padded to an even length.
    offset = bodyStart + size + (size & 1);
  }
  if (!fmt) throw new AudioError(name, 'WAV file has no "fmt " chunk (truncated or not really WAV)');
  throw new AudioError(name, 'WAV file has no "data" chunk (truncated or not really WAV)');
}

function parseFmt(body: Uint8Array, name: string) {
  if (body.length < 16) throw new AudioError(name, `WAV "fmt " chunk is ${body.length} bytes; expected at least 16`);
  const dv = view(body);
  let formatTag = dv.getUint16(0, true);
  const channels = dv.getUint16(2, true);
  const sampleRate = dv.getUint32(4, true);
  const blockAlign = dv.getUint16(12, true);
  const bitsPerSample = dv.getUint16(14, true);
  if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    if (body.length < 40) throw new AudioError(name, `WAVE_FORMAT_EXTENSIBLE "fmt " chunk is ${body.length} bytes; expected 40`);
    const guidTail = Array.from(body.subarray(26, 40));
    if (guidTail.some((b, i) => b !== KSDATAFORMAT_GUID_TAIL[i])) {
      throw new AudioError(name, 'WAVE_FORMAT_EXTENSIBLE with an unknown SubFormat GUID; expected PCM or IEEE float');
    }
    formatTag = dv.getUint16(24, true);
  }
  if (formatTag !== WAVE_FORMAT_PCM && formatTag !== WAVE_FORMAT_IEEE_FLOAT) {
    const known = FORMAT_NAMES[formatTag] ? ` (${FORMAT_NAMES[formatTag]})` : '';
    throw new AudioError(name, `unsupported WAV encoding: format tag ${formatTag}${known}; expected PCM integer (1) or IEEE float (3)`);
  }
  if (channels < 1) throw new AudioError(name, 'WAV header says 0 channels; expected at least 1');
  if (sampleRate < 1) throw new AudioError(name, 'WAV header says a sample rate of 0 Hz');
  const bytesPerSample = blockAlign / channels;
  const encoding = formatTag === WAVE_FORMAT_PCM ? 'int' : 'float';
  const allowed = encoding === 'int' ? [1, 2, 3, 4] : [4, 8];
  if (!Number.isInteger(bytesPerSample) || !allowed.includes(bytesPerSample) || Math.ceil(bitsPerSample / 8) > bytesPerSample) {
    throw new AudioError(name, `unsupported WAV sample layout: ${bitsPerSample}-bit ${encoding === 'int' ? 'PCM' : 'float'}, ` +
      `${channels} channel(s), block align ${blockAlign}; expected 8/16/24/32-bit PCM or 32/64-bit float`);
  }
  return { encoding, bytesPerSample, channels, sampleRate, blockAlign } as const;
}

/**
 * Converts interleaved sample bytes (whole frames) to one Float32Array per channel.
 * Integers map to [-1, 1); floats are copied as they are (they may hold NaN or exceed 1; the
 * validator decides what to do with that).
 */
export function decodeWavData(layout: WavLayout, data: Uint8Array): Float32Array[] {
  const { channels: channelCount, bytesPerSample, blockAlign, encoding } = layout;
  const frames = Math.floor(data.length / blockAlign);
  const channels = Array.from({ length: channelCount }, () => new Float32Array(frames));
  const dv = view(data);
  for (let ch = 0; ch < channelCount; ch++) {
    const out = channels[ch];
    let at = ch * bytesPerSample;
    if (encoding === 'float') {
      if (bytesPerSample === 4) for (let i = 0; i < frames; i++, at += blockAlign) out[i] = dv.getFloat32(at, true);
      else for (let i = 0; i < frames; i++, at += blockAlign) out[i] = dv.getFloat64(at, true);
    } else if (bytesPerSample === 1) {
      // 8-bit WAV is unsigned with 128 as zero.
      for (let i = 0; i < frames; i++, at += blockAlign) out[i] = (data[at] - 128) / 128;
    } else if (bytesPerSample === 2) {
      for (let i = 0; i < frames; i++, at += blockAlign) out[i] = dv.getInt16(at, true) / 32768;
    } else if (bytesPerSample === 3) {
      for (let i = 0; i < frames; i++, at += blockAlign) {
        // Assemble the 24-bit value in the top of an int32 so the sign comes along, then scale.
        const word = (data[at] << 8) | (data[at + 1] << 16) | (data[at + 2] << 24);
        out[i] = word / 2147483648;
      }
    } else {
      for (let i = 0; i < frames; i++, at += blockAlign) out[i] = dv.getInt32(at, true) / 2147483648;
    }
  }
  return channels;
}

/** Warning text for a WAV whose data chunk is shorter than its header says. */
export function truncationWarning(name: string, layout: WavLayout): string {
  return `${name}: truncated WAV: data chunk declares ${layout.declaredDataBytes} bytes but only ` +
    `${layout.dataBytes} (whole frames) are present; decoded those ${layout.frames} frames`;
}

/** Decodes a whole WAV file held in memory. */
export function decodeWavBytes(bytes: Uint8Array, name: string): { channels: Float32Array[]; sampleRate: number; warnings: string[] } {
  const layout = parseWavHeader(bytesSource(bytes), name);
  const warnings = layout.truncated ? [truncationWarning(name, layout)] : [];
  const channels = decodeWavData(layout, bytes.subarray(layout.dataOffset, layout.dataOffset + layout.dataBytes));
  return { channels, sampleRate: layout.sampleRate, warnings };
}

/** Sample formats the writer produces. */
export type WavBitDepth = 8 | 16 | 24 | 32;

/**
 * Encodes channels (equal lengths) as a WAV file. Integer PCM by default; `float: true` writes
 * 32-bit IEEE float (bitDepth must then be 32). Integer samples are clamped to full scale and
 * rounded: value * 2^(bits-1), the reader's inverse.
 */
export function encodeWav(channels: Float32Array[], sampleRate: number, bitDepth: WavBitDepth = 16, opts: { float?: boolean } = {}): Uint8Array {
  const float = opts.float ?? false;
  if (channels.length < 1) throw new Error('encodeWav: expected at least one channel, got 0');
  if (!Number.isInteger(sampleRate) || sampleRate < 1) throw new Error(`encodeWav: expected a positive integer sample rate, got ${sampleRate}`);
  if (![8, 16, 24, 32].includes(bitDepth)) throw new Error(`encodeWav: expected bit depth 8, 16, 24 or 32, got ${bitDepth}`);
  if (float && bitDepth !== 32) throw new Error(`encodeWav: float WAV must be 32-bit, got ${bitDepth}`);
  const frames = channels[0].length;
  if (channels.some((c) => c.length !== frames)) throw new Error('encodeWav: channels have different lengths');
  const bytesPerSample = bitDepth / 8;
  const blockAlign = bytesPerSample * channels.length;
  const dataBytes = frames * blockAlign;
  const pad = dataBytes & 1;
  const out = new Uint8Array(44 + dataBytes + pad);
  const dv = view(out);
  const ascii = (at: number, s: string) => { for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i); };
  ascii(0, 'RIFF'); dv.setUint32(4, 36 + dataBytes + pad, true); ascii(8, 'WAVE');
  ascii(12, 'fmt '); dv.setUint32(16, 16, true);
  dv.setUint16(20, float ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM, true);
  dv.setUint16(22, channels.length, true);
  dv.setUint32(24, sampleRate, true);
  dv.setUint32(28, sampleRate * blockAlign, true);
  dv.setUint16(32, blockAlign, true);
  dv.setUint16(34, bitDepth, true);
  ascii(36, 'data'); dv.setUint32(40, dataBytes, true);
  const fullScale = 2 ** (bitDepth - 1);
  for (let ch = 0; ch < channels.length; ch++) {
    const samples = channels[ch];
    let at = 44 + ch * bytesPerSample;
    for (let i = 0; i < frames; i++, at += blockAlign) {
      const x = samples[i];
      if (float) { dv.setFloat32(at, x, true); continue; }
      const q = Math.max(-fullScale, Math.min(fullScale - 1, Math.round(x * fullScale)));
      if (bitDepth === 8) out[at] = q + 128;
      else if (bitDepth === 16) dv.setInt16(at, q, true);
      else if (bitDepth === 24) { out[at] = q & 0xff; out[at + 1] = (q >> 8) & 0xff; out[at + 2] = (q >> 16) & 0xff; }
      else dv.setInt32(at, q, true);
    }
  }
  return out;
}

/**
 * Writes mono samples as an integer PCM WAV, atomically: the bytes go to a temporary file in the
 * same folder, are flushed to disk, then renamed over `path`, so a reader (or a crash) never sees
 * a half-written recording. Throws AudioError if a sample is NaN or infinite.
 */
export function writeWav(path: string, samples: Float32Array, sampleRate: number, bitDepth: WavBitDepth = 16): void {
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i])) {
      throw new AudioError(path, `cannot write WAV: sample ${i} is ${samples[i]}; expected finite values in [-1, 1]`);
    }
  }
  const bytes = encodeWav([samples], sampleRate, bitDepth);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | null = openSync(tmp, 'w');
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== null) closeSync(fd);
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw err;
  }
}
