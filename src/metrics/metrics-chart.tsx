/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';

export interface BarSeries {
  label: string;
  /** A CSS colour. */
  color: string;
  values: readonly number[];
}

export interface BarChartProps {
  title: string;
  /** One label per bar group (a day). */
  labels: readonly string[];
  /** Drawn side by side in each group, in this order. */
  series: readonly BarSeries[];
  width?: number;
  height?: number;
}

const PAD = { top: 24, right: 8, bottom: 28, left: 36 };

/**
 * A small bar chart as server-rendered SVG: no script, readable without CSS, with a title and a
 * text equivalent (each bar's <title>) for screen readers.
 */
export const BarChart: FC<BarChartProps> = ({ title, labels, series, width = 560, height = 180 }) => {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const plotWidth = width - PAD.left - PAD.right;
  const plotHeight = height - PAD.top - PAD.bottom;
  const group = plotWidth / Math.max(1, labels.length);
  const bar = Math.max(1, (group * 0.8) / Math.max(1, series.length));
  const y = (value: number) => PAD.top + plotHeight - (value / max) * plotHeight;
  // A label under every nth group, so that thirty days stay legible.
  const every = Math.ceil(labels.length / 8);
  return (
    <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label={title} viewBox={`0 0 ${width} ${height}`} width={width} height={height} class="chart">
      <title>{title}</title>
      <text x={PAD.left} y={14} font-size="12" font-weight="600">
        {title}
      </text>
      <line x1={PAD.left} y1={PAD.top + plotHeight} x2={width - PAD.right} y2={PAD.top + plotHeight} stroke="#999" />
      <text x={PAD.left - 4} y={PAD.top + 4} font-size="10" text-anchor="end">
        {max}
      </text>
      <text x={PAD.left - 4} y={PAD.top + plotHeight} font-size="10" text-anchor="end">
        0
      </text>
      {labels.map((label, i) => (
        <g>
          {series.map((s, j) => {
            const value = s.values[i] ?? 0;
            const x = PAD.left + i * group + group * 0.1 + j * bar;
            return (
              <rect x={x.toFixed(1)} y={y(value).toFixed(1)} width={bar.toFixed(1)} height={(PAD.top + plotHeight - y(value)).toFixed(1)} fill={s.color}>
                <title>{`${label} · ${s.label}: ${value}`}</title>
              </rect>
            );
          })}
          {i % every === 0 ? (
            <text x={(PAD.left + i * group + group / 2).toFixed(1)} y={height - 10} font-size="10" text-anchor="middle">
              {label.slice(5)}
            </text>
          ) : null}
        </g>
      ))}
      {series.map((s, j) => (
        <g>
          <rect x={width - PAD.right - 120} y={4 + j * 12} width={8} height={8} fill={s.color} />
          <text x={width - PAD.right - 108} y={12 + j * 12} font-size="10">
            {s.label}
          </text>
        </g>
      ))}
    </svg>
  );
};
