import type { Incident } from '../incidents/incident-types.ts';
import { formatAge, formatWhen } from './format.ts';
import { type PageStaff, Layout } from './layout.tsx';

const studioNames = { image: 'Image Studio', video: 'Video Studio', music: 'Music Studio', storyboard: 'Storyboard Studio' } as const;

/** What the last Resolve did: the page says it (status) or says why nothing was done (alert). */
export interface IncidentOutcome {
  done: boolean;
  summary: string;
}

/**
 * The open incidents, newest first, each with a Resolve button: the same incident service as
 * Slack's button (one effect however often it is pressed; the users who asked are told once; the
 * incident's Slack message is updated).
 */
export const IncidentsPage = ({ staff, incidents, now, outcome }: { staff: PageStaff; incidents: Incident[]; now: number; outcome?: IncidentOutcome }) => (
  <Layout title="Incidents" staff={staff}>
    <h1>Incidents</h1>
    {outcome && (
      <p class={outcome.done ? 'notice' : 'notice refused'} role={outcome.done ? 'status' : 'alert'}>
        {outcome.done ? outcome.summary : `Nothing was done: ${outcome.summary}`}
      </p>
    )}
    <p class="muted">
      Opened by the desk when failed runs of one studio with one error come from many accounts. Resolve one when the platform has fixed it: users who
      asked to be told are told then.
    </p>
    <table>
      <caption>{incidents.length === 0 ? 'No open incidents' : `${incidents.length} open incident${incidents.length === 1 ? '' : 's'}, newest first`}</caption>
      <thead>
        <tr>
          <th scope="col">Incident</th>
          <th scope="col">Studio</th>
          <th scope="col">Error</th>
          <th scope="col">Accounts</th>
          <th scope="col">Since</th>
          <th scope="col">Last failure</th>
          <th scope="col">
            <span class="muted">Decision</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {[...incidents]
          .sort((a, b) => b.since - a.since)
          .map((i) => (
            <tr>
              <th scope="row">{i.id}</th>
              <td>{studioNames[i.studio]}</td>
              <td>
                <code>{i.error}</code>
              </td>
              <td>{i.accounts}</td>
              <td>
                <time datetime={new Date(i.since).toISOString()} title={formatWhen(i.since)}>
                  {formatAge(i.since, now)}
                </time>
              </td>
              <td>
                <time datetime={new Date(i.lastFailureAt).toISOString()}>{formatWhen(i.lastFailureAt)}</time>
              </td>
              <td>
                <form method="post" action={`/desk/incidents/${i.id}/resolve`}>
                  <input type="hidden" name="csrf" value={staff.csrfToken} />
                  <button type="submit" aria-label={`Resolve ${i.id}`}>
                    Resolve
                  </button>
                </form>
              </td>
            </tr>
          ))}
      </tbody>
    </table>
  </Layout>
);
