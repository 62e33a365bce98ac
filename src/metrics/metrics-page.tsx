/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { PeriodFigures } from './dashboard-figures.ts';
import { BarChart } from './metrics-chart.tsx';

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(rate * 100 >= 10 ? 0 : 1)} %`);

/** A duration in the unit a support lead reads it in. */
export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

const Period: FC<{ figures: PeriodFigures }> = ({ figures: f }) => (
  <section class="period" data-days={f.days}>
    <h2>Last {f.days} days</h2>
    <dl class="figures">
      <dt>Self-service rate</dt>
      <dd data-figure="self-service-rate">
        {percent(f.selfServiceRate)} <small>({f.conversations.selfServed} of {f.conversations.ended} conversations that ended)</small>
      </dd>
      <dt>Charged for a failed run</dt>
      <dd data-figure="charged-for-failure-rate">
        {percent(f.chargedForFailureRate)} <small>({f.failedRuns.charged} of {f.failedRuns.total} failed runs)</small>
      </dd>
      <dt>Refunds issued</dt>
      <dd data-figure="refunds">
        {f.refunds.total.count} refunds, {f.refunds.total.credits} credits{' '}
        <small>
          (automatic {f.refunds.auto.count} · {f.refunds.auto.credits} credits; staff {f.refunds.staff.count} · {f.refunds.staff.credits} credits)
        </small>
      </dd>
      <dt>Median time to first staff response</dt>
      <dd data-figure="first-staff-response">{duration(f.medianFirstStaffResponseSeconds)}</dd>
      <dt>Median time to resolution</dt>
      <dd data-figure="resolution">{duration(f.medianResolutionSeconds)}</dd>
    </dl>
    <BarChart
      title="Conversations a day"
      labels={f.daily.map((d) => d.day)}
      series={[
        { label: 'started', color: '#8da9c4', values: f.daily.map((d) => d.conversations) },
        { label: 'self-served', color: '#2a7f62', values: f.daily.map((d) => d.selfServed) },
        { label: 'packets', color: '#c8553d', values: f.daily.map((d) => d.packets) },
      ]}
    />
    <BarChart title="Credits refunded a day" labels={f.daily.map((d) => d.day)} series={[{ label: 'credits', color: '#6b4e9b', values: f.daily.map((d) => d.refundedCredits) }]} />
    <h3>Top failures by studio and error</h3>
    <table class="clusters">
      <thead>
        <tr>
          <th>Studio</th>
          <th>Error</th>
          <th>Failed runs</th>
          <th>Charged</th>
        </tr>
      </thead>
      <tbody>
        {f.topFailureClusters.length === 0 ? (
          <tr>
            <td colspan={4}>No failed runs in reported cases.</td>
          </tr>
        ) : (
          f.topFailureClusters.map((c) => (
            <tr>
              <td>{c.studio}</td>
              <td>
                <code>{c.error}</code>
              </td>
              <td>{c.runs}</td>
              <td>{c.charged}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  </section>
);

/**
 * The console's metrics page body (`/desk/metrics`): the last 7 and 30 days side by side. The
 * console's layout and staff session wrap it; it reads nothing itself (dashboard-figures.ts does).
 */
export const MetricsPage: FC<{ week: PeriodFigures; month: PeriodFigures }> = ({ week, month }) => (
  <div class="metrics">
    <h1>Support metrics</h1>
    <Period figures={week} />
    <Period figures={month} />
  </div>
);
