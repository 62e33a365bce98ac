import type { KnownBlock } from '@slack/types';
import type { LookupResult } from '../../../src/triage/triage-reads.ts';
import { findingsText } from './findings-text.ts';
import type { SlackMessage } from './packet-message.ts';
import { escapeSlack, formatWhen, mrkdwn } from './slack-text.ts';

/** The answer to `/prism lookup <email>`: the account's reconciliation, for the one who asked. */
export function lookupMessage(result: LookupResult): SlackMessage {
  if (result.status === 'not_found') {
    const text = `No account with the email ${escapeSlack(result.email)}.`;
    return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
  }
  const { account, reconciliation: r } = result;
  const email = escapeSlack(account.email);
  const zone = account.timezone ? ` · zone ${escapeSlack(account.timezone)}` : '';
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn(
        `*${email}*${account.name ? ` (${escapeSlack(account.name)})` : ''} · \`${escapeSlack(account.id)}\`${zone}\n` +
          `Window ${formatWhen(r.window.from)} – ${formatWhen(r.window.to)} · ${r.totals.failedRuns} failed, ${r.totals.stuckRuns} stuck`,
      ),
    },
    { type: 'section', text: mrkdwn(findingsText(r, { timezone: account.timezone ?? null })) },
    { type: 'context', elements: [mrkdwn(`Reconciled as of ${formatWhen(r.now)}. Only you can see this.`)] },
  ];
  return { text: `${email}: refund due ${r.totals.refundDue} credits, balance ${r.balance}`, blocks };
}

/** The answer to `/prism` without a known subcommand. */
export function usageMessage(): SlackMessage {
  const text = [
    '*/prism lookup* `email` — the reconciliation of an account (failed runs, charges, refund due)',
    '*/prism packet* `PKT-…` — a support packet with its history',
  ].join('\n');
  return { text: 'Usage: /prism lookup <email> | /prism packet <ref>', blocks: [{ type: 'section', text: mrkdwn(text) }] };
}
