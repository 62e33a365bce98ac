import type { Clock, IdGenerator } from '../core/ports.ts';
import type { Packet } from '../core/support-packet.ts';
import type { AuditEntry, SupportStore } from '../core/support-store.ts';
import type { UserNotice, UserNotifier } from '../core/user-notifier.ts';
import type { TriageStore } from './triage-store.ts';
import { type DecisionOutcome, type StaffMember, staffActor } from './triage-types.ts';

export interface DecideDeps {
  store: SupportStore;
  triage: TriageStore;
  notifier: Pick<UserNotifier, 'notify'>;
  now: Clock;
  newId: IdGenerator;
  /** Where the packet's triage message lives: the destination of its update; null: no Slack, no update. */
  slackChannel: string | null;
  /** Called once a decision has queued the update of the triage message. */
  onQueued?: () => void;
  /** How long a claim holds while its effect is under way. */
  leaseMs?: number;
  /** How long a decision waits for another one on the same packet to finish (default 100 × 50 ms). */
  lockWait?: { tries: number; everyMs: number };
}

/** What a decision does to a packet, decided from the packet and its history as they stand. */
export type Plan =
  | { kind: 'refuse'; summary: string }
  | {
      kind: 'apply';
      packet: Packet;
      evidence: Record<string, unknown>;
      /** What the user is told, by their channel. */
      notice?: Pick<UserNotice, 'topic' | 'text'>;
      summary: string;
      /**
       * The decision's audit entry was written already, in one atomic write with its effect (a
       * refund with its audit entry, where the platform is the desk's database): not written again.
       */
      audited?: boolean;
    };

/** The audit entry of a decision of staff: who, when, which action on which packet, and the evidence. */
export function decisionAudit(staff: StaffMember, action: string, ref: string, evidence: Record<string, unknown>, at: number): AuditEntry {
  return { at, actor: staffActor(staff), action, packetRef: ref, evidence: { staff, ...evidence } };
}

export interface Decision {
  ref: string;
  action: string;
  staff: StaffMember;
  /**
   * What makes two arrivals the same decision. Without it: the action on the packet's history as
   * it stands (its last audit id), so that two clicks on one state are one decision.
   */
  key?: string;
  /** A refusal read from the state alone, before anything is claimed. */
  check?(packet: Packet, audit: readonly AuditEntry[]): string | null;
  plan(packet: Packet, audit: readonly AuditEntry[]): Promise<Plan>;
}

/**
 * Runs one decision of staff at most once, one decision per packet at a time: claims its key, plans it (which may issue a refund),
 * writes the packet, the audit entry (who, when, evidence) and the message update in one atomic
 * write (a refund's audit entry goes with the refund instead, where the platform can write them
 * together), then tells the user. A failure releases the key so that the same click can be tried again.
 */
export async function decide(deps: DecideDeps, decision: Decision): Promise<DecisionOutcome> {
  // One decision on a packet at a time, across clicks, processes and isolates: each reads the
  // packet as the one before left it (Approve racing Resolve is one of the two orders, never both).
  const lock = `decide:${decision.ref}`;
  const leaseMs = deps.leaseMs ?? 60_000;
  const wait = deps.lockWait ?? { tries: 100, everyMs: 50 };
  for (let attempt = 0; !(await deps.triage.claim(lock, deps.now(), leaseMs)); attempt++) {
    if (attempt >= wait.tries) {
      return { status: 'refused', summary: `Another decision on ${decision.ref} is under way; try again in a moment.` };
    }
    await new Promise((resolve) => setTimeout(resolve, wait.everyMs));
  }
  try {
    return await decideAlone(deps, decision);
  } finally {
    await deps.triage.release(lock);
  }
}

async function decideAlone(deps: DecideDeps, decision: Decision): Promise<DecisionOutcome> {
  const { ref, staff } = decision;
  const packet = await deps.store.getPacket(ref);
  if (!packet) return { status: 'refused', summary: `No packet ${ref}.` };
  const audit = await deps.store.listAudit(ref);
  const refusal = decision.check?.(packet, audit);
  if (refusal) return { status: 'refused', summary: refusal };

  const key = decision.key ?? `${decision.action}:${ref}:${audit.at(-1)?.id ?? 0}`;
  if (!(await deps.triage.claim(key, deps.now(), deps.leaseMs ?? 60_000))) {
    return { status: 'duplicate', summary: `Already done: ${decision.action} on ${ref}.` };
  }
  let plan: Plan;
  try {
    plan = await decision.plan(packet, audit);
    if (plan.kind === 'refuse') {
      await deps.triage.release(key);
      return { status: 'refused', summary: plan.summary };
    }
    const now = deps.now();
    const channel = deps.slackChannel;
    await deps.store.savePacket(plan.packet, {
      outbox: channel
        ? [{ id: deps.newId('out'), kind: 'slack.packet_update', destination: channel, payload: { ref }, dedupeKey: `${ref}:slack:${key}`, packetRef: ref }]
        : [],
      audit: plan.audited ? [] : [decisionAudit(staff, decision.action, ref, plan.evidence, now)],
      now,
    });
  } catch (error) {
    await deps.triage.release(key);
    throw error;
  }
  await deps.triage.complete(key);
  if (plan.notice) {
    await deps.notifier.notify(plan.packet, { ...plan.notice, key, ...(staff.name && { from: staff.name }) });
  }
  deps.onQueued?.();
  return { status: 'done', packet: plan.packet, summary: plan.summary };
}
