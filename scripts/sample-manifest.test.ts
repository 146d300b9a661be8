import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = new URL('./sample-manifest.ts', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8' });
const rowsOf = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, string>);

function manifest(dir: string): string {
  const categories = ['digits', 'sentences', 'letters'];
  const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ audio_filepath: `audio/${i}.wav`, duration: 1, text: `t${i}`, category: categories[i % 3] }));
  const file = join(dir, 'm.json');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

test('a seeded fraction: the same rows for the same seed, other rows for another, paths made absolute', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sample-'));
  const m = manifest(dir);
  const [a, b, c] = ['a', 'b', 'c'].map((n) => join(dir, `${n}.json`));
  assert.equal(run('--manifest', m, '--fraction', '0.3', '--seed', '4', '--out', a).status, 0);
  assert.equal(run('--manifest', m, '--fraction', '0.3', '--seed', '4', '--out', b).status, 0);
  assert.equal(run('--manifest', m, '--fraction', '0.3', '--seed', '5', '--out', c).status, 0);
  const [ra, rb, rc] = [a, b, c].map(rowsOf);
  assert.deepEqual(ra, rb);
  assert.notDeepEqual(ra.map((r) => r.text), rc.map((r) => r.text));
  assert.ok(ra.length > 60 && ra.length < 120, `about 30 % of 300 rows, got ${ra.length}`);
  assert.equal(ra[0].audio_filepath, join(dir, 'audio', `${ra[0].text.slice(1)}.wav`));
  assert.equal(ra[0].category !== undefined, true, 'other fields are kept');
});

test('--category keeps only those rows, and exactly the ones the same fraction keeps without it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sample-'));
  const m = manifest(dir);
  const all = join(dir, 'all.json');
  const some = join(dir, 'some.json');
  run('--manifest', m, '--fraction', '0.5', '--out', all);
  run('--manifest', m, '--fraction', '0.5', '--category', 'digits,letters', '--out', some);
  const expected = rowsOf(all).filter((r) => r.category === 'digits' || r.category === 'letters');
  assert.deepEqual(rowsOf(some), expected);
  assert.ok(expected.length > 0);
});

test('bad input names the file and line; a bad fraction is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sample-'));
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"audio_filepath": "a.wav", "text": "a"}\nnot json\n');
  const r = run('--manifest', bad, '--out', join(dir, 'o.json'));
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /bad\.json:2: not a JSON object/);
  assert.match(run('--manifest', bad, '--fraction', '0', '--out', join(dir, 'o.json')).stderr, /--fraction must be in \(0, 1\]/);
});
