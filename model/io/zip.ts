/**
 * A small ZIP writer and reader over node:zlib (raw deflate), enough for model folders: files
 * only (no directories entries needed, no encryption, no ZIP64, no multi-disk). Entries are
 * stored deflated, or stored as-is when deflate does not make them smaller. The reader checks
 * every CRC-32 and size and rejects unsafe names (absolute, '..'), so a broken or hostile
 * archive gives a clear error instead of a half-extracted folder.
 *
 * Format: local header + data per file, then the central directory, then the end record
 * (APPNOTE.TXT §4.3). All integers little-endian.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

export interface ZipEntry {
  /** Path inside the archive, '/'-separated. */
  name: string;
  data: Uint8Array;
}

const LOCAL_SIGNATURE = 0x04034b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const END_SIGNATURE = 0x06054b50;
const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;
/** Largest size the classic (non-ZIP64) format can describe. */
const MAX_CLASSIC = 0xffffffff;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as ZIP and gzip use it). */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Rejects names that could escape the extraction folder or that no file system accepts. */
export function checkEntryName(name: string): string {
  if (name === '' || name.length > 500) throw new ZipError(`zip entry name must be 1–500 characters, got ${name.length}`);
  if (name.startsWith('/') || name.includes('\\') || /^[A-Za-z]:/.test(name) || name.includes('\0')) {
    throw new ZipError(`zip entry "${name.slice(0, 80)}" has an absolute or unsafe path`);
  }
  if (name.split('/').some((part) => part === '..')) throw new ZipError(`zip entry "${name.slice(0, 80)}" points outside the archive ('..')`);
  return name;
}

/** Builds a ZIP archive of `entries` (deflated where that helps). */
export function writeZip(entries: readonly ZipEntry[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(checkEntryName(entry.name), 'utf8');
    const crc = crc32(entry.data);
    const deflated = deflateRawSync(entry.data);
    const method = deflated.length < entry.data.length ? METHOD_DEFLATE : METHOD_STORE;
    const body = method === METHOD_DEFLATE ? deflated : Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength);
    if (entry.data.length > MAX_CLASSIC || offset > MAX_CLASSIC) throw new ZipError(`zip: ${entry.name} is too large for a classic zip (over 4 GiB)`);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_SIGNATURE, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // flags: names are UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(0x00210000, 10); // DOS time/date: 1980-01-01 00:00 (reproducible archives)
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_SIGNATURE, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(0x00210000, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42); // local header offset (other fields stay 0)
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_SIGNATURE, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, ...centrals, end]));
}

/** Reads every file of a ZIP archive; throws ZipError naming what is wrong. */
export function readZip(bytes: Uint8Array, limits: { maxEntries?: number; maxTotalBytes?: number } = {}): ZipEntry[] {
  const maxEntries = limits.maxEntries ?? 10_000;
  const maxTotal = limits.maxTotalBytes ?? 2 ** 31;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end record is in the last 22 + 65535 bytes (after it only a comment).
  let endAt = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === END_SIGNATURE) {
      endAt = i;
      break;
    }
  }
  if (endAt < 0) throw new ZipError('not a zip archive (no end-of-central-directory record): the file is damaged or of another type');
  const count = buf.readUInt16LE(endAt + 10);
  const centralSize = buf.readUInt32LE(endAt + 12);
  const centralOffset = buf.readUInt32LE(endAt + 16);
  if (count > maxEntries) throw new ZipError(`zip archive has ${count} entries, more than the limit of ${maxEntries}`);
  if (centralOffset + centralSize > endAt) throw new ZipError('zip archive is truncated (its central directory lies past the end)');
  const entries: ZipEntry[] = [];
  let at = centralOffset;
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > endAt || buf.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw new ZipError(`zip central directory is damaged at entry ${n + 1} of ${count}`);
    const flags = buf.readUInt16LE(at + 8);
    const method = buf.readUInt16LE(at + 10);
    const crc = buf.readUInt32LE(at + 16);
    const compressedSize = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const localOffset = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue; // a directory entry
    checkEntryName(name);
    if (flags & 1) throw new ZipError(`zip entry ${name} is encrypted (not supported)`);
    total += size;
    if (total > maxTotal) throw new ZipError(`zip archive unpacks to more than ${maxTotal} bytes`);
    if (localOffset + 30 > buf.length || buf.readUInt32LE(localOffset) !== LOCAL_SIGNATURE) throw new ZipError(`zip entry ${name}: local header is missing or damaged`);
    const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > buf.length) throw new ZipError(`zip entry ${name} is truncated (${compressedSize} bytes expected past the end of the file)`);
    const body = buf.subarray(dataStart, dataStart + compressedSize);
    let data: Uint8Array;
    if (method === METHOD_STORE) data = new Uint8Array(body);
    else if (method === METHOD_DEFLATE) {
      try {
        data = new Uint8Array(inflateRawSync(body, { maxOutputLength: Math.max(size, 1) }));
      } catch (error) {
        throw new ZipError(`zip entry ${name} cannot be inflated: ${(error as Error).message}`);
      }
    } else throw new ZipError(`zip entry ${name} uses compression method ${method}; only stored (0) and deflate (8) are supported`);
    if (data.length !== size) throw new ZipError(`zip entry ${name} unpacks to ${data.length} bytes, the directory says ${size}`);
    if (crc32(data) !== crc) throw new ZipError(`zip entry ${name} fails its CRC-32 check (the archive is damaged)`);
    entries.push({ name, data });
  }
  return entries;
}
