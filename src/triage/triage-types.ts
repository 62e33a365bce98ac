import type { Packet } from '../core/support-packet.ts';

/** A member of staff as the tool they decide in names them: a Slack user, or a member of staff of the console. */
export interface StaffMember {
  id: string;
  name: string | null;
  /** Where they decided: Slack (the default) or the staff console at /desk. */
  via?: 'slack' | 'desk';
}

/** The audit actor of a member of staff: `slack:U123`, or `desk:stf_…` for the console. */
export const staffActor = (staff: StaffMember) => `${staff.via ?? 'slack'}:${staff.id}`;

/** What a decision came to. Refusals and duplicates change nothing and write nothing. */
export type DecisionOutcome =
  | { status: 'done'; packet: Packet; summary: string }
  /** The same click or event again (Slack's retry, a double click): it had its effect already. */
  | { status: 'duplicate'; summary: string }
  /** Not applicable to the packet as it stands (unknown ref, nothing due, already resolved). */
  | { status: 'refused'; summary: string };

/** The audit actions triage writes. */
export const TriageAction = {
  refundApproved: 'refund.approved',
  infoRequested: 'info.requested',
  assigned: 'packet.assigned',
  resolved: 'packet.resolved',
  replySent: 'reply.sent',
  accountLookedUp: 'account.looked_up',
  packetViewed: 'packet.viewed',
} as const;
export type TriageAction = (typeof TriageAction)[keyof typeof TriageAction];
