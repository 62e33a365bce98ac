import type { Packet } from '../core/support-packet.ts';
import { STUDIO_NAMES, formatMoment } from './mail-format.ts';

/**
 * The queued auto-reply ('email.auto_reply' outbox payload): composed when the report is filed.
 * The HTML part is made from the text when the mail is sent (`textToHtml`), not stored with it.
 */
export interface AutoReplyPayload {
  ref: string;
  subject: string;
  text: string;
  inReplyTo: string | null;
  references: string[];
}

const ASK: Record<Packet['missing'][number], string> = {
  accountEmail: 'the email address you sign in with',
  studio: 'which studio you used (Image, Video, Music or Storyboard)',
  prompt: 'the prompt you used, as you typed it',
  timestamp: 'when it happened (date and time, with your time zone)',
};

const GENERAL_HELP = [
  'What usually helps in the meantime:',
  '- Retry once: most failures (a model timeout, a brief capacity limit) pass on a second attempt.',
  '- If it fails again, change one thing: a simpler prompt, a lower resolution or one reference image fewer.',
  '- Open the Credits page to see your balance and spends: failed runs are not meant to cost credits.',
].join('\n');

function describeRuns(packet: Packet): string[] {
  const runs = packet.findings?.runs ?? [];
  return runs.map((run) => {
    const when = formatMoment(run.createdAt, packet.timezone);
    const what = `${STUDIO_NAMES[run.studio]} run ${run.generationId}, started ${when}`;
    const outcome = run.error ? `${run.status} with "${run.error.message}"` : run.stuck ? 'stuck while processing' : run.status;
    const money =
      run.verdict === 'refund_due'
        ? `It cost ${run.charged} credits that were not refunded: ${run.outstanding} credits are due back to you, and our team will confirm the refund.`
        : run.verdict === 'refunded'
          ? `It was charged ${run.charged} credits and already refunded.`
          : run.verdict === 'not_charged'
            ? 'You were not charged for it.'
            : 'It has not finished yet.';
    return `- ${what}: ${outcome}. ${money}`;
  });
}

/**
 * The one automatic answer to a report from a verified sender (RFC 3834: sent only to a person,
 * marked auto-replied): the case's ref, what the desk found on the account (for a verified
 * account holder), what it read in the message, and a request for only what is still missing.
 */
export function composeAutoReply(input: {
  packet: Packet;
  accountFound: boolean;
  joined: boolean;
  name: string;
  subject: string;
  inReplyTo: string | null;
  references: readonly string[];
}): AutoReplyPayload {
  const { packet } = input;
  const greeting = input.name ? `Hello ${input.name.split(/\s+/)[0]},` : 'Hello,';
  const lines: string[] = [greeting, ''];
  lines.push(
    input.joined
      ? `thank you for the details: we added them to your case ${packet.ref}.`
      : `thank you for writing. Your report is case ${packet.ref}; please keep [${packet.ref}] in the subject when you write about it.`,
    '',
  );
  if (!packet.verified) {
    lines.push('We could not confirm that this message came from the account holder\'s mailbox, so this reply contains no details about any account. Our team will look into it and write to you.', '', GENERAL_HELP, '');
  } else if (!input.accountFound) {
    lines.push(`We found no PrismPoster account for ${packet.accountEmail ?? 'this address'}.`, '');
  } else {
    const runs = describeRuns(packet);
    lines.push(...(runs.length > 0 ? ['What we found on your account:', ...runs] : ['We found no failed or stuck run on your account that matches your message yet; our team will look closer.']), '');
  }
  const understood = [
    packet.studio && `- Studio: ${STUDIO_NAMES[packet.studio]}`,
    packet.prompt && `- Prompt: "${packet.prompt}"`,
    packet.errorMessage && `- Error: "${packet.errorMessage}"`,
    packet.occurredAt && `- When: ${formatMoment(packet.occurredAt, packet.timezone)}`,
  ].filter((l): l is string => Boolean(l));
  if (understood.length > 0) lines.push('What we understood:', ...understood, '');
  if (packet.missing.length > 0) {
    lines.push('To resolve it in one reply we still need:', ...packet.missing.map((m) => `- ${ASK[m]}`), '', 'Just answer this email with them.', '');
  } else {
    lines.push('You do not need to send anything else: our team has what it needs and will get back to you.', '');
  }
  lines.push('PrismPoster Support (this is an automatic reply)');
  const text = lines.join('\n');
  const base = input.subject.replace(/\[PKT-[A-Z0-9]{6,10}\]\s*/g, '').trim() || 'Your support request';
  return {
    ref: packet.ref,
    subject: `[${packet.ref}] ${/^re:/i.test(base) ? base : `Re: ${base}`}`,
    text,
    inReplyTo: input.inReplyTo,
    references: [...input.references],
  };
}

/**
 * The automatic answer to a sender whose address is not verified: the same fixed text for all but
 * the case's ref. Nothing of the message (subject, name, prompt, error, links, its Message-ID) goes
 * back, since the From address may be somebody else's: the desk must not mail a stranger's words
 * from our domain to a third party.
 */
export function composeAcknowledgement(ref: string): AutoReplyPayload {
  const text = [
    'Hello,',
    '',
    `thank you for writing to PrismPoster Support. Your message is case ${ref}; please keep [${ref}] in the subject when you write about it.`,
    '',
    "We could not confirm that this message came from the account holder's mailbox, so this reply contains no details about any account and does not repeat what the message said. Our team will look into it and write to you.",
    '',
    GENERAL_HELP,
    '',
    'If you have not told us yet, it helps to know:',
    ...(['accountEmail', 'studio', 'prompt', 'timestamp'] as const).map((m) => `- ${ASK[m]}`),
    '',
    'PrismPoster Support (this is an automatic reply)',
  ].join('\n');
  return { ref, subject: `[${ref}] We received your message`, text, inReplyTo: null, references: [] };
}
