import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Chunker, downmix, levelDbfs } from './chunker.ts';

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

test('levelDbfs: full-scale square wave is 0 dB, half amplitude −6 dB, silence −100', () => {
  const square = Float32Array.from({ length: 1600 }, (_, i) => (i % 2 ? 1 : -1));
  assert.ok(Math.abs(levelDbfs(square)) < 1e-9);
  assert.ok(Math.abs(levelDbfs(square.map((v) => v / 2)) + 6.0206) < 1e-3);
  assert.equal(levelDbfs(new Float32Array(1600)), -100);
  assert.equal(levelDbfs(new Float32Array(0)), -100);
});

test('only 16 kHz audio is accepted (no resampling in the renderer), in positive chunk sizes', () => {
  assert.throws(() => new Chunker(48_000), /runs at 48000 Hz; expected 16000 Hz/);
  assert.throws(() => new Chunker(16_000, 0), /positive chunk size, got 0/);
});
