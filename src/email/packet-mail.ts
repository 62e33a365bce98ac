import type { Packet } from '../core/support-packet.ts';
import { LANGUAGE_NAMES_EN } from '../i18n/locales.ts';
import { STUDIO_NAMES, escapeHtml, formatMoment } from './mail-format.ts';

/** A mail's content: subject and the same message as text and as HTML. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

function fields(packet: Packet): [string, string][] {
  const f = packet.findings;
  return [
    ['Status', `${packet.status} (channel ${packet.channel}, created ${packet.createdAt})`],
    ['Account', `${packet.accountEmail ?? 'unknown'} — ${packet.verified ? 'verified' : 'NOT verified: no account data'}`],
    // The user's words below are as they wrote them; this says in which language.
    ...(packet.locale ? [['Language', LANGUAGE_NAMES_EN[packet.locale]] as [string, string]] : []),
    ['Studio', packet.studio ? STUDIO_NAMES[packet.studio] : 'unknown'],
    ['Prompt', packet.prompt ? `"${packet.prompt}"` : 'unknown'],
    ['Settings', packet.settings ? Object.entries(packet.settings).map(([k, v]) => `${k} ${String(v)}`).join(', ') : '—'],
    ['Error', packet.errorMessage ? `"${packet.errorMessage}"` : '—'],
    ['When', packet.occurredAt ? `${formatMoment(packet.occurredAt, packet.timezone)} — ${packet.occurredAt}` : 'unknown'],
    ['Time zone', packet.timezone ?? 'unknown'],
    ['Runs', packet.generationIds.join(', ') || '—'],
    ['Steps tried', packet.stepsTried.join(', ') || '—'],
    ['Refund due', f ? `${f.refundDue} credits (balance ${f.balance})` : '—'],
    ['Still missing', packet.missing.join(', ') || 'nothing'],
  ];
}

function runLines(packet: Packet): string[] {
  return (packet.findings?.runs ?? []).map(
    (r) =>
      `${r.generationId} (${STUDIO_NAMES[r.studio]}, ${r.status}${r.stuck ? ', stuck' : ''}${r.error ? `, "${r.error.message}"` : ''}): charged ${r.charged}, refunded ${r.refunded}, outstanding ${r.outstanding} → ${r.verdict} [${r.chargeEvidence}]`,
  );
}

/**
 * The packet as support reads it in the inbox (support-packet.md): every field, the findings run
 * by run, and the transcript. `update` marks a packet that a later report joined.
 */
export function packetMail(packet: Packet, update: boolean): MailContent {
  const headline = `${packet.accountEmail ?? 'unknown account'} — ${packet.studio ? STUDIO_NAMES[packet.studio] : 'studio unknown'}${packet.findings?.refundDue ? ` — ${packet.findings.refundDue} credits due` : ''}`;
  const subject = `[${packet.ref}] ${update ? 'Updated' : 'New'} support packet: ${headline}`;
  const rows = fields(packet);
  const runs = runLines(packet);
  const transcript = packet.transcript.map((t) => `[${t.from} ${t.at}]\n${t.text}`);

  const text = [
    `Support packet ${packet.ref}${update ? ' (updated)' : ''}`,
    '',
    ...rows.map(([k, v]) => `${k}: ${v}`),
    '',
    'Findings:',
    ...(runs.length > 0 ? runs.map((l) => `- ${l}`) : [packet.findings ? '- no failed, stuck or charged run in the case' : '- none (sender not verified or no account)']),
    '',
    'Transcript:',
    ...transcript,
  ].join('\n');

  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2>Support packet ${escapeHtml(packet.ref)}${update ? ' (updated)' : ''}</h2>`,
    '<table cellpadding="4" style="border-collapse:collapse">',
    ...rows.map(([k, v]) => `<tr><th align="left" valign="top">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`),
    '</table>',
    '<h3>Findings</h3>',
    runs.length > 0 ? `<ul>${runs.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : '<p>None.</p>',
    '<h3>Transcript</h3>',
    ...packet.transcript.map((t) => `<p><b>${escapeHtml(t.from)}</b> <small>${escapeHtml(t.at)}</small></p><pre style="white-space:pre-wrap">${escapeHtml(t.text)}</pre>`),
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
