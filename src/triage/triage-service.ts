import type { PlatformData } from '../core/ports.ts';
import type { StuckLimits } from '../core/reconcile-account.ts';
import { message } from '../i18n/messages.ts';
import { planRefund, refundRefusal } from './approve-refund.ts';
import { type DecideDeps, decide } from './decide.ts';
import { assigneeOf } from './packet-history.ts';
import { createTriageReads } from './triage-reads.ts';
import { type DecisionOutcome, type StaffMember, TriageAction } from './triage-types.ts';

export interface TriageDeps extends DecideDeps {
  platform: PlatformData;
  stuckLimits?: StuckLimits;
}

/**
 * What support staff decide about a packet, whatever chat tool they click in: every decision is
 * written to the audit log with who, when and the evidence as it stood, reaches the user by their
 * channel where it concerns them, and has one effect however often it arrives.
 */
export function createTriageService(deps: TriageDeps) {
  const reads = createTriageReads(deps);

  return {
    ...reads,

    /** Issues the refund due (as reconciled now) and marks the packet refunded. */
    approveRefund(ref: string, staff: StaffMember): Promise<DecisionOutcome> {
      return decide(deps, {
        ref,
        action: TriageAction.refundApproved,
        staff,
        check: (packet) => refundRefusal(packet),
        plan: (packet) => planRefund(deps, packet, staff),
      });
    },

    /** Sends the user a question and marks the packet waiting for them. `key` names the submission. */
    askForInfo(ref: string, staff: StaffMember, question: string, key: string): Promise<DecisionOutcome> {
      const text = question.trim();
      return decide(deps, {
        ref,
        action: TriageAction.infoRequested,
        staff,
        key: `ask:${key}`,
        check: (packet) => (text === '' ? 'The question is empty.' : packet.status === 'resolved' ? `${ref} is resolved.` : null),
        plan: async (packet) => ({
          kind: 'apply',
          packet: { ...packet, status: 'needs_info' },
          evidence: { question: text, missing: packet.missing, findings: packet.findings, previousStatus: packet.status },
          notice: { topic: 'question', text: `${text}\n\n${message(packet.locale, 'notice.about_case', { ref })}` },
          summary: `Asked the user about ${ref}.`,
        }),
      });
    },

    /** Assigns the packet to the member of staff who clicked. */
    assign(ref: string, staff: StaffMember): Promise<DecisionOutcome> {
      return decide(deps, {
        ref,
        action: TriageAction.assigned,
        staff,
        check: (_packet, audit) => (assigneeOf(audit)?.id === staff.id ? `${ref} is assigned to you already.` : null),
        plan: async (packet, audit) => ({
          kind: 'apply',
          packet,
          evidence: { previousAssignee: assigneeOf(audit), status: packet.status, findings: packet.findings },
          summary: `${ref} is assigned to you.`,
        }),
      });
    },

    /** Closes the packet and tells the user. */
    resolve(ref: string, staff: StaffMember): Promise<DecisionOutcome> {
      return decide(deps, {
        ref,
        action: TriageAction.resolved,
        staff,
        check: (packet) => (packet.status === 'resolved' ? `${ref} is resolved already.` : null),
        plan: async (packet) => ({
          kind: 'apply',
          packet: { ...packet, status: 'resolved' },
          evidence: { previousStatus: packet.status, findings: packet.findings, missing: packet.missing },
          notice: {
            topic: 'resolved',
            text: message(packet.locale, 'notice.resolved', { ref }),
          },
          summary: `${ref} is resolved.`,
        }),
      });
    },

    /** Sends staff's own words to the user. `key` names the message (a thread reply's channel and ts). */
    replyToUser(ref: string, staff: StaffMember, text: string, key: string): Promise<DecisionOutcome> {
      const body = text.trim();
      return decide(deps, {
        ref,
        action: TriageAction.replySent,
        staff,
        key: `reply:${key}`,
        check: () => (body === '' ? 'The reply is empty.' : null),
        plan: async (packet) => ({
          kind: 'apply',
          packet,
          evidence: { text: body, status: packet.status },
          notice: { topic: 'reply', text: body },
          summary: `Sent to the user of ${ref}.`,
        }),
      });
    },
  };
}

export type TriageService = ReturnType<typeof createTriageService>;
