/**
 * Shrinking a back-off n-gram model to a budget, keeping it a proper back-off model.
 *
 * 1. Words: only those `keepWord` accepts survive (e.g. the ones our alphabet can spell), with
 *    every n-gram that contains another word.
 * 2. N-grams of order ≥ 2: ranked by Stolcke's (1998) relative-entropy criterion in its usual
 *    first-order form, P(h) · P(w | h) · [log P(w | h) − log(bo(h) · P(w | h'))], i.e. how much
 *    probability mass, weighted by how often the context occurs, is lost by letting the back-off
 *    estimate stand in for the n-gram; the `maxNgrams[n]` best of each order are kept, plus every
 *    n-gram that is the context (prefix) of a kept higher-order one.
 * 3. Back-off weights are recomputed, lowest order first, so each context's distribution sums
 *    to what it did: bo(h) = (1 − Σ_kept P(w | h)) / (1 − Σ_kept P_pruned(w | h')).
 */
import { NgramLm, type NgramTable } from './ngram-lm.ts';

export interface PruneOptions {
  /** Words to keep; <s>, </s> and <unk> are always kept. */
  keepWord?: (word: string) => boolean;
  /** Most n-grams to keep per order n ≥ 2 (index n − 2); omitted = keep all. */
  maxNgrams?: number[];
}

const ALWAYS = new Set(['<s>', '</s>', '<unk>']);

export function pruneNgramLm(lm: NgramLm, opts: PruneOptions = {}): NgramLm {
  const order = lm.order;
  // 1. Vocabulary.
  const newId = new Int32Array(lm.words.length).fill(-1);
  const words: string[] = [];
  lm.words.forEach((w, i) => {
    if (ALWAYS.has(w) || !opts.keepWord || opts.keepWord(w)) { newId[i] = words.length; words.push(w); }
  });

  // 2. Rank and select n-grams per order, highest first (so contexts of kept ones can be forced in).
  const keep: Uint8Array[] = lm.tables.map((t) => new Uint8Array(t.log10Prob.length));
  keep[0].fill(1);
  const scratch = new Int32Array(order);
  for (let n = order; n >= 2; n--) {
    const table = lm.tables[n - 1];
    const rows = table.log10Prob.length;
    const score = new Float64Array(rows).fill(-Infinity);
    for (let r = 0; r < rows; r++) {
      let allKept = true;
      for (let i = 0; i < n; i++) if (newId[table.ids[r * n + i]] < 0) { allKept = false; break; }
      if (!allKept) continue;
      const logP = table.log10Prob[r];
      // Back-off estimate: bo(h) + log P(w | h') from the full model.
      const contextRow = lm.findRow(table.ids, r * n, n - 1);
      const backoff = contextRow >= 0 ? lm.tables[n - 2].log10Backoff![contextRow] : 0;
      const lower = lm.log10ProbIds(table.ids, r * n + 1, n - 1);
      // log10 P(h) by the chain rule.
      let logContext = 0;
      for (let i = 0; i < n - 1; i++) {
        if (lm.words[table.ids[r * n + i]] === '<s>') continue; // a sentence start is certain
        for (let j = 0; j <= i; j++) scratch[j] = table.ids[r * n + j];
        logContext += lm.log10ProbIds(scratch, 0, i + 1);
      }
      const p = 10 ** (logContext + logP);
      score[r] = p * (logP - (backoff + lower)) * Math.LN10;
    }
    const limit = opts.maxNgrams?.[n - 2] ?? rows;
    const forced = keep[n - 1];
    let kept = 0;
    for (let r = 0; r < rows; r++) if (forced[r]) kept++;
    const candidates: number[] = [];
    for (let r = 0; r < rows; r++) if (!forced[r] && score[r] > -Infinity) candidates.push(r);
    candidates.sort((a, b) => score[b] - score[a]);
    for (const r of candidates) {
      if (kept >= limit) break;
      forced[r] = 1;
      kept++;
    }
    // Contexts of kept n-grams must stay, to carry their back-off weights.
    if (n > 2) {
      for (let r = 0; r < rows; r++) {
        if (!forced[r]) continue;
        const contextRow = lm.findRow(table.ids, r * n, n - 1);
        if (contextRow >= 0) keep[n - 2][contextRow] = 1;
      }
    }
  }

  // Build the kept tables (probabilities as they were; back-offs filled in below).
  const tables: NgramTable[] = lm.tables.map((t, k) => {
    const n = k + 1;
    if (n === 1) {
      const log10Prob = new Float32Array(words.length);
      const log10Backoff = order > 1 ? new Float32Array(words.length) : undefined;
      lm.words.forEach((_, i) => { if (newId[i] >= 0) log10Prob[newId[i]] = t.log10Prob[i]; });
      return { ids: Int32Array.from({ length: words.length }, (_, i) => i), log10Prob, log10Backoff };
    }
    let rows = 0;
    for (let r = 0; r < keep[k].length; r++) if (keep[k][r]) rows++;
    const out: NgramTable = {
      ids: new Int32Array(rows * n), log10Prob: new Float32Array(rows),
      log10Backoff: n < order ? new Float32Array(rows) : undefined,
    };
    let at = 0;
    for (let r = 0; r < keep[k].length; r++) {
      if (!keep[k][r]) continue;
      for (let i = 0; i < n; i++) out.ids[at * n + i] = newId[t.ids[r * n + i]];
      out.log10Prob[at] = t.log10Prob[r];
      at++;
    }
    return out;
  });

  // 3. Back-offs, lowest order first: contexts of order n−1 for n-grams of order n.
  // The model reads the tables' back-off arrays live, so weights written for order n−1 are
  // already used when order n's lower-order masses are computed.
  const model = new NgramLm(words, tables);
  for (let n = 2; n <= order; n++) {
    const contexts = tables[n - 2];
    const contextRows = contexts.log10Prob.length;
    const seenMass = new Float64Array(contextRows); // Σ P(w | h) over kept h w
    const lowerMass = new Float64Array(contextRows); // Σ P_pruned(w | h') over the same w
    const table = tables[n - 1];
    for (let r = 0; r < table.log10Prob.length; r++) {
      const c = model.findRow(table.ids, r * n, n - 1);
      if (c < 0) throw new Error(`prune: ${n}-gram row ${r} lost its context`);
      seenMass[c] += 10 ** table.log10Prob[r];
      lowerMass[c] += 10 ** model.log10ProbIds(table.ids, r * n + 1, n - 1);
    }
    for (let c = 0; c < contextRows; c++) {
      if (seenMass[c] === 0) { contexts.log10Backoff![c] = 0; continue; }
      // Quantised source probabilities can overshoot 1 by a hair: keep both masses positive.
      const numerator = Math.max(1 - seenMass[c], 1e-7);
      const denominator = Math.max(1 - lowerMass[c], 1e-7);
      contexts.log10Backoff![c] = Math.log10(numerator / denominator);
    }
  }
  return model;
}
