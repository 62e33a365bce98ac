import { type HandOffInput, type HandOffResult, HandOffTakenError } from '../../flows/types.ts';
import type { PacketService } from '../core/packet-service.ts';
import type { Clock, PlatformData } from '../core/ports.ts';
import { type Packet, Report } from '../core/support-packet.ts';
import type { SupportStore } from '../core/support-store.ts';
import { type Locale, isLocale } from '../i18n/locales.ts';
import { type AutoRefundResult, issueAutoRefunds } from './auto-refund.ts';

export interface HandOffDeps {
  store: SupportStore;
  platform: PlatformData;
  packets: PacketService;
  now: Clock;
  /** Refunds up to this many credits per account over `autoRefundWindowMs` are issued without staff (0: never). */
  autoRefundLimit?: number;
  /** The rolling window of the automatic refund limit (default 24 h). */
  autoRefundWindowMs?: number;
}

/** How long a hand-off claim holds if its process dies before writing the turn. */
const HAND_OFF_LEASE_MS = 30_000;

/**
 * The flow's `handOff`: files the case as a support packet with the conversation's transcript, then
 * issues the refund due automatically when it is small enough, or proposes it to staff. One request
 * files a conversation's case: another one handing it off at the same time fails with
 * HandOffTakenError.
 */
export function createHandOff(deps: HandOffDeps) {
  const limit = deps.autoRefundLimit ?? 0;
  const windowMs = deps.autoRefundWindowMs ?? 24 * 60 * 60 * 1000;

  /*
   * The packet is filed and its deliveries queued by now: a refund the platform fails to write is
   * left to staff (proposed, and logged), not reported as a hand-off that failed, which would have
   * the user send the case again.
   */
  async function refundOrPropose(packet: Packet): Promise<AutoRefundResult> {
    try {
      return await issueAutoRefunds(deps, packet, { limit, windowMs });
    } catch (error) {
      await deps.store
        .appendAudit({
          at: deps.now(),
          actor: 'policy:auto-refund',
          action: 'refund.failed',
          packetRef: packet.ref,
          evidence: { limit, refundDue: packet.findings?.refundDue ?? 0, reason: error instanceof Error ? error.message : String(error) },
        })
        .catch(() => undefined);
      return { issued: 0, proposed: packet.findings?.refundDue ?? 0, packet };
    }
  }

  /** The conversation's language, for staff to see which language the user wrote in. */
  async function localeOf(input: HandOffInput): Promise<Locale | null> {
    const record = input.conversationId ? await deps.store.getConversation(input.conversationId) : null;
    return isLocale(record?.locale) ? record.locale : null;
  }

  /** The stored history, then the turn's own messages (the user's "Send" included). */
  async function transcriptOf(input: HandOffInput) {
    const now = deps.now();
    const stored = input.conversationId ? await deps.store.listMessages(input.conversationId) : [];
    const turn = input.turnMessages.map((m, i) => ({ from: m.from, text: m.text, at: now + i }));
    return [...stored, ...turn].map((m) => ({ from: m.from, text: m.text, at: new Date(m.at).toISOString() }));
  }

  return async function handOff(input: HandOffInput): Promise<HandOffResult> {
    // Claimed at the version the turn read: a Send in another tab answered by another process waits for it.
    const id = input.conversationId;
    if (id && !(await deps.store.claimHandOff(id, input.version, deps.now(), HAND_OFF_LEASE_MS))) throw new HandOffTakenError();
    // `verified` is the identity the service checked when the conversation began (only its owner reaches it).
    const verified = input.verified && Boolean(input.accountEmail);
    // An address the user typed that the packet would refuse ("maya.@example.com") is left to the
    // transcript: refusing the whole report would fail every Send, and support asks for it anyway.
    const typed = Report.shape.accountEmail.safeParse(input.accountEmail);
    const { packet } = await deps.packets.file({
      channel: 'widget',
      accountEmail: verified ? input.accountEmail : typed.success ? typed.data : null,
      verified,
      studio: input.studio,
      prompt: input.prompt,
      settings: input.settings,
      errorMessage: input.errorMessage,
      occurredAt: input.occurredAt,
      timezone: input.timezone,
      generationIds: input.generationIds,
      stepsTried: input.stepsTried,
      transcript: await transcriptOf(input),
      locale: await localeOf(input),
    });
    const refund = verified ? await refundOrPropose(packet) : { issued: 0, proposed: 0, packet };
    return {
      ref: packet.ref,
      missing: packet.missing,
      refund: refund.issued > 0 ? { amount: refund.issued } : null,
      proposedRefund: refund.issued > 0 ? 0 : refund.proposed,
    };
  };
}
