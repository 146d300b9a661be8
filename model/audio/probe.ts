/**
 * Duration estimates for compressed files from their headers alone (the first and last few KB),
 * so a file over the length limit is refused before it is read and decoded. Each returns null
 * when the headers do not say; the loader then checks the decoded length instead.
 */
import { id3v2Length, isMp3FrameHeader, type AudioFormat } from './decode.ts';

function u32be(b: Uint8Array, at: number): number {
  return ((b[at] << 24) >>> 0) + (b[at + 1] << 16) + (b[at + 2] << 8) + b[at + 3];
}

/** FLAC: STREAMINFO (always the first metadata block) holds the rate and the total sample count. */
function flacSeconds(head: Uint8Array): number | null {
  let at = id3v2Length(head);
  if (at + 8 + 18 > head.length) return null;
  const info = at + 8; // skip "fLaC" and the 4-byte metadata block header
  const rate = (head[info + 10] << 12) | (head[info + 11] << 4) | (head[info + 12] >> 4);
  const totalSamples = (head[info + 13] & 0x0f) * 2 ** 32 + u32be(head, info + 14);
  if (rate === 0 || totalSamples === 0) return null; // 0 means "unknown" (streamed encoders)
  return totalSamples / rate;
}

/** Ogg: the last page's granule position counts samples (at 48 kHz for Opus, the codec rate for Vorbis). */
function oggSeconds(head: Uint8Array, tail: Uint8Array, format: 'ogg-vorbis' | 'ogg-opus'): number | null {
  let rate = 48000;
  if (format === 'ogg-vorbis') {
    const packet = 27 + head[26];
    if (packet + 16 > head.length) return null;
    rate = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(packet + 12, true);
  }
  for (let at = tail.length - 27; at >= 0; at--) {
    if (tail[at] === 0x4f && tail[at + 1] === 0x67 && tail[at + 2] === 0x67 && tail[at + 3] === 0x53 && tail[at + 4] === 0) {
      const granule = new DataView(tail.buffer, tail.byteOffset, tail.byteLength).getBigInt64(at + 6, true);
      if (granule <= 0n || rate === 0) return null;
      return Number(granule) / rate;
    }
  }
  return null;
}

const MP3_BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MP3_BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const MP3_RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/** MP3: frame count from a Xing/Info header when present, else size over the first frame's bitrate (CBR). */
function mp3Seconds(head: Uint8Array, fileSize: number): number | null {
  let at = id3v2Length(head);
  // Skip junk/padding between the tag and the first frame.
  while (at + 4 <= head.length && !isMp3FrameHeader(head, at)) at++;
  if (at + 4 > head.length) return null;
  const version = (head[at + 1] >> 3) & 3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
  const bitrateKbps = (version === 3 ? MP3_BITRATES_V1 : MP3_BITRATES_V2)[head[at + 2] >> 4];
  const rate = MP3_RATES[version][(head[at + 2] >> 2) & 3];
  const mono = (head[at + 3] >> 6) === 3;
  const samplesPerFrame = version === 3 ? 1152 : 576;
  const sideInfo = version === 3 ? (mono ? 17 : 32) : (mono ? 9 : 17);
  const xing = at + 4 + sideInfo;
  const tag = String.fromCharCode(...head.subarray(xing, xing + 4));
  if ((tag === 'Xing' || tag === 'Info') && xing + 12 <= head.length && (head[xing + 7] & 1)) {
    return (u32be(head, xing + 8) * samplesPerFrame) / rate;
  }
  if (bitrateKbps === 0) return null; // "free format"
  return ((fileSize - at) * 8) / (bitrateKbps * 1000);
}

/**
 * Estimated duration in seconds of a compressed file, from its first bytes (`head`, ≥ 4 KB
 * where the file has them), its last bytes (`tail`) and its size; null when unknown.
 */
export function estimateSeconds(format: Exclude<AudioFormat, 'wav'>, head: Uint8Array, tail: Uint8Array, fileSize: number): number | null {
  if (format === 'flac') return flacSeconds(head);
  if (format === 'mp3') return mp3Seconds(head, fileSize);
  return oggSeconds(head, tail, format);
}
