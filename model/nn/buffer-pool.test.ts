// The host buffer pool must recycle recent sizes and stay under its byte cap however many
// distinct lengths training brings (length-bucketed batches bring hundreds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { POOL_MAX_BYTES, acquireBuffer, pooledBufferBytes, releaseBuffers } from './recurrent-types.ts';

test('a released buffer comes back for the same length', () => {
  const buffer = acquireBuffer(1234);
  releaseBuffers(buffer);
  assert.equal(acquireBuffer(1234), buffer);
});

test('the pool stays under its byte cap with many distinct lengths, dropping the least recently used', () => {
  const floats = 4 << 20; // 16 MB buffers
  const lengths = Array.from({ length: 200 }, (_, i) => floats + i); // 200 sizes, 3.2 GB if all were kept
  const released = lengths.map((length) => {
    const buffer = new Float32Array(length);
    releaseBuffers(buffer);
    assert.ok(pooledBufferBytes() <= POOL_MAX_BYTES, `pool holds ${pooledBufferBytes()} bytes`);
    return buffer;
  });
  assert.ok(pooledBufferBytes() > POOL_MAX_BYTES / 2, 'the pool is used, not emptied');
  assert.equal(acquireBuffer(lengths[199]), released[199], 'the most recent size is still pooled');
  assert.notEqual(acquireBuffer(lengths[0]), released[0], 'the least recent size was dropped');
});
