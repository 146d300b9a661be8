import type { JobInfo } from '../../../contract/contract.ts';
import { finalMetrics } from '../finetune/curve-data.ts';
import { SERIES_COLOURS } from './CurveChart.tsx';

const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)} %`);

/** Compare variants: the final metrics of every job on the dataset, side by side. */
export function VariantsTable({ jobs }: { jobs: JobInfo[] }) {
  const rows = jobs.map(finalMetrics);
  const best = Math.min(...rows.map((row) => row.heldOutCer ?? Infinity));
  return (
    <table className="data-table compare-table" data-testid="compare-table" data-rows={rows.length}>
      <thead>
        <tr><th /><th>Name</th><th>Top layer</th><th>State</th><th>Epochs</th><th>Steps</th><th>Train loss</th><th>Held-out CER</th><th>Best CER</th></tr>
      </thead>
      <tbody>
        {rows.map((row, index) => (
          <tr key={row.jobId} data-testid="compare-row" data-job-id={row.jobId} className={row.heldOutCer !== null && row.heldOutCer === best ? 'best' : ''}>
            <td><span className="swatch" style={{ background: SERIES_COLOURS[index % SERIES_COLOURS.length] }} /></td>
            <td>{row.name}</td>
            <td>{row.head === 'keep' ? 'kept' : `fresh ${row.head}`}</td>
            <td>{row.state}</td>
            <td className="number">{row.epochs}</td>
            <td className="number">{row.steps}</td>
            <td className="number">{row.trainLoss === null ? '–' : row.trainLoss.toFixed(3)}</td>
            <td className="number">{percent(row.heldOutCer)}</td>
            <td className="number">{percent(row.bestCer)}</td>
          </tr>
        ))}
        {rows.length === 0 ? <tr><td colSpan={9} className="muted">No jobs on this dataset yet.</td></tr> : null}
      </tbody>
    </table>
  );
}
