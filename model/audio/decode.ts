/**
 * Format detection and decoding of whole files held in memory. WAV goes through our own reader
 * (wav.ts: truncation, odd layouts and huge files handled our way); everything else is detected
 * by `audio-type` and decoded by `audio-decode`, which reads M4A/AAC, WebM, Ogg Vorbis/Opus,
 * FLAC, MP3, AIFF, CAF, AMR, WMA and more. Only bytes neither recognises are refused, with an
 * AudioError that says what the bytes look like.
 */
import decode from 'audio-decode';
import audioType from 'audio-type';
import { AudioError } from './audio-error.ts';
import { decodeWavBytes } from './wav.ts';

/** Container/codec families we decode. */
export type AudioFormat = 'wav' | 'flac' | 'mp3' | 'ogg-vorbis' | 'ogg-opus';

/** Result of sniffing: a format we decode, or a description of what the bytes seem to be. */
export type SniffResult = { format: AudioFormat } | { format: null; lookslike: string };

export const EXPECTED_FORMATS = 'expected audio such as WAV, FLAC, MP3, Ogg, Opus, M4A/AAC, WebM, AIFF, CAF, AMR or WMA';

function ascii(bytes: Uint8Array, at: number, length: number): string {
  let s = '';
  for (let i = at; i < at + length && i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** Length of an ID3v2 tag at the start of the bytes (0 if none); its size field is "syncsafe" (7 bits a byte). */
export function id3v2Length(bytes: Uint8Array): number {
  if (bytes.length < 10 || ascii(bytes, 0, 3) !== 'ID3') return 0;
  const size = (bytes[6] << 21) | (bytes[7] << 14) | (bytes[8] << 7) | bytes[9];
  const footer = bytes[5] & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

/** True if a plausible MPEG audio layer III frame header starts at `at`. */
export function isMp3FrameHeader(bytes: Uint8Array, at: number): boolean {
  if (at + 4 > bytes.length) return false;
  const b1 = bytes[at + 1];
  const b2 = bytes[at + 2];
  const version = (b1 >> 3) & 3; // 1 is reserved
  const layer = (b1 >> 1) & 3; // 1 = layer III
  const bitrateIndex = b2 >> 4; // 15 is invalid
  const rateIndex = (b2 >> 2) & 3; // 3 is reserved
  return bytes[at] === 0xff && (b1 & 0xe0) === 0xe0 && version !== 1 && layer === 1 && bitrateIndex !== 15 && rateIndex !== 3;
}

/**
 * Identifies the format from the first bytes of a file (a few KB are enough; an ID3 tag in
 * front of MP3 data is skipped when the bytes reach past it).
 */
export function sniffFormat(bytes: Uint8Array): SniffResult {
  const magic = ascii(bytes, 0, 4);
  if ((magic === 'RIFF' || magic === 'RF64' || magic === 'RIFX') && ascii(bytes, 8, 4) === 'WAVE') return { format: 'wav' };
  if (magic === 'fLaC') return { format: 'flac' };
  if (magic === 'OggS') {
    // The first page carries the codec's identification packet right after the segment table.
    const packet = 27 + (bytes[26] ?? 0);
    if (ascii(bytes, packet, 7) === '\x01vorbis') return { format: 'ogg-vorbis' };
    if (ascii(bytes, packet, 8) === 'OpusHead') return { format: 'ogg-opus' };
    if (ascii(bytes, packet, 5) === '\x7fFLAC') return { format: null, lookslike: 'FLAC inside Ogg' };
    if (ascii(bytes, packet, 8) === 'Speex   ') return { format: null, lookslike: 'Speex inside Ogg' };
    return { format: null, lookslike: 'Ogg with an unknown codec' };
  }
  const id3 = id3v2Length(bytes);
  if (id3 > 0) {
    if (id3 + 4 <= bytes.length && ascii(bytes, id3, 4) === 'fLaC') return { format: 'flac' };
    // Trust the tag: an ID3v2 tag is (almost) always in front of MP3 data.
    return { format: 'mp3' };
  }
  if (isMp3FrameHeader(bytes, 0)) return { format: 'mp3' };
  return { format: null, lookslike: describeUnknown(bytes) };
}

function describeUnknown(bytes: Uint8Array): string {
  const magic = ascii(bytes, 0, 4);
  if (bytes.length === 0) return 'an empty file';
  if (magic === 'FORM' && /^AIF[FC]$/.test(ascii(bytes, 8, 4))) return 'AIFF';
  if (magic === 'RIFF') return `RIFF "${ascii(bytes, 8, 4)}" (not WAVE)`;
  if (ascii(bytes, 4, 4) === 'ftyp') return 'MP4/M4A (AAC)';
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return 'WebM/Matroska';
  if (magic === 'caff') return 'CAF';
  if (ascii(bytes, 0, 5) === '#!AMR') return 'AMR';
  if (bytes[0] === 0xff && (bytes[1] & 0xf6) === 0xf0) return 'AAC (ADTS)';
  if (bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0) return 'MPEG audio other than layer III';
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `unrecognised data (starts with ${head})`;
}

/** The error for bytes we do not decode. */
export function unsupportedFormatError(name: string, lookslike: string): AudioError {
  return new AudioError(name, `unsupported audio format: looks like ${lookslike} (${EXPECTED_FORMATS})`);
}

/** audio-decode's codec names (see its StreamDecoder registry). */
export type LibraryCodec = keyof typeof LIBRARY_LABEL;

/** Every codec audio-decode registers, with the name users know it by. */
const LIBRARY_LABEL = {
  mp3: 'MP3', flac: 'FLAC', opus: 'Ogg Opus', oga: 'Ogg Vorbis', m4a: 'M4A/AAC', mp4: 'MP4 audio', mov: 'QuickTime audio',
  aac: 'AAC (ADTS)', aiff: 'AIFF', caf: 'CAF', webm: 'WebM', mkv: 'Matroska audio', avi: 'AVI audio', amr: 'AMR', wma: 'WMA',
  qoa: 'QOA', ac3: 'AC-3', eac3: 'E-AC-3', dts: 'DTS', wv: 'WavPack', tta: 'TTA', ape: "Monkey's Audio", mpc: 'Musepack',
  dsf: 'DSD (DSF)', dff: 'DSD (DFF)',
} as const;

/** How to read a file: our WAV reader, or one of audio-decode's codecs. */
export type DetectedFormat =
  | { reader: 'wav'; label: 'WAV' }
  | { reader: 'library'; codec: LibraryCodec; label: string; probe?: Exclude<AudioFormat, 'wav'> };

/**
 * What the first bytes of a file are (64 KB is plenty): WAV for our reader, else the codec
 * audio-type names, when audio-decode has a decoder for it; null with a description otherwise.
 * `probe` is set for the formats whose duration probe.ts can estimate from the headers.
 */
export function detectFormat(head: Uint8Array): DetectedFormat | { reader: null; lookslike: string } {
  const sniffed = sniffFormat(head);
  if (sniffed.format === 'wav') return { reader: 'wav', label: 'WAV' };
  if (sniffed.format !== null) {
    const codec = LIBRARY_CODEC[sniffed.format];
    return { reader: 'library', codec, label: FORMAT_LABEL[sniffed.format], probe: sniffed.format };
  }
  // audio-type reads `bytes.buffer` from its start: hand it a copy that owns its buffer (a Node
  // Buffer is often a view into a shared 8 KB pool).
  const type = audioType(ownBuffer(head));
  if (type && type in LIBRARY_LABEL) return { reader: 'library', codec: type as LibraryCodec, label: LIBRARY_LABEL[type as LibraryCodec] };
  return { reader: null, lookslike: type ? `${type} (which the decoder does not read)` : sniffed.lookslike };
}

const LIBRARY_CODEC = { flac: 'flac', mp3: 'mp3', 'ogg-vorbis': 'oga', 'ogg-opus': 'opus' } as const;
const FORMAT_LABEL: Record<AudioFormat, string> = { wav: 'WAV', flac: 'FLAC', mp3: 'MP3', 'ogg-vorbis': 'Ogg Vorbis', 'ogg-opus': 'Ogg Opus' };

/** The bytes in an array that starts at offset 0 of its own buffer (a copy only when needed). */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : Uint8Array.prototype.slice.call(bytes);
}

/** A fresh streaming decoder for a codec (feed chunks, then call with no argument to flush and free). */
export async function libraryDecoder(codec: LibraryCodec): Promise<(chunk?: Uint8Array) => Promise<{ channelData: Float32Array[]; sampleRate: number }>> {
  const make = (decode as unknown as Record<string, () => Promise<(chunk?: Uint8Array) => Promise<{ channelData: Float32Array[]; sampleRate: number }>>>)[codec];
  if (typeof make !== 'function') throw new Error(`audio-decode has no decoder named ${codec}`);
  const decoder = await make();
  // Some codecs read `chunk.buffer` from its start: every chunk goes in as an array owning its buffer.
  return (chunk?: Uint8Array) => decoder(chunk ? ownBuffer(chunk) : undefined);
}

/** Decoded audio at its own rate, one array per channel. */
export interface DecodedAudio {
  channels: Float32Array[];
  sampleRate: number;
  warnings: string[];
}

/**
 * Decodes a whole file's bytes to per-channel float samples at the source rate. Throws
 * AudioError for empty input, unrecognised formats and undecodable data. Does not validate the
 * samples (see validate.ts) or resample.
 */
export async function decodeAudioBytes(bytes: Uint8Array, name: string): Promise<DecodedAudio> {
  if (bytes.length === 0) throw new AudioError(name, 'file is empty (0 bytes)');
  const detected = detectFormat(bytes.subarray(0, 64 * 1024));
  if (detected.reader === null) throw unsupportedFormatError(name, detected.lookslike);
  if (detected.reader === 'wav') return decodeWavBytes(bytes, name);
  return decodeWithLibrary(bytes, name, detected.codec, detected.label);
}

async function decodeWithLibrary(bytes: Uint8Array, name: string, codec: LibraryCodec, label: string): Promise<DecodedAudio> {
  const pieces: Float32Array[][] = [];
  let sampleRate = 0;
  try {
    const decoder = await libraryDecoder(codec);
    // Copy each piece at once: a codec may hand out views into wasm memory that the next call reuses.
    const body = await decoder(bytes);
    if (body.channelData.length) { pieces.push(body.channelData.map((c) => c.slice())); sampleRate = body.sampleRate; }
    const tail = await decoder(); // flushes and frees
    if (tail.channelData.length) { pieces.push(tail.channelData.map((c) => c.slice())); sampleRate ||= tail.sampleRate; }
  } catch (err) {
    throw new AudioError(name, `could not decode ${label} data: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (pieces.length === 0 || !(sampleRate > 0) || pieces.every((p) => p[0].length === 0)) {
    throw new AudioError(name, `no audio could be decoded from this ${label} file (corrupt or truncated?)`);
  }
  return { channels: joinPieces(pieces), sampleRate, warnings: [] };
}

/** Joins decoded pieces per channel (a piece with fewer channels repeats its own). */
export function joinPieces(pieces: Float32Array[][]): Float32Array[] {
  const channelCount = Math.max(...pieces.map((p) => p.length));
  const frames = pieces.reduce((n, p) => n + p[0].length, 0);
  return Array.from({ length: channelCount }, (_, ch) => {
    const out = new Float32Array(frames);
    let at = 0;
    for (const piece of pieces) { out.set(piece[ch % piece.length], at); at += piece[0].length; }
    return out;
  });
}
