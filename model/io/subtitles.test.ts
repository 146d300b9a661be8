/**
 * Subtitle cues and paragraphs from word timings, on hand-made words whose right grouping is
 * known: cues break at pauses, at 6 s and where two 42-character lines would overflow; lines
 * are balanced; times are the words' own; paragraphs break at long pauses after 10 s.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WordTiming } from '../ctc/types.ts';
import { groupCues, layoutLines, toParagraphs, toSrt, toText, toVtt } from './subtitles.ts';

/** Words of the given text, one every `step` seconds (each lasting 80 % of it), from `start`. */
function words(text: string, start = 0, step = 0.4): WordTiming[] {
  return text.split(' ').map((word, i) => ({ word, start: start + i * step, end: start + i * step + 0.8 * step, confidence: 0.9 }));
}

test('cues: a pause of half a second starts a new one; times are the words\' own', () => {
  const first = words('one five two', 0);
  const second = words('three two', first.at(-1)!.end + 0.5);
  const cues = groupCues([...first, ...second]);
  assert.deepEqual(cues.map((c) => c.text), ['one five two', 'three two']);
  assert.equal(cues[0].start, first[0].start);
  assert.equal(cues[0].end, first.at(-1)!.end);
  assert.equal(cues[1].start, second[0].start);
  // a shorter gap does not break
  assert.equal(groupCues([...first, ...words('three two', first.at(-1)!.end + 0.4)]).length, 1);
});

test('cues: at most two lines of 42 characters, balanced, and at most 6 seconds', () => {
  const text = 'the quick brown fox jumps over the lazy dog while the cat sleeps on a warm windowsill all afternoon long';
  const cues = groupCues(words(text, 0, 0.2));
  for (const cue of cues) {
    const lines = cue.text.split('\n');
    assert.ok(lines.length <= 2 && lines.every((l) => l.length <= 42), JSON.stringify(cue.text));
    assert.ok(cue.end - cue.start <= 6);
  }
  assert.equal(cues.map((c) => c.text.replace('\n', ' ')).join(' '), text);
  assert.equal(cues.length, 2); // 103 characters: more than one cue's two lines hold
  // one word per second: the 6 s limit comes first
  assert.ok(groupCues(words('a b c d e f g h i j k l', 0, 1)).every((c) => c.end - c.start <= 6));
  assert.equal(layoutLines('the quick brown fox jumps over the lazy dog again and again'.split(' ')), 'the quick brown fox jumps over\nthe lazy dog again and again');
  assert.equal(layoutLines(['short', 'line']), 'short line');
});

test('paragraphs break at a pause of a second once the paragraph lasts 10 s', () => {
  const a = words('one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twenty-one twenty-two twenty-three twenty-four twenty-five twenty-six', 0, 0.5);
  const b = words('next paragraph here', a.at(-1)!.end + 1.2);
  const c = words('too soon for another', b.at(-1)!.end + 1.5);
  assert.deepEqual(toParagraphs([...a, ...b, ...c]).map((p) => p.split(' ')[0]), ['one', 'next']);
  assert.equal(toText([...a, ...b]).split('\n\n').length, 2);
});

test('SRT and WebVTT documents', () => {
  const w = words('hello world', 3661.5);
  assert.equal(toSrt(w), '1\n01:01:01,500 --> 01:01:02,220\nhello world\n');
  assert.equal(toVtt(w), 'WEBVTT\n\n01:01:01.500 --> 01:01:02.220\nhello world\n');
});
