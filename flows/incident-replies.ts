/**
 * What the bot says about an open incident (src/incidents) a run belongs to. These texts are made
 * of facts and written from the message catalogue (knowledge/messages) in the conversation's
 * language: the flow keeps their keys on the message (`parts`), src/chat/flow-texts.ts renders them.
 */
import { type MessageKey, message } from '../src/i18n/messages.ts';
import { formatWhen } from './format.ts';
import type { BotOption, RecentRun, RunIncident, TextPart } from './types.ts';

/** The offer to be told when it is fixed (chat-api.md option id `watch_incident`). */
export const watchOption: BotOption = { id: 'watch_incident', label: 'Tell me when it’s fixed' };

/**
 * A failed run of an open incident: a known problem (its studio, error and since when), what the
 * account shows for the run (refunded, never charged, or charged and due back) and the offer.
 */
export function incidentParts(run: RecentRun, incident: RunIncident, zone: string): TextPart[] {
  const since = formatWhen(incident.since, zone, run.createdAt);
  const known: TextPart = { key: 'flow.incident.known', studio: incident.studio, params: { error: incident.error, since, id: incident.id } };
  const cost: TextPart =
    run.verdict === 'refund_due'
      ? { key: 'flow.incident.refund_due', params: { count: run.outstanding } }
      : run.verdict === 'refunded'
        ? { key: 'flow.incident.refunded', params: { count: run.charged } }
        : { key: 'flow.incident.not_charged' };
  return [known, cost, { key: 'flow.incident.offer' }];
}

/** The answer to "tell me when it's fixed": here, and by mail to a verified address once the chat is closed. */
export function watchingParts(email: string | null): TextPart[] {
  return [email ? { key: 'flow.incident.watching_email', params: { email } } : { key: 'flow.incident.watching' }];
}

export const watchFailedParts: TextPart[] = [{ key: 'flow.incident.watch_failed' }];

/** Text parts written in `locale` from the message catalogue (a count picks its plural form). */
export function renderParts(parts: readonly TextPart[], locale: string): string {
  return parts
    .map((part) => message(locale, part.key as MessageKey, { ...part.params, ...(part.studio && { studio: message(locale, `studio.${part.studio}`) }) }))
    .join(' ');
}
