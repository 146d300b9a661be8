import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { crc32, readZip, writeZip, ZipError } from './zip.ts';

const text = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

test('crc32 matches the gzip trailer (an independent implementation in zlib)', () => {
  for (const sample of ['', 'a', 'The quick brown fox jumps over the lazy dog', 'x'.repeat(10_000)]) {
    const gz = gzipSync(Buffer.from(sample));
    assert.equal(crc32(text(sample)), gz.readUInt32LE(gz.length - 8), sample.slice(0, 20));
    assert.equal(gunzipSync(gz).toString(), sample);
  }
  assert.equal(crc32(text('123456789')), 0xcbf43926); // the standard check value
});

test('round trip: stored and deflated entries, UTF-8 names, binary data', () => {
  const random = new Uint8Array(5000);
  for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
  const entries = [
    { name: 'meta.json', data: text(JSON.stringify({ a: 'b'.repeat(2000) })) }, // compressible: deflated
    { name: 'weights.bin', data: random }, // not compressible: stored
    { name: 'sub/ünïcode.txt', data: text('héllo') },
    { name: 'empty', data: new Uint8Array(0) },
  ];
  const zip = writeZip(entries);
  assert.ok(zip.length < 2000 + 5000, 'the compressible entry was deflated');
  const back = readZip(zip);
  assert.deepEqual(back.map((e) => e.name), entries.map((e) => e.name));
  back.forEach((e, i) => assert.deepEqual(e.data, entries[i].data));
});

test('the archive is a real zip: the system unzip lists and extracts it (when installed)', (t) => {
  let hasUnzip = true;
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
  } catch {
    hasUnzip = false;
  }
  if (!hasUnzip) return t.skip('no unzip on this machine');
  const dir = mkdtempSync(join(tmpdir(), 'zip-test-'));
  writeFileSync(join(dir, 'a.zip'), writeZip([{ name: 'x/y.txt', data: text('hello '.repeat(100)) }]));
  execFileSync('unzip', ['-q', join(dir, 'a.zip'), '-d', join(dir, 'out')]);
  assert.equal(readFileSync(join(dir, 'out', 'x', 'y.txt'), 'utf8'), 'hello '.repeat(100));
});

test('broken archives give clear errors', () => {
  const zip = writeZip([{ name: 'meta.json', data: text('{"format":"cellscribe-model"}'.repeat(20)) }]);
  assert.throws(() => readZip(text('this is not a zip')), (e: unknown) => e instanceof ZipError && /not a zip archive/.test((e as Error).message));
  assert.throws(() => readZip(zip.subarray(0, zip.length - 30)), ZipError);
  const corrupted = zip.slice();
  corrupted[40] ^= 0xff; // inside the deflated data
  assert.throws(() => readZip(corrupted), (e: unknown) => e instanceof ZipError && /meta\.json/.test((e as Error).message));
  assert.throws(() => writeZip([{ name: '../evil', data: text('x') }]), /outside the archive/);
  assert.throws(() => writeZip([{ name: '/etc/passwd', data: text('x') }]), /absolute/);
});

test('entries with unsafe names in a foreign archive are refused', () => {
  // Patch a valid archive's names (same length) to "../x": the reader must refuse it.
  const zip = writeZip([{ name: 'ab/x', data: text('payload') }]);
  const patched = Buffer.from(zip);
  for (let i = 0; i < patched.length - 4; i++) if (patched.toString('latin1', i, i + 4) === 'ab/x') patched.write('../x', i, 'latin1');
  assert.throws(() => readZip(new Uint8Array(patched)), /outside the archive/);
});
