import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLANK_MARK, collapse, explainStep, mergeRepeats } from './ctc-collapse.ts';

const CLASSES = ['', ' ', 'e', 'l', 'n', 's', 'v', 'h', 't'];
const encode = (text: string) => Int32Array.from([...text], (c) => (c === '.' ? 0 : CLASSES.indexOf(c)));

/** CTC's rule written the other way round, as a reference: keep a label when it is not blank and differs from the step before. */
function reference(labels: Int32Array): string {
  let out = '';
  for (let t = 0; t < labels.length; t++) if (labels[t] !== 0 && (t === 0 || labels[t] !== labels[t - 1])) out += CLASSES[labels[t]];
  return out;
}

test('collapse merges repeats then drops blanks; a blank keeps a double letter', () => {
  assert.equal(collapse(encode('..sseee.vv.ennn..'), CLASSES), 'seven');
  assert.equal(collapse(encode('hel.lll'), CLASSES), 'hell');
  assert.equal(collapse(encode('hell'), CLASSES), 'hel');
  assert.deepEqual(mergeRepeats(encode('sse..e')), [...encode('se.e')]);
  // Random label strings agree with the reference formulation.
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let n = 0; n < 200; n++) {
    const labels = Int32Array.from({ length: 1 + Math.floor(random() * 30) }, () => Math.floor(random() * CLASSES.length));
    assert.equal(collapse(labels, CLASSES), reference(labels));
  }
});

test('explainStep shows the word around the step, steps → merged → text', () => {
  const best = encode('...ssee.vv.en...  tt.en..');
  const explanation = explainStep(best, CLASSES, 8)!;
  assert.equal(explanation.text, 'seven');
  assert.equal(explanation.steps.join(''), `ssee${BLANK_MARK}vv${BLANK_MARK}en`);
  assert.equal(explanation.merged.join(''), `se${BLANK_MARK}v${BLANK_MARK}en`);
  assert.equal(explanation.from, 3);
  assert.equal(explanation.steps[explanation.current], 'v');
  const second = explainStep(best, CLASSES, 19)!;
  assert.equal(second.text, 'ten');
  assert.equal(explainStep(best, CLASSES, best.length), null);
  assert.equal(explainStep(best, CLASSES, -1), null);
});

test('explainStep windows long stretches around the step', () => {
  const best = encode('s'.repeat(30) + 'e'.repeat(30) + 'n'.repeat(30));
  const explanation = explainStep(best, CLASSES, 45, 20)!;
  assert.equal(explanation.steps.length, 20);
  assert.ok(explanation.from <= 45 && explanation.to >= 45);
  assert.equal(explanation.steps[explanation.current], 'e');
});
