import type { Account } from '../core/platform-types.ts';
import type { PlatformData } from '../core/ports.ts';
import type { ReconciliationResult, StuckLimits } from '../core/reconcile-account.ts';
import { reconcileWithPlatform } from '../core/reconcile-service.ts';
import type { Packet } from '../core/support-packet.ts';
import type { AuditEntry } from '../core/support-store.ts';
import type { DecideDeps } from './decide.ts';
import { type StaffMember, TriageAction, staffActor } from './triage-types.ts';

export type LookupResult = { status: 'found'; account: Account; reconciliation: ReconciliationResult } | { status: 'not_found'; email: string };

export interface PacketSummary {
  packet: Packet;
  audit: AuditEntry[];
}

/**
 * What staff look up: an account's reconciliation by email, a packet by ref. Looking at a customer's
 * records is audited too (who looked, when, at what). `requestKey` names the request (a slash
 * command's trigger): the same request again answers again but is written once.
 */
export function createTriageReads(deps: DecideDeps & { platform: PlatformData; stuckLimits?: StuckLimits }) {
  async function audit(key: string, entry: Omit<AuditEntry, 'at'>): Promise<void> {
    const now = deps.now();
    if (!(await deps.triage.claim(key, now, deps.leaseMs ?? 60_000))) return;
    try {
      await deps.store.appendAudit({ ...entry, at: now });
    } catch (error) {
      await deps.triage.release(key);
      throw error;
    }
    await deps.triage.complete(key);
  }

  return {
    /** The reconciliation of the account with this email over the last 30 days, as of now. */
    async lookup(email: string, staff: StaffMember, requestKey: string): Promise<LookupResult> {
      const account = await deps.platform.findAccountByEmail(email);
      if (!account) return { status: 'not_found', email };
      const reconciliation = await reconcileWithPlatform(deps.platform, account, {
        now: deps.now(),
        ...(deps.stuckLimits && { stuckLimits: deps.stuckLimits }),
      });
      await audit(`lookup:${requestKey}`, {
        actor: staffActor(staff),
        action: TriageAction.accountLookedUp,
        packetRef: null,
        evidence: { staff, email, accountId: account.id, window: reconciliation.window, totals: reconciliation.totals },
      });
      return { status: 'found', account, reconciliation };
    },

    /** A packet with its history, or null when there is no such packet. */
    async packetSummary(ref: string, staff: StaffMember, requestKey: string): Promise<PacketSummary | null> {
      const packet = await deps.store.getPacket(ref);
      if (!packet) return null;
      // A look is not a decision: it is logged beside the packet's history (packetRef null), not in it.
      await audit(`view:${requestKey}`, {
        actor: staffActor(staff),
        action: TriageAction.packetViewed,
        packetRef: null,
        evidence: { staff, ref, status: packet.status },
      });
      return { packet, audit: await deps.store.listAudit(ref) };
    },
  };
}
