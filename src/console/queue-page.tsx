import type { Packet, PacketStatus } from '../core/support-packet.ts';
import { type VerdictKind, verdictKindOf, verdictKinds, verdictOf } from '../triage/packet-history.ts';
import { formatAge, formatWhen } from './format.ts';
import { ColumnHeads, type PageStaff, Layout } from './layout.tsx';

export const statusWords: Record<PacketStatus, string> = {
  open: 'Open',
  needs_info: 'Waiting on the user',
  refunded: 'Refunded',
  resolved: 'Resolved',
};

export const verdictWords: Record<VerdictKind, string> = {
  refund_due: 'Refund due',
  refunded: 'Refunded',
  in_progress: 'In progress',
  already_refunded: 'Already refunded',
  not_charged: 'Not charged',
  no_runs: 'No runs found',
  unverified: 'Unverified sender',
};

export interface QueueFilter {
  status: PacketStatus | null;
  verdict: VerdictKind | null;
}

/** The queue: packets newest first, filtered by status and verdict, with the account, studio, refund due and age. */
export const QueuePage = ({ staff, packets, filter, now }: { staff: PageStaff; packets: Packet[]; filter: QueueFilter; now: number }) => (
  <Layout title="Queue" staff={staff}>
    <h1>Queue</h1>
    <form method="get" action="/desk" class="filters" aria-label="Filter the queue">
      <div>
        <label for="status">Status</label>
        <select id="status" name="status">
          <option value="" selected={filter.status === null}>
            Any status
          </option>
          {Object.entries(statusWords).map(([value, words]) => (
            <option value={value} selected={filter.status === value}>
              {words}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="verdict">Verdict</label>
        <select id="verdict" name="verdict">
          <option value="" selected={filter.verdict === null}>
            Any verdict
          </option>
          {verdictKinds.map((value) => (
            <option value={value} selected={filter.verdict === value}>
              {verdictWords[value]}
            </option>
          ))}
        </select>
      </div>
      <button type="submit">Filter</button>
    </form>
    <table>
      <caption>
        {packets.length === 0 ? 'No packets' : `${packets.length} packet${packets.length === 1 ? '' : 's'}`}, newest first
        {filter.status ? ` · ${statusWords[filter.status]}` : ''}
        {filter.verdict ? ` · ${verdictWords[filter.verdict]}` : ''}
      </caption>
      <ColumnHeads names={['Packet', 'Status', 'Verdict', 'Account', 'Studio', 'Refund due', 'Age']} />
      <tbody>
        {packets.map((p) => (
          <tr>
            <th scope="row">
              <a href={`/desk/packets/${p.ref}`}>{p.ref}</a>
            </th>
            <td>{statusWords[p.status]}</td>
            <td>{verdictOf(p)}</td>
            <td>
              {p.accountEmail ?? '—'}
              {p.accountEmail && !p.verified ? ' (unverified)' : ''}
            </td>
            <td>{p.studio ?? '—'}</td>
            <td>{p.findings ? `${p.findings.refundDue} credits` : '—'}</td>
            <td>
              <time datetime={p.createdAt} title={formatWhen(p.createdAt)}>
                {formatAge(p.createdAt, now)}
              </time>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </Layout>
);

/** The packets of a queue page: those of the status, then of the verdict (read from each packet). */
export function byVerdict(packets: readonly Packet[], verdict: VerdictKind | null): Packet[] {
  return verdict ? packets.filter((p) => verdictKindOf(p) === verdict) : [...packets];
}
