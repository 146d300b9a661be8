import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricsSummary } from './model-metrics.ts';

test('known metrics by name, then other plain numbers; curves and objects left out', () => {
  const summary = metricsSummary({
    heldOut: { cer: 0.0825, epoch: 3, utterances: 4 }, trainUtterances: 11, head: 'gru', frozenLayers: 1, stoppedBy: 'epochs',
    curve: [{ epoch: 0, step: 2, trainLoss: 0.7, heldOutCer: 0 }], bestCurvePoint: { epoch: 0 }, devWer: 0.02, steps: 40, datasetId: 'ds1',
  });
  assert.equal(summary, 'held-out CER 8.3 % (4 utt.) · head gru · frozen 1 · 11 training utt. · devWer 2.0 % · steps 40');
  assert.equal(metricsSummary({}), '');
  assert.equal(metricsSummary({ heldOut: { cer: Number.NaN }, frozenLayers: 0 }), '');
});
