/*
 * The Prometheus text exposition format (version 0.0.4), written by the desk itself because the
 * same figures are served by Node and by the chat Worker: prom-client keeps its registry in the
 * process and reads Node's process APIs, while most of these figures are read from the store at
 * each scrape. The rules applied are Prometheus's own (exposition_formats.md): names and label
 * names by their patterns, one HELP and TYPE per family before its samples, label values and help
 * escaped, histograms as cumulative `_bucket{le}` samples ending at `+Inf`, then `_sum` and `_count`.
 */

export type Labels = Readonly<Record<string, string>>;

export interface ValueFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: readonly { labels?: Labels; value: number }[];
}

/** A histogram's sample: how many observations fell at or under each bound (not cumulative: the writer adds them up). */
export interface HistogramSample {
  labels?: Labels;
  /** Upper bounds, increasing, with the number of observations in (previous bound, bound]. */
  buckets: readonly { le: number; count: number }[];
  /** Observations above the last bound. */
  over: number;
  sum: number;
}

export interface HistogramFamily {
  name: string;
  help: string;
  type: 'histogram';
  samples: readonly HistogramSample[];
}

export type Family = ValueFamily | HistogramFamily;

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const escapeHelp = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (text: string) => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** A sample value as Prometheus writes it (Go's ParseFloat reads these, `+Inf`, `-Inf` and `NaN` included). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function labelText(labels: Labels | undefined, extra?: [string, string]): string {
  const pairs = Object.entries(labels ?? {});
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return '';
  for (const [name] of pairs) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new Error(`metrics: invalid label name ${JSON.stringify(name)}`);
  }
  return `{${pairs.map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(',')}}`;
}

function histogramLines(name: string, sample: HistogramSample): string[] {
  if (sample.labels && 'le' in sample.labels) throw new Error(`metrics: ${name}: "le" is the histogram's own label`);
  const lines: string[] = [];
  let cumulative = 0;
  let previous = Number.NEGATIVE_INFINITY;
  for (const bucket of sample.buckets) {
    if (!(bucket.le > previous)) throw new Error(`metrics: ${name}: bucket bounds must increase`);
    previous = bucket.le;
    cumulative += bucket.count;
    lines.push(`${name}_bucket${labelText(sample.labels, ['le', formatValue(bucket.le)])} ${cumulative}`);
  }
  const count = cumulative + sample.over;
  lines.push(`${name}_bucket${labelText(sample.labels, ['le', '+Inf'])} ${count}`);
  lines.push(`${name}_sum${labelText(sample.labels)} ${formatValue(sample.sum)}`);
  lines.push(`${name}_count${labelText(sample.labels)} ${count}`);
  return lines;
}

/** The families as one exposition, each family once, in the order given. */
export function writeExposition(families: readonly Family[]): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const family of families) {
    if (!METRIC_NAME.test(family.name)) throw new Error(`metrics: invalid metric name ${JSON.stringify(family.name)}`);
    if (seen.has(family.name)) throw new Error(`metrics: ${family.name} written twice`);
    seen.add(family.name);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    if (family.type === 'histogram') {
      for (const sample of family.samples) lines.push(...histogramLines(family.name, sample));
    } else {
      for (const sample of family.samples) lines.push(`${family.name}${labelText(sample.labels)} ${formatValue(sample.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Counts of observations per bucket (not cumulative), as `HistogramSample` takes them. */
export function bucketCounts(bounds: readonly number[], observations: Iterable<number>): Pick<HistogramSample, 'buckets' | 'over' | 'sum'> {
  const counts = bounds.map(() => 0);
  let over = 0;
  let sum = 0;
  for (const value of observations) {
    sum += value;
    const index = bounds.findIndex((le) => value <= le);
    if (index === -1) over++;
    else counts[index] = (counts[index] ?? 0) + 1;
  }
  return { buckets: bounds.map((le, i) => ({ le, count: counts[i] ?? 0 })), over, sum };
}
