/**
 * A model version's metrics as one line for the versions table. ModelInfo.metrics is free-form
 * (whatever the training run recorded: held-out CER, head, frozen layers, the whole curve…), so
 * the known entries are picked out by name and other plain numbers follow; nested objects and
 * arrays (curves) are left to the Train view.
 */

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** "held-out CER 8.2 % (3 utt.) · head gru · frozen 1 · 11 training utt. · …". */
export function metricsSummary(metrics: Record<string, unknown>): string {
  const parts: string[] = [];
  const used = new Set(['heldOut', 'head', 'frozenLayers', 'trainUtterances', 'curve', 'bestCurvePoint', 'datasetId', 'datasetName']);
  const heldOut = metrics.heldOut as Record<string, unknown> | undefined;
  if (heldOut && typeof heldOut === 'object' && finite(heldOut.cer)) {
    parts.push(`held-out CER ${percent(heldOut.cer)}${finite(heldOut.utterances) ? ` (${heldOut.utterances} utt.)` : ''}`);
  }
  if (typeof metrics.head === 'string') parts.push(`head ${metrics.head}`);
  if (finite(metrics.frozenLayers) && metrics.frozenLayers > 0) parts.push(`frozen ${metrics.frozenLayers}`);
  if (finite(metrics.trainUtterances)) parts.push(`${metrics.trainUtterances} training utt.`);
  for (const [key, value] of Object.entries(metrics)) {
    if (used.has(key) || !finite(value)) continue;
    parts.push(/cer|wer/i.test(key) ? `${key} ${percent(value)}` : `${key} ${Number.isInteger(value) ? value : value.toFixed(3)}`);
  }
  return parts.join(' · ');
}
