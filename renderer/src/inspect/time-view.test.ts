import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clampView, fullView, MIN_SPAN_SECONDS, panView, secondsAt, speechSpan, xOf, zoomView } from './time-view.ts';

const close = (a: number, b: number, message?: string) => assert.ok(Math.abs(a - b) < 1e-9, `${message ?? ''} ${a} ≠ ${b}`);

test('zoom keeps the time under the pointer where it is, and zooming back out restores the view', () => {
  const view = fullView(4);
  const zoomed = zoomView(view, 2, 1, 4);
  close(zoomed.end - zoomed.start, 2);
  // 1 s was at a quarter of the width before and must still be there.
  close(xOf(1, zoomed, 800), xOf(1, view, 800));
  const back = zoomView(zoomed, 0.5, 1, 4);
  close(back.start, 0);
  close(back.end, 4);
});

test('views stay inside the recording and at least the minimum span wide', () => {
  assert.deepEqual(clampView({ start: -1, end: 0.5 }, 4), { start: 0, end: 1.5 });
  assert.deepEqual(clampView({ start: 3.5, end: 5 }, 4), { start: 2.5, end: 4 });
  const tiny = zoomView(fullView(4), 1000, 2, 4);
  close(tiny.end - tiny.start, MIN_SPAN_SECONDS);
  assert.deepEqual(zoomView(fullView(4), 0.1, 2, 4), { start: 0, end: 4 }, 'cannot zoom out past the whole');
  const panned = panView({ start: 1, end: 2 }, 10, 4);
  assert.deepEqual(panned, { start: 3, end: 4 });
  assert.deepEqual(panView({ start: 1, end: 2 }, -10, 4), { start: 0, end: 1 });
});

test('xOf and secondsAt are inverse', () => {
  const view = { start: 0.7, end: 1.9 };
  for (const x of [0, 13, 400, 800]) close(xOf(secondsAt(x, view, 800), view, 800), x);
});

test('speechSpan finds the loud part between silences, padded, relative to the peak', () => {
  const rate = 16_000;
  const pcm = new Float32Array(rate * 3); // 3 s
  // A quiet tone from 1.0 to 1.5 s, with faint noise everywhere.
  for (let i = 0; i < pcm.length; i++) pcm[i] = 0.0005 * Math.sin(i * 12.9898);
  for (let i = rate; i < rate * 1.5; i++) pcm[i] = 0.05 * Math.sin((2 * Math.PI * 220 * i) / rate);
  const span = speechSpan(pcm, rate, { padSeconds: 0.1 })!;
  assert.ok(Math.abs(span.start - 0.9) <= 0.021, `start ${span.start}`);
  assert.ok(Math.abs(span.end - 1.6) <= 0.021, `end ${span.end}`);
  assert.equal(speechSpan(new Float32Array(rate), rate), null, 'digital silence has no speech');
  assert.equal(speechSpan(new Float32Array(0), rate), null);
});
