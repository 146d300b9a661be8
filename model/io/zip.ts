/**
 * Model folders as ZIP archives, through yazl (writing) and yauzl (reading). What we add on top
 * is the policy for archives that come from elsewhere: a cap on entries and on the unpacked size
 * (each entry's declared size is counted before it is inflated, and yauzl stops an entry
 * that inflates past its declared size), names that cannot escape the extraction folder, and a
 * CRC-32 check of every entry (node:zlib's crc32; yauzl leaves that to its caller), so a broken or hostile archive
 * gives a clear error instead of a half-extracted folder.
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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

/** An entry that passed the archive-level checks (name, encryption, method, the running size limit). */
interface CheckedEntry {
  entry: yauzl.Entry;
  name: string;
}

/**
 * Opens the archive and hands each file entry, checked, to `visit` in order; throws ZipError naming
 * what is wrong. Directory entries are skipped. The archive is closed however it ends.
 */
async function walkZip(bytes: Uint8Array, limits: ZipLimits, visit: (checked: CheckedEntry, zip: yauzl.ZipFile) => Promise<void>): Promise<void> {
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
      await visit({ entry, name }, zip);
    }
  } finally {
    zip.close();
  }
}

/** Reads every file of a ZIP archive; throws ZipError naming what is wrong. */
export async function readZip(bytes: Uint8Array, limits: ZipLimits = {}): Promise<ZipEntry[]> {
  const entries: ZipEntry[] = [];
  await walkZip(bytes, limits, async ({ entry, name }, zip) => {
    const chunks: Buffer[] = [];
    await pumpEntry(zip, entry, (chunk) => {
      chunks.push(chunk);
    });
    const data = Buffer.concat(chunks);
    entries.push({ name, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
  });
  return entries;
}

/** What a ZIP holds, from its directory alone (nothing inflated): each file's name and size. */
export async function listZip(bytes: Uint8Array, limits: ZipLimits = {}): Promise<{ name: string; size: number }[]> {
  const listing: { name: string; size: number }[] = [];
  await walkZip(bytes, limits, async ({ entry, name }) => {
    listing.push({ name, size: entry.uncompressedSize });
  });
  return listing;
}

export interface ExtractOptions extends ZipLimits {
  /** Where an entry goes, relative to the folder ('/'-separated), or null to leave it out. */
  target: (name: string) => string | null;
  /** Called after each piece written, with the bytes written so far in all. */
  onProgress?: (bytes: number) => void;
}

/**
 * Unpacks a ZIP archive into `dir` as a stream: each entry is inflated (zlib, off the main thread)
 * and written a chunk at a time, its CRC-32 computed as it goes, and each file is fsynced. Unlike
 * readZip, no entry is ever held whole in memory and no step blocks the event loop for longer than
 * one chunk: an archive of a gigabyte unpacks while the app stays responsive. Throws ZipError
 * naming the entry and the problem; what was written so far stays for the caller to remove.
 */
export async function extractZip(bytes: Uint8Array, dir: string, options: ExtractOptions): Promise<void> {
  let written = 0;
  await walkZip(bytes, options, async ({ entry, name }, zip) => {
    const relative = options.target(name);
    if (relative === null) return;
    const path = join(dir, ...checkEntryName(relative).split('/'));
    await mkdir(dirname(path), { recursive: true });
    let file: Awaited<ReturnType<typeof open>>;
    try {
      file = await open(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new ZipError(`zip entry ${name} appears more than once`);
      throw error;
    }
    try {
      await pumpEntry(zip, entry, async (chunk) => {
        for (let at = 0; at < chunk.length; ) at += (await file.write(chunk, at, chunk.length - at)).bytesWritten;
        written += chunk.length;
        options.onProgress?.(written);
      });
      await file.sync();
    } finally {
      await file.close();
    }
  });
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

/**
 * Streams an entry's inflated bytes to `onChunk` (awaited: back-pressure) and checks its CRC-32
 * at the end (node:zlib's crc32, carried from chunk to chunk); yauzl fails an entry that does not
 * inflate to its declared size.
 */
async function pumpEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, onChunk: (chunk: Buffer) => void | Promise<void>): Promise<void> {
  const name = entry.fileName;
  let crc = 0;
  let consumerError: unknown = null;
  try {
    const stream = await zip.openReadStreamPromise(entry);
    for await (const chunk of stream) {
      crc = crc32(chunk as Buffer, crc);
      try {
        await onChunk(chunk as Buffer);
      } catch (error) {
        consumerError = error; // e.g. a full disk: the consumer's own error, not the archive's
        throw error;
      }
    }
  } catch (error) {
    if (consumerError !== null) throw consumerError;
    throw new ZipError(`zip entry ${name} cannot be read: ${(error as Error).message}`);
  }
  if (crc !== entry.crc32) throw new ZipError(`zip entry ${name} fails its CRC-32 check (the archive is damaged)`);
}
