import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { alignSeries, stepAxisSplits, type CurveSeries } from '../finetune/curve-data.ts';

/** Distinct line colours for overlaid jobs (Okabe–Ito, readable on the dark background). */
export const SERIES_COLOURS = ['#56b4e9', '#e69f00', '#009e73', '#f0e442', '#cc79a7', '#d55e00', '#0072b2', '#ffffff'];

interface Props {
  title: string;
  yLabel: string;
  series: CurveSeries[];
  testId: string;
  /** Log y axis (loss spans a decade or two). */
  logY?: boolean;
}

/**
 * A uPlot line chart of one or more jobs' curves over training steps. The plot is rebuilt when
 * the set of series changes and only fed new data otherwise (live updates every step).
 */
export function CurveChart({ title, yLabel, series, testId, logY = false }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels = series.map((one) => one.label).join('\u0000');
  const aligned = alignSeries(series);
  const data: uPlot.AlignedData = [aligned.x, ...aligned.ys];
  const latestData = useRef(data);
  latestData.current = data;

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const width = Math.max(280, element.clientWidth);
    const options: uPlot.Options = {
      width,
      height: 200,
      title,
      // Whole training steps on x: the range ends on whole steps and ticks never fall between them.
      scales: { x: { time: false, range: (_self, min, max) => [Math.floor(min), Math.max(Math.ceil(max), Math.floor(min) + 1)] }, y: logY ? { distr: 3 } : { range: (_self, min, max) => [Math.min(0, min), max > 0 ? max * 1.05 : 1] } },
      axes: [
        {
          label: 'training step', stroke: '#8b95a5', grid: { stroke: '#2b3442' }, ticks: { stroke: '#2b3442' },
          splits: (self, _axis, min, max) => stepAxisSplits(min, max, self.bbox.width / (window.devicePixelRatio || 1)),
          values: (_self, splits) => splits.map((tick) => String(tick)),
        },
        { label: yLabel, stroke: '#8b95a5', grid: { stroke: '#2b3442' }, ticks: { stroke: '#2b3442' } },
      ],
      series: [{ label: 'step' }, ...series.map((one, index) => ({ label: one.label, stroke: SERIES_COLOURS[index % SERIES_COLOURS.length], width: 2, spanGaps: true, points: { show: true, size: 4 } }))],
      legend: { show: true },
    };
    const chart = new uPlot(options, latestData.current, element);
    plot.current = chart;
    const resize = new ResizeObserver(() => {
      if (element.clientWidth > 0) chart.setSize({ width: element.clientWidth, height: 200 });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [labels, title, yLabel, logY]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  return <div className="curve-chart" data-testid={testId} data-series={series.length} data-points={aligned.x.length} ref={host} />;
}
