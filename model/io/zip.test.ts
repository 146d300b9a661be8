import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractZip, listZip, readZip, writeZip, ZipError } from './zip.ts';

const text = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const rejectsWith = (pattern: RegExp) => (e: unknown) => e instanceof ZipError && pattern.test((e as Error).message);

/** Offset of every central-directory record (signature PK\1\2) in an archive. */
function centralRecords(zip: Uint8Array): number[] {
  const buf = Buffer.from(zip);
  const found: number[] = [];
  for (let i = 0; i + 4 <= buf.length; i++) if (buf.readUInt32LE(i) === 0x02014b50) found.push(i);
  return found;
}

test('round trip: compressible and incompressible entries, UTF-8 names, binary data, an empty file', async () => {
  const random = new Uint8Array(5000);
  for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
  const entries = [
    { name: 'meta.json', data: text(JSON.stringify({ a: 'b'.repeat(2000) })) }, // compressible
    { name: 'weights.bin', data: random },
    { name: 'sub/ünïcode.txt', data: text('héllo') },
    { name: 'empty', data: new Uint8Array(0) },
  ];
  const zip = await writeZip(entries);
  assert.ok(zip.length < 2000 + 5000, 'the compressible entry was deflated');
  const back = await readZip(zip);
  assert.deepEqual(back.map((e) => e.name), entries.map((e) => e.name));
  back.forEach((e, i) => assert.deepEqual(e.data, entries[i].data));
  assert.deepEqual(await writeZip(entries), zip, 'the same entries give the same bytes');
});

test('the archive is a real zip: the system unzip lists and extracts it (when installed)', async (t) => {
  let hasUnzip = true;
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
  } catch {
    hasUnzip = false;
  }
  if (!hasUnzip) return t.skip('no unzip on this machine');
  const dir = mkdtempSync(join(tmpdir(), 'zip-test-'));
  writeFileSync(join(dir, 'a.zip'), await writeZip([{ name: 'x/y.txt', data: text('hello '.repeat(100)) }]));
  execFileSync('unzip', ['-q', join(dir, 'a.zip'), '-d', join(dir, 'out')]);
  assert.equal(readFileSync(join(dir, 'out', 'x', 'y.txt'), 'utf8'), 'hello '.repeat(100));
});

test('broken archives give clear errors', async () => {
  const zip = await writeZip([{ name: 'meta.json', data: text('{"format":"cellscribe-model"}'.repeat(20)) }]);
  await assert.rejects(readZip(text('this is not a zip')), rejectsWith(/not a zip archive/));
  await assert.rejects(readZip(zip.subarray(0, zip.length - 30)), ZipError);
  const corrupted = zip.slice();
  corrupted[40] ^= 0xff; // inside the deflated data
  await assert.rejects(readZip(corrupted), rejectsWith(/meta\.json/));
  await assert.rejects(writeZip([{ name: '../evil', data: text('x') }]), /outside the archive/);
  await assert.rejects(writeZip([{ name: '/etc/passwd', data: text('x') }]), /absolute/);
});

test('an entry whose checksum disagrees with its data is refused by the CRC-32 check', async () => {
  // The directory's CRC is flipped: the data inflates cleanly to its declared size, so nothing but
  // the CRC-32 check (which yauzl leaves to us) can notice.
  const zip = Buffer.from(await writeZip([{ name: 'a.txt', data: text('payload-payload') }]));
  const [central] = centralRecords(zip);
  assert.ok(central > 0);
  zip.writeUInt32LE((zip.readUInt32LE(central + 16) ^ 1) >>> 0, central + 16);
  await assert.rejects(readZip(new Uint8Array(zip)), rejectsWith(/a\.txt fails its CRC-32 check/));
});

test('size guards: too many entries, too many bytes in all, and an entry that inflates past its declared size', async () => {
  const entries = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.txt`, data: text('x'.repeat(1000)) }));
  const zip = await writeZip(entries);
  await assert.rejects(readZip(zip, { maxEntries: 4 }), rejectsWith(/5 entries, more than the limit of 4/));
  await assert.rejects(readZip(zip, { maxTotalBytes: 4999 }), rejectsWith(/unpacks to more than 4999 bytes/));
  assert.equal((await readZip(zip, { maxEntries: 5, maxTotalBytes: 5000 })).length, 5);
  // A bomb in miniature: the directory claims 10 bytes, the data inflates to 1000.
  const bomb = Buffer.from(await writeZip([{ name: 'bomb.txt', data: text('x'.repeat(1000)) }]));
  const [central] = centralRecords(bomb);
  bomb.writeUInt32LE(10, central + 24);
  await assert.rejects(readZip(new Uint8Array(bomb)), rejectsWith(/bomb\.txt cannot be read/));
});

test('entries with unsafe names in a foreign archive are refused', async () => {
  // Patch a valid archive's names (same length) to "../x" and "/abc": the reader must refuse them.
  for (const [unsafe, pattern] of [['../x', /outside the archive/], ['/abc', /absolute or unsafe/]] as const) {
    const zip = await writeZip([{ name: 'ab/x', data: text('payload') }]);
    const patched = Buffer.from(zip);
    for (let i = 0; i < patched.length - 4; i++) if (patched.toString('latin1', i, i + 4) === 'ab/x') patched.write(unsafe, i, 'latin1');
    await assert.rejects(readZip(new Uint8Array(patched)), rejectsWith(pattern));
  }
});

test('extractZip streams entries to files (the target chooses and renames them); a name twice, a bad name or damage is a ZipError', async () => {
  const random = new Uint8Array(300_000);
  for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
  const zip = await writeZip([{ name: 'top/a.bin', data: random }, { name: 'top/sub/b.txt', data: text('bee') }, { name: 'other.txt', data: text('skip me') }]);
  assert.deepEqual(await listZip(zip), [{ name: 'top/a.bin', size: random.length }, { name: 'top/sub/b.txt', size: 3 }, { name: 'other.txt', size: 7 }]);
  const dir = mkdtempSync(join(tmpdir(), 'zip-extract-'));
  const progress: number[] = [];
  await extractZip(zip, dir, { target: (name) => (name.startsWith('top/') ? name.slice(4) : null), onProgress: (n) => progress.push(n) });
  assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'a.bin'))), random);
  assert.equal(readFileSync(join(dir, 'sub', 'b.txt'), 'utf8'), 'bee');
  assert.equal(progress.at(-1), random.length + 3);
  assert.ok(progress.length > 2, 'progress reported chunk by chunk');

  const twice = await writeZip([{ name: 'x.txt', data: text('one') }, { name: 'x.txt', data: text('two') }]);
  await assert.rejects(extractZip(twice, mkdtempSync(join(tmpdir(), 'zip-twice-')), { target: (n) => n }), rejectsWith(/x\.txt appears more than once/));
  await assert.rejects(extractZip(zip, mkdtempSync(join(tmpdir(), 'zip-bad-target-')), { target: () => '../escape' }), rejectsWith(/outside the archive/));
  const corrupted = zip.slice();
  for (let i = 0; i < 32; i++) corrupted[200 + i] ^= 0xa5; // inside a.bin's data
  await assert.rejects(extractZip(corrupted, mkdtempSync(join(tmpdir(), 'zip-corrupt-')), { target: (n) => n }), rejectsWith(/top\/a\.bin (cannot be read|fails its CRC-32 check)/));
});
