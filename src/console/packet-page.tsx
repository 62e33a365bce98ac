import type { Packet } from '../core/support-packet.ts';
import type { AuditEntry } from '../core/support-store.ts';
import { refundRefusal } from '../triage/approve-refund.ts';
import { assigneeOf, verdictOf } from '../triage/packet-history.ts';
import type { DecisionOutcome } from '../triage/triage-types.ts';
import { formatWhen } from './format.ts';
import { ColumnHeads, type PageStaff, Layout } from './layout.tsx';
import { statusWords } from './queue-page.tsx';

const stepWords = { retry: 'retried', simplify: 'simplified the prompt', checked_credits: 'checked credits' } as const;
const speaker = { user: 'User', bot: 'Assistant', agent: 'Support' } as const;
const runVerdictWords = { refund_due: 'refund due', refunded: 'refunded', not_charged: 'not charged', in_progress: 'in progress' } as const;

const actionWords: Record<string, string> = {
  'packet.created': 'Packet filed',
  'packet.joined': 'Another report joined the packet',
  'refund.issued': 'Refund issued automatically',
  'refund.failed': 'Automatic refund failed',
  'refund.approved': 'Refund approved',
  'info.requested': 'Asked the user for information',
  'packet.assigned': 'Assigned',
  'packet.resolved': 'Resolved',
  'reply.sent': 'Replied to the user',
};

/** Who did it, in words: the member of staff's name (Slack or console), else the actor as logged. */
function actorOf(entry: AuditEntry): string {
  const staff = (entry.evidence as { staff?: { id?: unknown; name?: unknown } } | null)?.staff;
  const name = typeof staff?.name === 'string' ? staff.name : typeof staff?.id === 'string' ? staff.id : null;
  if (!name) return entry.actor;
  return entry.actor.startsWith('slack:') ? `${name} (Slack)` : name;
}

/** What the entry says beyond its action: the amount refunded, the words sent to the user. */
function detailOf(entry: AuditEntry): string {
  const evidence = (entry.evidence ?? {}) as { amount?: unknown; text?: unknown; question?: unknown; refundDue?: unknown };
  if (typeof evidence.amount === 'number') return `${evidence.amount} credits`;
  if (typeof evidence.question === 'string') return evidence.question;
  if (typeof evidence.text === 'string') return evidence.text;
  if (entry.action === 'refund.issued' && typeof evidence.refundDue === 'number') return `${evidence.refundDue} credits`;
  return '';
}

const settingsText = (settings: Packet['settings']) =>
  settings
    ? Object.entries(settings)
        .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(', ')
    : '';

const Fact = ({ label, value }: { label: string; value: string }) => (
  <>
    <dt>{label}</dt>
    <dd>{value || '—'}</dd>
  </>
);

/** One decision's form: the session's CSRF token always; a key where a resubmission must be one effect. */
const DecisionForm = (props: { ref: string; action: string; csrf: string; label: string; primary?: boolean; children?: unknown }) => (
  <form method="post" action={`/desk/packets/${props.ref}/${props.action}`}>
    <input type="hidden" name="csrf" value={props.csrf} />
    {props.children}
    <button type="submit" class={props.primary ? 'primary' : undefined}>
      {props.label}
    </button>
  </form>
);

export interface PacketPageProps {
  staff: PageStaff;
  packet: Packet;
  audit: readonly AuditEntry[];
  /** A fresh key for the Ask and Reply forms: the same form sent twice is one message. */
  formKey: string;
  outcome?: DecisionOutcome | undefined;
}

/**
 * A packet as staff decide on it: the facts of its Slack message (account, status and assignee,
 * studio, when, prompt, settings, error, steps, runs, what is missing; the findings with amounts and
 * times; the audit trail; the transcript) and the same decisions.
 */
export const PacketPage = ({ staff, packet, audit, formKey, outcome }: PacketPageProps) => {
  const verdict = verdictOf(packet);
  const assignee = assigneeOf(audit);
  const findings = packet.findings;
  const due = findings?.refundDue ?? 0;
  const canRefund = refundRefusal(packet) === null;
  const open = packet.status !== 'resolved';
  return (
    <Layout title={packet.ref} staff={staff}>
      <h1>
        {packet.ref} · {verdict}
      </h1>
      {outcome && (
        <p class={outcome.status === 'done' ? 'notice' : 'notice refused'} role={outcome.status === 'done' ? 'status' : 'alert'}>
          {outcome.status === 'done' ? outcome.summary : `Nothing was done: ${outcome.summary}`}
        </p>
      )}
      <section aria-labelledby="facts">
        <h2 id="facts">Report</h2>
        <dl>
          <Fact label="Account" value={packet.accountEmail ? `${packet.accountEmail}${packet.verified ? '' : ' (unverified)'}` : ''} />
          <Fact label="Status" value={`${statusWords[packet.status]}${assignee ? ` · assigned to ${assignee.name ?? assignee.id}` : ''}`} />
          <Fact label="Studio" value={packet.studio ?? ''} />
          <Fact label="When" value={packet.occurredAt ? formatWhen(packet.occurredAt, packet.timezone) : ''} />
          <Fact label="Prompt" value={packet.prompt ?? ''} />
          <Fact label="Settings" value={settingsText(packet.settings)} />
          <Fact label="Error" value={packet.errorMessage ?? ''} />
          <Fact label="Steps tried" value={packet.stepsTried.map((s) => stepWords[s]).join(', ')} />
          <Fact label="Runs" value={packet.generationIds.join(', ')} />
          <Fact label="Still missing" value={packet.missing.join(', ')} />
          <Fact label="Channel" value={`${packet.channel} · ${packet.verified ? 'verified' : 'not verified'} · filed ${formatWhen(packet.createdAt)}`} />
        </dl>
      </section>
      <section aria-labelledby="findings">
        <h2 id="findings">Findings</h2>
        {findings ? (
          <>
            <table>
              <caption>
                Refund due: {findings.refundDue} credits · balance {findings.balance} credits · as of {formatWhen(findings.now)}
              </caption>
              <ColumnHeads names={['Run', 'Studio', 'Status', 'Started', 'Charged', 'Refunded', 'Outstanding', 'Verdict']} />
              <tbody>
                {findings.runs.map((run) => (
                  <tr>
                    <th scope="row">
                      <code>{run.generationId}</code>
                    </th>
                    <td>{run.studio}</td>
                    <td>
                      {run.stuck ? `${run.status}, stuck` : run.status}
                      {run.error ? ` (${run.error.code ?? run.error.message})` : ''}
                    </td>
                    <td>{formatWhen(run.createdAt, packet.timezone)}</td>
                    <td>{run.charged > 0 ? `${run.charged} (${run.chargeEvidence})` : 'no charge found'}</td>
                    <td>{run.refunded}</td>
                    <td>{run.outstanding}</td>
                    <td>{runVerdictWords[run.verdict]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {findings.runs.length === 0 && <p>No failed, canceled or stuck runs in the window.</p>}
            {findings.otherSpends.length > 0 && (
              <p>
                Other spends in the window: {findings.otherSpends.reduce((sum, s) => sum + Math.abs(s.amount), 0)} credits over {findings.otherSpends.length}{' '}
                completed runs, latest {formatWhen(findings.otherSpends.at(-1)?.createdAt ?? '', packet.timezone)}.
              </p>
            )}
          </>
        ) : (
          <p>None: the sender was not verified, so no account data is shown.</p>
        )}
      </section>
      <section aria-labelledby="decide">
        <h2 id="decide">Decide</h2>
        <div class="decisions">
          {open && canRefund && (
            <DecisionForm ref={packet.ref} action="approve" csrf={staff.csrfToken} label={`Approve refund (${due} credits)`} primary>
              <p>
                Refunds {due} credits to {packet.accountEmail ?? 'this account'}; the user is told at once.
              </p>
            </DecisionForm>
          )}
          {open && (
            <DecisionForm ref={packet.ref} action="ask" csrf={staff.csrfToken} label="Ask for info">
              <input type="hidden" name="key" value={formKey} />
              <label for="question">Question for the user</label>
              <textarea id="question" name="question" required maxlength={4000} />
            </DecisionForm>
          )}
          <DecisionForm ref={packet.ref} action="reply" csrf={staff.csrfToken} label="Send reply">
            <input type="hidden" name="key" value={formKey} />
            <label for="reply">Reply to the user</label>
            <textarea id="reply" name="text" required maxlength={4000} />
          </DecisionForm>
          {open && <DecisionForm ref={packet.ref} action="assign" csrf={staff.csrfToken} label="Assign to me" />}
          {open && <DecisionForm ref={packet.ref} action="resolve" csrf={staff.csrfToken} label="Resolve" />}
        </div>
      </section>
      <section aria-labelledby="history">
        <h2 id="history">Audit trail</h2>
        <table>
          <caption>Every step on this packet, oldest first</caption>
          <ColumnHeads names={['When', 'Who', 'What', 'Detail']} />
          <tbody>
            {audit.map((entry) => (
              <tr>
                <td>{formatWhen(entry.at)}</td>
                <td>{actorOf(entry)}</td>
                <td>{actionWords[entry.action] ?? entry.action}</td>
                <td>{detailOf(entry)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="transcript">
        <h2 id="transcript">Transcript</h2>
        {packet.transcript.length === 0 ? (
          <p>No transcript.</p>
        ) : (
          <ol class="transcript">
            {packet.transcript.map((entry) => (
              <li>
                <strong>{speaker[entry.from]}</strong> · <time datetime={entry.at}>{formatWhen(entry.at)}</time>
                {'\n'}
                {entry.text}
              </li>
            ))}
          </ol>
        )}
      </section>
    </Layout>
  );
};
