/**
 * Model folders as ZIP archives, through yazl (writing) and yauzl (reading). What we add on top
 * is the policy for archives that come from elsewhere: a cap on entries and on the unpacked size
 * (each entry's declared size is counted before it is inflated, and yauzl stops an entry
 * that inflates past its declared size), names that cannot escape the extraction folder, and a
 * CRC-32 check of every entry (node:zlib's crc32; yauzl leaves that to its caller), so a broken or hostile archive
 * gives a clear error instead of a half-extracted folder.
 */
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import yazl from 'yazl';

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

/** Rejects names that could escape the extraction folder or that no file system accepts. */
export function checkEntryName(name: string): string {
  if (name === '' || name.length > 500) throw new ZipError(`zip entry name must be 1–500 characters, got ${name.length}`);
  if (name.startsWith('/') || name.includes('\\') || /^[A-Za-z]:/.test(name) || name.includes('\0')) {
    throw new ZipError(`zip entry "${name.slice(0, 80)}" has an absolute or unsafe path`);
  }
  if (name.split('/').some((part) => part === '..')) throw new ZipError(`zip entry "${name.slice(0, 80)}" points outside the archive ('..')`);
  return name;
}

/** Fixed entry times (1980-01-01, the earliest a ZIP can hold): the same folder gives the same bytes. */
const EPOCH = new Date(1980, 0, 1);

/** Builds a ZIP archive of `entries` (deflated). */
export async function writeZip(entries: readonly ZipEntry[]): Promise<Uint8Array> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) {
    zip.addBuffer(Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength), checkEntryName(entry.name), { mtime: EPOCH, mode: 0o100644 });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

export interface ZipLimits {
  /** Default 10,000. */
  maxEntries?: number;
  /** Unpacked bytes in all; default 2 GiB. */
  maxTotalBytes?: number;
}

/** Reads every file of a ZIP archive; throws ZipError naming what is wrong. */
export async function readZip(bytes: Uint8Array, limits: ZipLimits = {}): Promise<ZipEntry[]> {
  const maxEntries = limits.maxEntries ?? 10_000;
  const maxTotal = limits.maxTotalBytes ?? 2 ** 31;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let zip: yauzl.ZipFile;
  try {
    // strictFileNames: a '\\' in a name is an error, not a separator; names are checked again below.
    zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true });
  } catch (error) {
    throw new ZipError(`not a zip archive, or a damaged one: ${(error as Error).message}`);
  }
  if (zip.entryCount > maxEntries) {
    zip.close();
    throw new ZipError(`zip archive has ${zip.entryCount} entries, more than the limit of ${maxEntries}`);
  }
  const entries: ZipEntry[] = [];
  let total = 0;
  try {
    for (let entry = await nextEntry(zip); entry; entry = await nextEntry(zip)) {
      const name = entry.fileName;
      if (name.endsWith('/')) continue; // a directory entry
      checkEntryName(name);
      if (entry.isEncrypted()) throw new ZipError(`zip entry ${name} is encrypted (not supported)`);
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        throw new ZipError(`zip entry ${name} uses compression method ${entry.compressionMethod}; only stored (0) and deflate (8) are supported`);
      }
      total += entry.uncompressedSize;
      if (total > maxTotal) throw new ZipError(`zip archive unpacks to more than ${maxTotal} bytes`);
      const data = await readEntry(zip, entry);
      if (crc32(data) !== entry.crc32) throw new ZipError(`zip entry ${name} fails its CRC-32 check (the archive is damaged)`);
      entries.push({ name, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    }
  } finally {
    zip.close();
  }
  return entries;
}

/** The next entry of a lazyEntries ZipFile, or null at the end. */
function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.removeListener('entry', onEntry);
      zip.removeListener('end', onEnd);
      zip.removeListener('error', onError);
    };
    const onEntry = (entry: yauzl.Entry) => (cleanup(), resolve(entry));
    const onEnd = () => (cleanup(), resolve(null));
    const onError = (error: Error) => (cleanup(), reject(entryError(error)));
    zip.once('entry', onEntry);
    zip.once('end', onEnd);
    zip.once('error', onError);
    zip.readEntry();
  });
}

/** yauzl's refusals in our words: its name checks are the zip-slip guard for foreign archives. */
function entryError(error: Error): ZipError {
  const unsafe = /^(invalid relative path|absolute path|invalid characters in fileName): (.*)$/s.exec(error.message);
  if (!unsafe) return new ZipError(`zip archive is damaged: ${error.message}`);
  const name = unsafe[2].slice(0, 80);
  return new ZipError(unsafe[1] === 'invalid relative path' ? `zip entry "${name}" points outside the archive ('..')` : `zip entry "${name}" has an absolute or unsafe path`);
}

/** An entry's bytes, inflated; yauzl fails it when they do not match the declared size. */
async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  const name = entry.fileName;
  try {
    const stream = await zip.openReadStreamPromise(entry);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } catch (error) {
    throw new ZipError(`zip entry ${name} cannot be read: ${(error as Error).message}`);
  }
}
