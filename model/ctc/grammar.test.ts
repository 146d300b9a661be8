import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Alphabet } from '../text/alphabet.ts';
import { decode } from './decode.ts';
import { decodeGrammar, Grammar, grammarFromText } from './grammar.ts';
import { logAdd } from './log-math.ts';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Random [frames × classes] log-softmax rows. */
function randomLogProbs(frames: number, classes: number, rand: () => number, sharpness = 3): Float32Array {
  const out = new Float32Array(frames * classes);
  for (let t = 0; t < frames; t++) {
    const row = Array.from({ length: classes }, () => rand() * sharpness);
    const norm = row.reduce((a, v) => logAdd(a, v), -Infinity);
    row.forEach((v, k) => { out[t * classes + k] = v - norm; });
  }
  return out;
}

/** Log-probabilities whose likeliest path spells `text` (one frame per letter, blanks between). */
function spelling(text: string, alphabet: Alphabet, framesPerLabel = 3): { logProbs: Float32Array; frames: number } {
  const ids = alphabet.encode(text);
  const path: number[] = [0];
  for (const id of ids) path.push(id, ...Array(framesPerLabel - 1).fill(0));
  const classes = alphabet.size;
  const logProbs = new Float32Array(path.length * classes).fill(Math.log(0.05 / (classes - 1)));
  path.forEach((k, t) => { logProbs[t * classes + k] = Math.log(0.95); });
  return { logProbs, frames: path.length };
}

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

test('phrase scores equal brute-force sums over every CTC alignment', () => {
  const alphabet = new Alphabet('ab ');
  const grammar = new Grammar(['a', 'ab', 'b a', 'aa'], alphabet);
  const classes = alphabet.size; // blank, a, b, space
  const frames = 5;
  const logProbs = randomLogProbs(frames, classes, seeded(3), 2);
  // Enumerate all classes^frames paths, collapse them, and sum per phrase.
  const sums = new Map<string, number>();
  for (let code = 0; code < classes ** frames; code++) {
    let rest = code, logP = 0;
    const path: number[] = [];
    for (let t = 0; t < frames; t++) { const k = rest % classes; rest = Math.floor(rest / classes); path.push(k); logP += logProbs[t * classes + k]; }
    const labels = path.filter((k, t) => k !== 0 && (t === 0 || k !== path[t - 1]));
    const text = alphabet.decode(labels);
    sums.set(text, logAdd(sums.get(text) ?? -Infinity, logP));
  }
  const result = decodeGrammar(logProbs, frames, classes, grammar, 0);
  grammar.phrases.forEach((phrase, i) => {
    assert.ok(Math.abs(result.phraseLogProbs[i] - sums.get(phrase)!) < 1e-5, `${phrase}: ${result.phraseLogProbs[i]} vs ${sums.get(phrase)}`);
  });
  const best = grammar.phrases.reduce((a, b) => (sums.get(a)! >= sums.get(b)! ? a : b));
  assert.equal(result.text, best);
  // Confidence: the phrase's share against all phrases and the greedy reading (unless a phrase).
  const greedy: number[] = [];
  for (let t = 0; t < frames; t++) {
    const row = [...logProbs.subarray(t * classes, (t + 1) * classes)];
    greedy.push(row.indexOf(Math.max(...row)));
  }
  const greedyText = alphabet.decode(greedy.filter((k, t) => k !== 0 && (t === 0 || k !== greedy[t - 1])));
  const near = grammar.phrases.some((p) => levenshtein(greedyText, p) <= 0.5 * p.length);
  const competitor = near ? -Infinity : sums.get(greedyText)!;
  const total = grammar.phrases.reduce((a, p) => logAdd(a, sums.get(p)!), competitor);
  assert.ok(Math.abs(result.confidence - Math.exp(sums.get(best)! - total)) < 1e-5);
});

test('the output is always exactly one phrase, or nothing flagged low-confidence', () => {
  const alphabet = new Alphabet("abcdefghijklmnopqrstuvwxyz '");
  const grammar = grammarFromText('# commands\nTurn on the lights\nturn off the lights\n\nstop\nplay music\nwhat time is it\n', alphabet);
  assert.deepEqual(grammar.phrases, ['turn on the lights', 'turn off the lights', 'stop', 'play music', 'what time is it']);
  const rand = seeded(17);
  let rejected = 0;
  for (let trial = 0; trial < 60; trial++) {
    const frames = 5 + Math.floor(rand() * 60);
    const logProbs = randomLogProbs(frames, alphabet.size, rand, 1 + rand() * 8);
    const result = decode(logProbs, frames, alphabet, { frameSeconds: 0.02, grammar, grammarMinConfidence: trial % 2 ? 0 : 0.2 });
    assert.ok(result.grammar);
    if (result.text === '') {
      assert.ok(result.grammar.lowConfidence, 'empty output only when flagged');
      rejected++;
    } else {
      assert.ok(grammar.phrases.includes(result.text), `"${result.text}" is not a phrase`);
      assert.equal(result.words.map((w) => w.word).join(' '), result.text);
    }
    if (trial % 2) assert.notEqual(result.text, '', 'with minimum confidence 0 a phrase is always output');
  }
  assert.ok(rejected > 0, 'random noise is sometimes rejected');
});

test('a clearly spoken phrase is chosen with high confidence; other speech is rejected', () => {
  const alphabet = new Alphabet("abcdefghijklmnopqrstuvwxyz '");
  const grammar = grammarFromText('stop\nplay music\nturn off the lights\nturn on the lights', alphabet);
  const spoken = spelling('turn off the lights', alphabet);
  const chosen = decode(spoken.logProbs, spoken.frames, alphabet, { frameSeconds: 0.02, grammar });
  assert.equal(chosen.text, 'turn off the lights');
  assert.ok(chosen.grammar!.confidence > 0.9, `confidence ${chosen.grammar!.confidence}`);
  const other = spelling('what is the weather', alphabet);
  const rejected = decode(other.logProbs, other.frames, alphabet, { frameSeconds: 0.02, grammar });
  assert.equal(rejected.text, '');
  assert.ok(rejected.grammar!.lowConfidence);
  assert.ok(rejected.grammar!.confidence < 0.01);
  assert.ok(grammar.phrases.includes(rejected.grammar!.bestPhrase));
});
