/**
 * Hostile-input probe: throws broken and hostile inputs at the `cellscribe` CLI (in-process,
 * through cli/main.ts) and at the app's backend (its IPC validation and the backend itself, with
 * the engine in-process), and checks that each one fails safe and says what is wrong:
 *   - an error exits non-zero, with a message on stderr that names the file when a file is at
 *     fault, in one readable line (no stack, no "undefined", no TypeError internals);
 *   - nothing hangs (a time limit per case);
 *   - what should work does (odd but valid audio transcribes, exit 0);
 *   - the backend rejects with a clear Error and still answers afterwards, losing nothing.
 * Prints one line per failed case and ends with exactly `probe: N passed, N failed`; exits 1 when
 * any case failed.
 *
 * Usage: node --import tsx scripts/probe/hostile-inputs.ts [--verbose]
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

process.env.CELLSCRIBE_BACKEND ??= 'wasm';
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const MODEL = join(ROOT, 'e2e', 'fixtures', 'digits-model');
const FSDD = resolve(ROOT, '..', 'shared', 'data', 'fsdd');
const verbose = process.argv.includes('--verbose');
const work = mkdtempSync(join(tmpdir(), 'cellscribe-probe-'));
const CASE_SECONDS = 90;

const { main } = await import('../../cli/main.ts');
const { encodeWav } = await import('../../model/audio/wav.ts');
const { writeZip } = await import('../../model/io/zip.ts');
const { CHANNELS, validateRequest } = await import('../../contract/requests.ts');
const { lockFolder } = await import('../../model/io/dir-lock.ts');
// Archives as the app writes them (writeZip is asynchronous since it uses yazl).
const ZIP_AS_WAV = await writeZip([{ name: 'a.txt', data: new Uint8Array([1, 2, 3]) }]);
const ZIP_AS_WRITTEN = await writeZip([{ name: 'm/readme.txt', data: new Uint8Array([1]) }]);

interface Outcome { code: number | null; stdout: string; stderr: string; hung: boolean }
type Check = (o: Outcome) => string | null; // null: passed; else why it failed

let passed = 0;
const failures: string[] = [];

/** Runs the CLI in this process with stdout/stderr (and console) captured. */
async function cli(argv: string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const consoleFns = { log: console.log, warn: console.warn, error: console.error, info: console.info };
  process.stdout.write = ((chunk: string | Uint8Array) => { stdout += String(chunk); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
  console.log = console.info = (...a: unknown[]) => { stdout += a.join(' ') + '\n'; };
  console.warn = console.error = (...a: unknown[]) => { stderr += a.join(' ') + '\n'; };
  let timer: NodeJS.Timeout | undefined;
  try {
    const code = await Promise.race([
      main(argv),
      new Promise<null>((r) => { timer = setTimeout(() => r(null), CASE_SECONDS * 1000); }),
    ]);
    return { code, stdout, stderr, hung: code === null };
  } finally {
    clearTimeout(timer);
    process.stdout.write = out;
    process.stderr.write = err;
    Object.assign(console, consoleFns);
  }
}

const GARBAGE = /\bundefined\b|\[object Object\]|Cannot read propert|is not a function|is not defined|^\s+at \S+ \(|RangeError: Invalid|Maximum call stack/m;

/** A clear error: non-zero exit, a short readable message, naming `mustName` when given. */
function clearError(mustName?: string | RegExp): Check {
  return (o) => {
    if (o.hung) return `hung for ${CASE_SECONDS} s`;
    if (o.code === 0) return `exit 0 (expected an error); stdout: ${o.stdout.slice(0, 160)}`;
    const message = o.stderr.trim();
    if (message === '') return `exit ${o.code} with nothing on stderr`;
    if (GARBAGE.test(message)) return `unclear message: ${message.slice(0, 240)}`;
    if (message.length > 4000) return `a ${message.length}-character message (a dump, not an error)`;
    if (mustName && !(typeof mustName === 'string' ? message.includes(mustName) : mustName.test(message))) return `message does not name ${mustName}: ${message.slice(0, 240)}`;
    return null;
  };
}

function succeeds(expectOut?: RegExp): Check {
  return (o) => {
    if (o.hung) return `hung for ${CASE_SECONDS} s`;
    if (o.code !== 0) return `exit ${o.code}: ${o.stderr.trim().slice(0, 240)}`;
    if (expectOut && !expectOut.test(o.stdout)) return `unexpected output: ${o.stdout.slice(0, 200)}`;
    return null;
  };
}

async function cliCase(name: string, argv: string[], check: Check): Promise<void> {
  let o: Outcome;
  try {
    o = await cli(argv);
  } catch (error) {
    failures.push(`${name}: threw out of main(): ${(error as Error).message}`);
    return;
  }
  const why = check(o);
  if (why === null) passed += 1;
  else failures.push(`${name}: ${why}`);
  if (verbose) console.log(`${why === null ? 'ok  ' : 'FAIL'} ${name}`);
}

/** A case run directly: passes when `run` resolves to null. */
async function directCase(name: string, run: () => Promise<string | null> | string | null): Promise<void> {
  let why: string | null;
  try {
    why = await run();
  } catch (error) {
    why = `threw: ${(error as Error).message}`;
  }
  if (why === null) passed += 1;
  else failures.push(`${name}: ${why}`);
  if (verbose) console.log(`${why === null ? 'ok  ' : 'FAIL'} ${name}`);
}

/** The error must be an Error with a clear, non-garbage message. */
function clearRejection(error: unknown): string | null {
  if (!(error instanceof Error)) return `rejected with a non-Error: ${String(error).slice(0, 120)}`;
  if (!error.message.trim()) return 'an Error without a message';
  if (GARBAGE.test(error.message) || error instanceof TypeError) return `unclear: ${error.name}: ${error.message.slice(0, 200)}`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Broken and odd audio files.
const tone = (n: number, rate: number) => Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate));
const wavOf = (rate: number, seconds = 0.5, channels = 1) => encodeWav(Array.from({ length: channels }, () => tone(Math.round(rate * seconds), rate)), rate);
function file(name: string, bytes: Uint8Array | string): string {
  const path = join(work, 'audio', name);
  mkdirSync(join(work, 'audio'), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}
function patched(bytes: Uint8Array, at: number, write: (dv: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  write(new DataView(copy.buffer, copy.byteOffset + at));
  return copy;
}
const good = wavOf(16000);
const brokenAudio: [string, Uint8Array | string][] = [
  ['empty.wav', ''],
  ['one-byte.wav', 'R'],
  ['header-only.wav', encodeWav([new Float32Array(0)], 16000)],
  ['text.wav', 'this is not audio at all\n'],
  ['random.wav', Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)],
  ['riff-no-wave.wav', 'RIFF\x10\x00\x00\x00JUNKJUNKJUNKJUNK'],
  ['zero-channels.wav', patched(good, 22, (dv) => dv.setUint16(0, 0, true))],
  ['zero-rate.wav', patched(good, 24, (dv) => dv.setUint32(0, 0, true))],
  ['adpcm.wav', patched(good, 20, (dv) => dv.setUint16(0, 2, true))],
  ['mulaw.wav', patched(good, 20, (dv) => dv.setUint16(0, 7, true))],
  ['truncated-fmt.wav', good.slice(0, 30)],
  ['rifx.wav', 'RIFX' + '\x00'.repeat(40)],
  ['rf64.wav', 'RF64' + '\x00'.repeat(40)],
  ['aiff.wav', Buffer.concat([Buffer.from('FORM\0\0\0\x20AIFFCOMM'), Buffer.alloc(40)])],
  ['nan.wav', encodeWav([Float32Array.from({ length: 8000 }, (_, i) => (i === 100 ? Number.NaN : 0.1))], 16000, 32, { float: true })],
  ['inf.wav', encodeWav([Float32Array.from({ length: 8000 }, (_, i) => (i === 5 ? Number.POSITIVE_INFINITY : 0.1))], 16000, 32, { float: true })],
  ['rate-1hz.wav', patched(good, 24, (dv) => dv.setUint32(0, 1, true))],
  ['rate-383999.wav', encodeWav([tone(38400, 383999)], 383999)],
  ['rate-10mhz.wav', patched(good, 24, (dv) => dv.setUint32(0, 10_000_000, true))],
  ['random.flac', 'fLaC' + '\x00'.repeat(200)],
  ['random.mp3', '\xff\xfb\x90\x00' + 'x'.repeat(300)],
  ['random.ogg', 'OggS' + '\x00'.repeat(300)],
  ['zip-as.wav', ZIP_AS_WAV],
  ['elf.wav', '\x7fELF' + '\x00'.repeat(100)],
  ['utf16.wav', '\ufeffRIFF'],
  ['junk-after-riff.wav', 'RIFF\xff\xff\xff\xffWAVEfmt \xff\xff\xff\xff'],
];
const oddButValid: [string, Uint8Array][] = [
  ['rate-8000.wav', wavOf(8000)],
  ['rate-11025.wav', wavOf(11025)],
  ['rate-22050.wav', wavOf(22050)],
  ['rate-44100.wav', wavOf(44100)],
  ['rate-48000.wav', wavOf(48000)],
  ['rate-96000.wav', wavOf(96000)],
  ['rate-192000.wav', wavOf(192000)],
  ['rate-200000.wav', wavOf(200000)],
  ['rate-256000.wav', wavOf(256000)],
  ['rate-384000.wav', wavOf(384000)],
  ['rate-768000.wav', wavOf(768000, 0.2)],
  ['three-channels.wav', wavOf(16000, 0.5, 3)],
  ['eight-channels.wav', wavOf(16000, 0.5, 8)],
  ['silence.wav', encodeWav([new Float32Array(16000)], 16000)],
  ['one-sample.wav', encodeWav([new Float32Array(1).fill(0.2)], 16000)],
  ['clipped.wav', encodeWav([new Float32Array(16000).fill(1)], 16000)],
  ['u8.wav', encodeWav([tone(8000, 16000)], 16000, 8)],
  ['s24.wav', encodeWav([tone(8000, 16000)], 16000, 24)],
  ['s32.wav', encodeWav([tone(8000, 16000)], 16000, 32)],
  ['float.wav', encodeWav([tone(8000, 16000)], 16000, 32, { float: true })],
  ['truncated-data.wav', good.slice(0, good.length - 1001)],
  ['huge-data-size.wav', patched(good, 40, (dv) => dv.setUint32(0, 0xfffffff0, true))],
  ['bits-12.wav', patched(good, 34, (dv) => dv.setUint16(0, 12, true))],
];

async function audioCases(): Promise<void> {
  for (const [name, bytes] of brokenAudio) {
    const path = file(name, bytes);
    await cliCase(`transcribe ${name}`, ['transcribe', path, '--model', MODEL], clearError(name));
  }
  for (const [name, bytes] of oddButValid) {
    const path = file(name, bytes);
    await cliCase(`transcribe ${name} (valid)`, ['transcribe', path, '--model', MODEL], succeeds());
  }
  // Things that are not files.
  const dir = join(work, 'audio', 'folder.wav');
  mkdirSync(dir, { recursive: true });
  await cliCase('transcribe a folder', ['transcribe', dir, '--model', MODEL], clearError('folder.wav'));
  await cliCase('transcribe a missing file', ['transcribe', join(work, 'nope.wav'), '--model', MODEL], clearError('nope.wav'));
  const fifo = join(work, 'audio', 'fifo.wav');
  spawnSync('mkfifo', [fifo]);
  await cliCase('transcribe a FIFO', ['transcribe', fifo, '--model', MODEL], clearError('fifo.wav'));
  const dangling = join(work, 'audio', 'dangling.wav');
  symlinkSync(join(work, 'nowhere.wav'), dangling);
  await cliCase('transcribe a dangling symlink', ['transcribe', dangling, '--model', MODEL], clearError('dangling.wav'));
  const loop = join(work, 'audio', 'loop.wav');
  symlinkSync(loop, loop);
  await cliCase('transcribe a symlink loop', ['transcribe', loop, '--model', MODEL], clearError('loop.wav'));
  await cliCase('transcribe /dev/zero', ['transcribe', '/dev/zero', '--model', MODEL], clearError('/dev/zero'));
  await cliCase('transcribe /dev/null', ['transcribe', '/dev/null', '--model', MODEL], clearError('/dev/null'));
  const sparse = join(work, 'audio', 'sparse-3g.wav');
  writeFileSync(sparse, good.subarray(0, 44));
  truncateSync(sparse, 3 * 1024 ** 3);
  // Its header names 0.5 s of data; the 3 GiB behind it are never read.
  await cliCase('transcribe a 3 GiB sparse WAV (header names 0.5 s)', ['transcribe', sparse, '--model', MODEL], succeeds());
  // A batch where one file is broken: the good one is still transcribed, the exit says one failed.
  const fsdd = join(FSDD, '3_jackson_0.wav');
  await cliCase('transcribe good + broken', ['transcribe', fsdd, join(work, 'audio', 'empty.wav'), '--model', MODEL], (o) => {
    const base = clearError('empty.wav')(o);
    if (base) return base;
    return o.stdout.trim() === '' ? 'the good file was not transcribed' : null;
  });
}

// ---------------------------------------------------------------------------------------------
// Broken models.
function brokenModel(name: string, change: (dir: string) => void): string {
  const dir = join(work, 'models', name);
  mkdirSync(dir, { recursive: true });
  for (const f of ['meta.json', 'model.json', 'weights.bin']) copyFileSync(join(MODEL, f), join(dir, f));
  change(dir);
  return dir;
}
const editMeta = (edit: (m: any) => void) => (dir: string) => {
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  edit(meta);
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
};
const brokenModels: [string, (dir: string) => void][] = [
  ['fft-2^26', editMeta((m) => { m.features.fftSize = 2 ** 26; })],
  ['units-1e6', editMeta((m) => { m.architecture.units = 1e6; })],
  ['layers-0', editMeta((m) => { m.architecture.layers = 0; })],
  ['stack-1000', editMeta((m) => { m.architecture.stack = 1000; })],
  ['melbands-1e5', editMeta((m) => { m.features.melBands = 100000; })],
  ['rate-44100', editMeta((m) => { m.features.sampleRate = 44100; })],
  ['arch-transformer', editMeta((m) => { m.architecture.arch = 'transformer'; })],
  ['alphabet-empty', editMeta((m) => { m.architecture.alphabet = ''; })],
  ['normalisation-nan', editMeta((m) => { m.normalisation.std[0] = 0; })],
  ['meta-not-json', (dir) => writeFileSync(join(dir, 'meta.json'), '{ nope')],
  ['meta-array', (dir) => writeFileSync(join(dir, 'meta.json'), '[1,2,3]')],
  ['model-json-traversal', (dir) => {
    const m = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    m.weightsManifest[0].paths = ['../../../../etc/passwd'];
    writeFileSync(join(dir, 'model.json'), JSON.stringify(m));
  }],
  ['weights-missing', (dir) => writeFileSync(join(dir, 'weights.bin'), '')],
  ['weights-truncated', (dir) => truncateSync(join(dir, 'weights.bin'), 100)],
  ['weights-nan', (dir) => {
    const size = readFileSync(join(dir, 'weights.bin')).length;
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(new Float32Array(size / 4).fill(Number.NaN).buffer));
  }],
  ['weights-inf', (dir) => {
    const bytes = readFileSync(join(dir, 'weights.bin'));
    bytes.writeFloatLE(Number.POSITIVE_INFINITY, 0);
    writeFileSync(join(dir, 'weights.bin'), bytes);
  }],
];

async function modelCases(): Promise<void> {
  const sample = join(FSDD, '3_jackson_0.wav');
  for (const [name, change] of brokenModels) {
    const dir = brokenModel(name, change);
    await cliCase(`info --model ${name}`, ['info', '--model', dir], clearError(name));
    await cliCase(`transcribe --model ${name}`, ['transcribe', sample, '--model', dir], clearError(name));
  }
  await cliCase('info --model missing', ['info', '--model', join(work, 'no-such-model')], clearError('no-such-model'));
  await cliCase('info --model a file', ['info', '--model', sample], clearError('3_jackson_0.wav'));
  await cliCase('info --model good (and --backend, which every command takes)', ['info', '--model', MODEL, '--backend', 'wasm'], succeeds());
}

// ---------------------------------------------------------------------------------------------
// Bad command lines.
async function argumentCases(): Promise<void> {
  const sample = join(FSDD, '3_jackson_0.wav');
  const vocabEmpty = file('empty-vocab.txt', '');
  const vocabBinary = file('binary-vocab.txt', new Uint8Array([0, 255, 254, 0, 1]));
  const bad: [string, string[]][] = [
    ['unknown command', ['frobnicate']],
    ['unknown flag', ['transcribe', sample, '--frob']],
    ['transcribe nothing', ['transcribe', '--model', MODEL]],
    ['--beam -1', ['transcribe', sample, '--model', MODEL, '--beam', '-1']],
    ['--beam abc', ['transcribe', sample, '--model', MODEL, '--beam', 'abc']],
    ['--beam 1e9', ['transcribe', sample, '--model', MODEL, '--beam', '1e9']],
    ['--beam 2.5', ['transcribe', sample, '--model', MODEL, '--beam', '2.5']],
    ['--lm-weight NaN', ['transcribe', sample, '--model', MODEL, '--lm-weight', 'NaN']],
    ['--word-bonus Infinity', ['transcribe', sample, '--model', MODEL, '--word-bonus', 'Infinity']],
    ['--vocabulary missing', ['transcribe', sample, '--model', MODEL, '--vocabulary', join(work, 'none.txt')]],
    ['--vocabulary empty', ['transcribe', sample, '--model', MODEL, '--vocabulary', vocabEmpty]],
    ['--vocabulary binary', ['transcribe', sample, '--model', MODEL, '--vocabulary', vocabBinary]],
    ['--lm missing', ['transcribe', sample, '--model', MODEL, '--lm', join(work, 'none-lm.txt')]],
    ['--format docx', ['transcribe', sample, '--model', MODEL, '--format', 'docx']],
    ['--backend tpu', ['transcribe', sample, '--model', MODEL, '--backend', 'tpu']],
    ['eval without manifest', ['eval', '--model', MODEL]],
    ['train without anything', ['train']],
    ['train --epochs 0', ['train', '--train', 'x.json', '--dev', 'y.json', '--out', join(work, 'o'), '--epochs', '0']],
    ['train --batch-size -3', ['train', '--train', 'x.json', '--dev', 'y.json', '--out', join(work, 'o'), '--batch-size', '-3']],
    ['train --lr abc', ['train', '--train', 'x.json', '--dev', 'y.json', '--out', join(work, 'o'), '--lr', 'abc']],
    ['train --arch transformer', ['train', '--train', 'x.json', '--dev', 'y.json', '--out', join(work, 'o'), '--arch', 'transformer']],
    ['train --freeze without --from', ['train', '--train', 'x.json', '--dev', 'y.json', '--out', join(work, 'o'), '--freeze', '1']],
    ['dataset bogus action', ['dataset', 'frob', '--user-data', join(work, 'ud')]],
    ['dataset import no folder', ['dataset', 'import', '--dataset', 'x', '--user-data', join(work, 'ud')]],
    ['models bogus action', ['models', 'frob', '--user-data', join(work, 'ud')]],
    ['corpus --count -1', ['corpus', '--out', join(work, 'c'), '--count', '-1']],
  ];
  for (const [name, argv] of bad) await cliCase(name, argv, clearError());
}

/**
 * A stored (uncompressed) zip with exactly the given entry names, unsafe ones included: our own
 * writeZip refuses those, and a hostile archive is what this probe needs.
 */
function rawZip(entries: [string, Uint8Array][]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, Buffer.from(data));
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12); end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

// ---------------------------------------------------------------------------------------------
// Manifests, training and datasets.
function manifest(name: string, text: string): string {
  return file(name, text);
}

async function dataCases(): Promise<void> {
  const row = (audio: string, text: string) => JSON.stringify({ audio_filepath: audio, duration: 0, text });
  const goodRows = [0, 1, 2, 3].map((t) => row(join(FSDD, `1_george_${t}.wav`), 'one')).join('\n') + '\n';
  const empty = manifest('empty.json', '');
  const garbage = manifest('garbage.json', 'not json\n{"audio_filepath": 3}\n');
  const missingFiles = manifest('missing-files.json', [row('/nonexistent/a.wav', 'one'), row('/nonexistent/b.wav', 'two')].join('\n') + '\n');
  const mostlyBroken = manifest('mostly-broken.json', [row(join(FSDD, '1_george_0.wav'), 'one'), ...Array.from({ length: 5 }, (_, i) => row(join(work, 'audio', i % 2 ? 'empty.wav' : 'random.wav'), 'one'))].join('\n') + '\n');
  const tooLong = manifest('too-long.json', [0, 1].map((t) => row(join(FSDD, `1_george_${t}.wav`), 'one two three four five six seven eight nine ten '.repeat(4))).join('\n') + '\n');
  const train = manifest('train.json', goodRows);
  await cliCase('eval empty manifest', ['eval', '--manifest', empty, '--model', MODEL], clearError('empty.json'));
  await cliCase('eval garbage manifest', ['eval', '--manifest', garbage, '--model', MODEL], clearError('garbage.json'));
  await cliCase('eval missing manifest', ['eval', '--manifest', join(work, 'nope.json'), '--model', MODEL], clearError('nope.json'));
  await cliCase('eval all files missing', ['eval', '--manifest', missingFiles, '--model', MODEL], clearError('/nonexistent/a.wav'));
  await cliCase('eval most files broken exits non-zero', ['eval', '--manifest', mostlyBroken, '--model', MODEL], clearError(/5 of 6 files failed/));
  await cliCase('eval most files broken with --allow-failures', ['eval', '--manifest', mostlyBroken, '--model', MODEL, '--allow-failures'], succeeds(/5 of 6 files could not be transcribed/));
  const small = ['--layers', '1', '--units', '4', '--epochs', '1', '--batch-size', '2', '--cache', join(work, 'cache')];
  await cliCase('train empty manifest', ['train', '--train', empty, '--dev', train, '--out', join(work, 't1'), ...small], clearError('empty.json'));
  await cliCase('train dev all too long', ['train', '--train', train, '--dev', tooLong, '--out', join(work, 't2'), ...small], clearError(/none of the 2 dev utterances/));
  await cliCase('train --stack 1000', ['train', '--train', train, '--dev', train, '--out', join(work, 't3'), ...small, '--stack', '1000'], clearError(/none of the 4 train utterances/));
  await cliCase('train --lr 1e308', ['train', '--train', train, '--dev', train, '--out', join(work, 't4'), ...small, '--lr', '1e308', '--warmup', '0'], clearError(/diverged/));
  const locked = join(work, 't5');
  const lock = lockFolder(locked, 'training run');
  await cliCase('train into a locked --out', ['train', '--train', train, '--dev', train, '--out', locked, ...small], clearError(/in use by another training run/));
  lock.release();
  const outFile = file('out-is-a-file', 'x');
  await cliCase('train --out is a file', ['train', '--train', train, '--dev', train, '--out', outFile, ...small], clearError('out-is-a-file'));

  // Datasets.
  const ud = join(work, 'userdata');
  const odd = join(work, 'import-odd');
  mkdirSync(odd, { recursive: true });
  spawnSync('mkfifo', [join(odd, '1_amy_0.wav')]);
  symlinkSync(join(odd, 'loop'), join(odd, 'loop'));
  writeFileSync(join(odd, '2_amy_0.wav'), wavOf(384000));
  writeFileSync(join(odd, '3_amy_0.wav'), '');
  writeFileSync(join(odd, '4_amy_0.wav'), wavOf(16000));
  await cliCase('dataset import: FIFO, loop, 384 kHz, empty', ['dataset', 'import', '--dataset', 'odd', odd, '--user-data', ud], (o) => {
    const base = succeeds(/imported 2 file\(s\)/)(o);
    if (base) return base;
    return /1_amy_0\.wav: not a regular file/.test(o.stdout) && /3_amy_0\.wav/.test(o.stdout) ? null : `skips not reported: ${o.stdout.slice(0, 300)}`;
  });
  await cliCase('dataset import a missing folder', ['dataset', 'import', '--dataset', 'x', join(work, 'nope-folder'), '--user-data', ud], clearError('nope-folder'));
  await cliCase('dataset import a file', ['dataset', 'import', '--dataset', 'x', train, '--user-data', ud], clearError('train.json'));
  const emptyFolder = join(work, 'empty-folder');
  mkdirSync(emptyFolder);
  await cliCase('dataset import an empty folder', ['dataset', 'import', '--dataset', 'x', emptyFolder, '--user-data', ud], succeeds(/imported 0 file/));
  const badDataset = join(ud, 'datasets', 'broken1');
  mkdirSync(badDataset, { recursive: true });
  writeFileSync(join(badDataset, 'dataset.json'), '{ broken');
  await cliCase('dataset list with a damaged dataset.json', ['dataset', 'list', '--user-data', ud], succeeds(/odd/));

  // Model archives.
  const zipOf = (entries: [string, Uint8Array | string][]) => rawZip(entries.map(([name, data]) => [name, typeof data === 'string' ? new Uint8Array(Buffer.from(data)) : data]));
  const modelFiles = (dir: string): [string, Uint8Array][] => ['meta.json', 'model.json', 'weights.bin'].map((f) => [`m/${f}`, readFileSync(join(dir, f))]);
  const archives: [string, Uint8Array | string, string | RegExp][] = [
    ['not-a-zip.zip', 'hello', 'not-a-zip.zip'],
    ['zip-as-written.zip', ZIP_AS_WRITTEN, 'zip-as-written.zip'],
    ['empty.zip', '', 'empty.zip'],
    ['no-meta.zip', zipOf([['m/readme.txt', 'hi']]), 'no-meta.zip'],
    ['zip-slip.zip', zipOf([['../../evil/meta.json', '{}'], ['m/meta.json', '{}']]), 'zip-slip.zip'],
    ['absolute.zip', zipOf([['/etc/meta.json', '{}']]), 'absolute.zip'],
    ['fft-huge.zip', zipOf(modelFiles(join(work, 'models', 'fft-2^26'))), 'fft-huge.zip'],
    ['nan-weights.zip', zipOf(modelFiles(join(work, 'models', 'weights-inf'))), /NaN or infinite|weights/],
    ['truncated.zip', zipOf(modelFiles(MODEL)).subarray(0, 500), 'truncated.zip'],
  ];
  for (const [name, bytes, mustName] of archives) {
    const path = file(name, bytes);
    await cliCase(`models import ${name}`, ['models', 'import', path, '--user-data', ud], clearError(mustName));
  }
  await cliCase('models import a missing file', ['models', 'import', join(work, 'none.zip'), '--user-data', ud], clearError('none.zip'));
}

// ---------------------------------------------------------------------------------------------
// The app's IPC validation: every channel with hostile arguments.
function ipcCases(): Promise<void[]> {
  const hostileArgs: [string, unknown][] = [
    ['not a list', { 0: 'x' }],
    ['null', null],
    ['too many', ['a', 'b', 'c', 'd', 'e']],
    ['numbers', [Number.NaN, Number.POSITIVE_INFINITY]],
    ['proto pollution', [JSON.parse('{"__proto__": {"polluted": true}}')]],
    ['huge string', ['x'.repeat(5_000_000)]],
    ['path traversal id', ['../../etc/passwd', '../../x']],
  ];
  const cases: Promise<void>[] = [];
  for (const channel of Object.keys(CHANNELS)) {
    for (const [label, args] of hostileArgs) {
      cases.push(directCase(`ipc ${channel}: ${label}`, () => {
        try {
          validateRequest(channel, args);
        } catch (error) {
          return clearRejection(error);
        }
        // Accepted: only fine for channels that really take no or these arguments.
        return Array.isArray(args) && args.length === 0 ? null : `accepted ${label}`;
      }));
    }
  }
  cases.push(directCase('ipc unknown channel', () => {
    try { validateRequest('fs:readFile', ['/etc/passwd']); } catch (error) { return clearRejection(error); }
    return 'accepted an unknown channel';
  }));
  if (({} as Record<string, unknown>).polluted) cases.push(directCase('prototype untouched', () => 'Object.prototype was polluted'));
  return Promise.all(cases);
}

// ---------------------------------------------------------------------------------------------
// The backend itself (engine in-process), with the digits model.
async function backendCases(): Promise<void> {
  const { createAppBackend } = await import('../../app/app-backend.ts');
  const userData = join(work, 'backend');
  const backend = await createAppBackend({ userDataDir: userData, bundledModelDir: MODEL, engine: 'in-process' });
  const buffer = (b: Uint8Array | string) => {
    const bytes = typeof b === 'string' ? new Uint8Array(Buffer.from(b)) : b;
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  };
  const rejects = (name: string, call: () => Promise<unknown>) => directCase(`backend ${name}`, async () => {
    try {
      await call();
    } catch (error) {
      const why = clearRejection(error);
      if (why) return why;
      const status = await backend.getStatus();
      return status.state === 'ready' ? null : `the backend is ${status.state} afterwards`;
    }
    return 'accepted';
  });
  try {
    const dataset = await backend.createDataset('probe');
    const fsdd = readFileSync(join(FSDD, '2_george_0.wav'));
    const kept = await backend.transcribeFile('probe-ok', '2_george_0.wav', buffer(fsdd));
    for (const [name, bytes] of brokenAudio.slice(0, 20)) await rejects(`transcribeFile ${name}`, () => backend.transcribeFile(`j-${name}`.replace(/[^a-z0-9-]/g, '-'), name, buffer(bytes)));
    await rejects('renameTranscript empty title', () => backend.renameTranscript(kept.transcript.id, '   '));
    await rejects('renameTranscript missing id', () => backend.renameTranscript('nosuchid', 'x'));
    await rejects('deleteTranscript missing id', () => backend.deleteTranscript('nosuchid'));
    await rejects('restoreTranscript not in trash', () => backend.restoreTranscript(kept.transcript.id));
    await rejects('exportTranscript bad format', () => backend.exportTranscript(kept.transcript.id, 'docx' as never));
    await rejects('getAudio traversal', () => backend.getAudio('../../etc/passwd'));
    await rejects('stopRecording unknown session', () => backend.stopRecording('nosession'));
    await rejects('pushAudio unknown session', () => backend.pushAudio('nosession', new Float32Array(10)));
    await rejects('createDataset empty name', () => backend.createDataset(''));
    await rejects('createDataset 10k name', () => backend.createDataset('x'.repeat(10_000)));
    await rejects('addDatasetRecording empty', () => backend.addDatasetRecording(dataset.id, 'one', new Float32Array(0)));
    await rejects('addDatasetRecording empty text', () => backend.addDatasetRecording(dataset.id, '  ', new Float32Array(100)));
    await rejects('addDatasetRecording unknown dataset', () => backend.addDatasetRecording('nosuch', 'one', new Float32Array(100)));
    await rejects('deleteDatasetItem unknown', () => backend.deleteDatasetItem(dataset.id, 'nosuch'));
    await rejects('getDataset traversal', () => backend.getDataset('../x'));
    await rejects('deleteDataset unknown', () => backend.deleteDataset('nosuch'));
    await rejects('startFineTune tiny dataset', () => backend.startFineTune({ datasetId: dataset.id } as never));
    await rejects('importModel garbage', () => backend.importModel('x.zip', buffer('garbage')));
    await rejects('importModel huge-fft model', () => backend.importModel('fft.zip', buffer(readFileSync(join(work, 'audio', 'fft-huge.zip')))));
    await rejects('deleteModel bundled', () => backend.deleteModel('bundled:base'));
    await rejects('setSettings unknown model', async () => backend.setSettings({ ...(await backend.getSettings()), activeModelId: 'user:nope' }));
    await rejects('setSettings empty custom vocabulary', async () => backend.setSettings({ ...(await backend.getSettings()), decoding: { mode: 'custom', customVocabulary: ' ', beam: 4 } }));
    const report = await backend.importDatasetFiles(dataset.id, [
      { path: '../../escape.wav', bytes: buffer(wavOf(16000)) },
      { path: '/etc/1_amy_0.wav', bytes: buffer(wavOf(16000)) },
      { path: '5_amy_0.wav', bytes: buffer('') },
      { path: '6_amy_0.wav', bytes: buffer(wavOf(384000)) },
    ] as never);
    await directCase('backend importDatasetFiles hostile names stay inside the dataset', () => {
      const escaped = ['escape.wav'].some((n) => { try { readFileSync(join(userData, n)); return true; } catch { return false; } });
      return escaped ? 'a file was written outside the dataset' : report.skipped.some((s: { name: string }) => s.name.includes('5_amy_0')) ? null : 'the empty file was not reported';
    });
    await directCase('backend library intact after the hostile calls', async () => {
      const list = await backend.listTranscripts('');
      return list.some((t) => t.id === kept.transcript.id && t.text === kept.transcript.text) ? null : 'the good transcript changed or vanished';
    });
  } finally {
    await backend.dispose();
  }
}

await audioCases();
await modelCases();
await argumentCases();
await dataCases();
await ipcCases();
await backendCases();
for (const f of failures) console.log(`FAIL ${f}`);
console.log(`probe: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length > 0 ? 1 : 0);
