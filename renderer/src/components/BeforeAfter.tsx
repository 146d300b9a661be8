import type { ModelComparisonDTO } from '../../../contract/contract.ts';
import { heldOutNote } from '../finetune/held-out.ts';
import { diffWords, type DiffToken } from '../finetune/word-diff.ts';

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

function Tokens({ tokens, kind }: { tokens: DiffToken[]; kind: 'before' | 'after' }) {
  if (tokens.length === 0) return <span className="muted">(nothing)</span>;
  return (
    <>
      {tokens.map((token, index) => (
        <span key={index} className={token.changed ? `diff-word changed ${kind}` : 'diff-word'}>{token.word}</span>
      ))}
    </>
  );
}

/**
 * Before/after on the held-out part: WER and CER of the parent and of the new version, then every
 * utterance with the words that changed between the two hypotheses highlighted (and each
 * hypothesis marked right or wrong against the reference).
 */
export function BeforeAfter({ comparison, parentName, modelName }: { comparison: ModelComparisonDTO; parentName: string; modelName: string }) {
  const better = (before: number, after: number) => (after < before ? 'better' : after > before ? 'worse' : '');
  const note = heldOutNote(comparison.utterances.length);
  return (
    <div className="before-after" data-testid="before-after" data-utterances={comparison.utterances.length}>
      <p className="muted" data-testid="before-after-basis">Measured {note.basis}.</p>
      {note.warning ? <p className="banner warning" role="note" data-testid="before-after-warning">{note.warning}</p> : null}
      <table className="data-table metrics-table" data-testid="before-after-metrics">
        <thead><tr><th /><th>Before ({parentName})</th><th>After ({modelName})</th></tr></thead>
        <tbody>
          <tr data-testid="metric-wer"><td title="Word error rate: words wrong, missing or extra, per word said">Word errors (WER)</td><td className="number">{percent(comparison.before.wer)}</td><td className={`number ${better(comparison.before.wer, comparison.after.wer)}`}>{percent(comparison.after.wer)}</td></tr>
          <tr data-testid="metric-cer"><td title="Character error rate: the same, counted in letters">Letter errors (CER)</td><td className="number">{percent(comparison.before.cer)}</td><td className={`number ${better(comparison.before.cer, comparison.after.cer)}`}>{percent(comparison.after.cer)}</td></tr>
        </tbody>
      </table>
      {comparison.utterances.length === 0 ? <p className="muted">The dataset has no held-out utterances to compare on.</p> : (
        <table className="data-table utterance-diffs">
          <thead><tr><th>Reference</th><th>Before</th><th>After</th></tr></thead>
          <tbody>
            {comparison.utterances.map((utterance) => {
              const diff = diffWords(utterance.before, utterance.after);
              const beforeRight = utterance.before.trim() === utterance.reference.trim();
              const afterRight = utterance.after.trim() === utterance.reference.trim();
              return (
                <tr key={utterance.itemId} data-testid="utterance-diff" data-changed={diff.left.some((t) => t.changed) || diff.right.some((t) => t.changed) ? 'true' : 'false'}>
                  <td>{utterance.reference}</td>
                  <td className={beforeRight ? 'right' : 'wrong'}><Tokens tokens={diff.left} kind="before" /></td>
                  <td className={afterRight ? 'right' : 'wrong'}><Tokens tokens={diff.right} kind="after" /></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
