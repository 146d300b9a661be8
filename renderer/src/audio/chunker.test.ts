import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Chunker, downmix, levelDbfs, StreamResampler } from './chunker.ts';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Splits `signal` into pieces of random sizes (including empty ones). */
function randomSplit(signal: Float32Array, next: () => number): Float32Array[] {
  const pieces: Float32Array[] = [];
  for (let offset = 0; offset < signal.length;) {
    const size = Math.floor(next() * 300);
    pieces.push(signal.subarray(offset, offset + size));
    offset += size;
  }
  return pieces;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

test('at 16 kHz the chunker passes samples through unchanged, in 1600-sample chunks, whatever the render quanta', () => {
  const next = random(5);
  const signal = Float32Array.from({ length: 16_000 * 2 + 123 }, () => next() * 2 - 1);
  const chunker = new Chunker(16_000);
  const chunks = randomSplit(signal, next).flatMap((piece) => chunker.push([piece]));
  assert.ok(chunks.every((chunk) => chunk.length === 1600), 'every chunk is 100 ms');
  assert.equal(chunks.length, 20);
  const rest = chunker.flush();
  assert.equal(rest.length, 123);
  assert.deepEqual([...concat([...chunks, rest])], [...signal]);
  assert.equal(chunker.flush().length, 0);
});

test('downmix averages channels (the fake device is stereo); mono is copied', () => {
  const left = Float32Array.from([1, 0.5, -1]);
  const right = Float32Array.from([0, 0.5, 1]);
  assert.deepEqual([...downmix([left, right])], [0.5, 0.5, 0]);
  const mono = downmix([left]);
  assert.deepEqual([...mono], [...left]);
  assert.notEqual(mono, left);
  assert.equal(downmix([]).length, 0);
});

test('resampling 48 kHz → 16 kHz keeps a 440 Hz tone (phase and amplitude) and gives one third of the samples', () => {
  const seconds = 1;
  const tone = (rate: number) => Float32Array.from({ length: rate * seconds }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate));
  const resampler = new StreamResampler(48_000);
  const out = resampler.push(tone(48_000));
  assert.ok(Math.abs(out.length - 16_000) <= 1, `expected ~16000 samples, got ${out.length}`);
  // The box filter is causal and 3 samples wide: a delay of 1 input sample (1/48000 s).
  const delay = 1 / 48_000;
  let worst = 0;
  for (let i = 100; i < out.length - 100; i++) {
    const expected = 0.5 * Math.sin(2 * Math.PI * 440 * (i / 16_000 - delay)) * (Math.sin(Math.PI * 440 * 3 / 48_000) / (3 * Math.sin(Math.PI * 440 / 48_000)));
    worst = Math.max(worst, Math.abs(out[i] - expected));
  }
  assert.ok(worst < 2e-3, `worst deviation ${worst}`);
});

test('resampling attenuates content above the new Nyquist (a 15 kHz tone at 48 kHz mostly disappears)', () => {
  const input = Float32Array.from({ length: 48_000 }, (_, i) => Math.sin((2 * Math.PI * 15_000 * i) / 48_000));
  const out = new StreamResampler(48_000).push(input);
  const rms = Math.sqrt(out.reduce((a, b) => a + b * b, 0) / out.length);
  assert.ok(rms < 0.35, `alias RMS ${rms} (unfiltered decimation would give ~0.71)`);
});

test('streaming resampling equals one-shot resampling for any split (44.1 kHz)', () => {
  const next = random(9);
  const signal = Float32Array.from({ length: 44_100 }, () => next() * 2 - 1);
  const whole = new StreamResampler(44_100).push(signal);
  const streamed = new StreamResampler(44_100);
  const parts = randomSplit(signal, next).map((piece) => streamed.push(piece));
  const joined = concat(parts);
  assert.equal(joined.length, whole.length);
  for (let i = 0; i < whole.length; i++) assert.ok(Math.abs(joined[i] - whole[i]) < 1e-6, `sample ${i}: ${joined[i]} vs ${whole[i]}`);
});

test('levelDbfs: full-scale square wave is 0 dB, half amplitude −6 dB, silence −100', () => {
  const square = Float32Array.from({ length: 1600 }, (_, i) => (i % 2 ? 1 : -1));
  assert.ok(Math.abs(levelDbfs(square)) < 1e-9);
  assert.ok(Math.abs(levelDbfs(square.map((v) => v / 2)) + 6.0206) < 1e-3);
  assert.equal(levelDbfs(new Float32Array(1600)), -100);
  assert.equal(levelDbfs(new Float32Array(0)), -100);
});

test('rates must be positive', () => {
  assert.throws(() => new StreamResampler(0), /positive rates, got 0 → 16000/);
  assert.throws(() => new Chunker(16_000, 0), /positive chunk size, got 0/);
});
