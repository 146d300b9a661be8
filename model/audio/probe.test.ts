import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { estimateSeconds } from './probe.ts';
import { FIXTURES } from './test-helpers.ts';

const estimate = (file: string, format: Parameters<typeof estimateSeconds>[0]) => {
  const bytes = new Uint8Array(readFileSync(FIXTURES + file));
  return estimateSeconds(format, bytes.subarray(0, 65536), bytes.subarray(Math.max(0, bytes.length - 65536)), bytes.length);
};

// Durations per soxi: FLAC 0.25 s (2000 samples at 8 kHz), Ogg 0.5 s (8000 at 16 kHz), MP3
// 0.54 s (8640 at 16 kHz: lame pads to whole 576-sample frames and counts its delay).
test('FLAC duration from STREAMINFO', () => assert.equal(estimate('flac_s16_stereo.flac', 'flac'), 0.25));
test('Ogg Vorbis duration from the last granule position', () => assert.equal(estimate('vorbis_16k_mono.ogg', 'ogg-vorbis'), 0.5));
test('MP3 duration from the Xing/Info frame count', () => {
  const seconds = estimate('mp3_16k_mono.mp3', 'mp3');
  assert.ok(seconds !== null && Math.abs(seconds - 0.54) < 0.04, String(seconds));
});
test('headers that say nothing give null, not a guess', () => {
  assert.equal(estimateSeconds('flac', new Uint8Array(8), new Uint8Array(0), 8), null);
  assert.equal(estimateSeconds('ogg-vorbis', readFileSync(FIXTURES + 'vorbis_16k_mono.ogg').subarray(0, 100), new Uint8Array(50), 1e6), null);
});
