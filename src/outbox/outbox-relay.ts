import type { Clock } from '../core/ports.ts';
import type { OutboxRow, SupportStore } from '../core/support-store.ts';

/** What a delivery came to: an expected outcome, never an exception. */
export type DeliveryResult =
  | { status: 'sent'; externalId?: string | null }
  /** Nothing to deliver any more (a reply the user has read meanwhile): settled like a delivery, never tried again. */
  | { status: 'unneeded'; reason: string }
  | { status: 'failed'; retryable: boolean; reason: string };

/** Delivers one outbox row (a Slack post, an email). */
export type DeliveryHandler = (row: OutboxRow) => Promise<DeliveryResult>;

export interface OutboxRelayOptions {
  store: SupportStore;
  /** Handlers by outbox `kind` ('slack.packet', 'email.packet', …). */
  handlers: Record<string, DeliveryHandler>;
  now: Clock;
  /** Rows claimed per run. */
  batch?: number;
  /** How long a claim holds; a relay that dies mid-delivery loses its claim after this. */
  leaseMs?: number;
  /** After this many attempts a row is dead (kept, with its last error, for staff to see). */
  maxAttempts?: number;
  /** Delay before attempt n+1 (n ≥ 1). Default: 5 s doubling, at most 30 min, with jitter. */
  backoffMs?: (attempts: number) => number;
  random?: () => number;
}

export interface RelayRun {
  delivered: number;
  retrying: number;
  dead: number;
}

/** The default backoff: 5 s, 10 s, 20 s … capped at 30 minutes, ±20 % jitter. */
export function exponentialBackoff(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(30 * 60_000, 5_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * Moves deliveries out of the outbox: claims due rows with a lease, hands each to its handler,
 * and records the outcome — delivered once, retried with backoff, or dead after too many tries.
 * The same relay runs on an interval on Node and on the cron trigger on Workers.
 */
export function createOutboxRelay(options: OutboxRelayOptions) {
  const batch = options.batch ?? 20;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 12;
  const random = options.random ?? Math.random;
  const backoff = options.backoffMs ?? ((n: number) => exponentialBackoff(n, random));
  let running: Promise<RelayRun> | null = null;

  async function deliver(row: OutboxRow): Promise<keyof RelayRun> {
    const handler = options.handlers[row.kind];
    let result: DeliveryResult;
    try {
      result = handler
        ? await handler(row)
        : { status: 'failed', retryable: true, reason: `no delivery configured for ${row.kind}` };
    } catch (error) {
      result = { status: 'failed', retryable: true, reason: error instanceof Error ? error.message : String(error) };
    }
    const now = options.now();
    if (result.status === 'sent' || result.status === 'unneeded') {
      await options.store.markDelivered(row.id, result.status === 'sent' ? (result.externalId ?? null) : null, now);
      return 'delivered';
    }
    if (!result.retryable || row.attempts >= maxAttempts) {
      await options.store.markFailed(row.id, result.reason, null);
      return 'dead';
    }
    await options.store.markFailed(row.id, result.reason, now + backoff(row.attempts));
    return 'retrying';
  }

  async function runOnce(): Promise<RelayRun> {
    const totals: RelayRun = { delivered: 0, retrying: 0, dead: 0 };
    for (;;) {
      const rows = await options.store.claimOutbox(options.now(), batch, leaseMs);
      for (const row of rows) totals[await deliver(row)]++;
      if (rows.length < batch) return totals;
    }
  }

  return {
    /** Delivers everything due now; concurrent calls share one run. */
    runOnce(): Promise<RelayRun> {
      running ??= runOnce().finally(() => {
        running = null;
      });
      return running;
    },

    /** Runs every `intervalMs` until stopped (Node). */
    start(intervalMs = 2_000): () => void {
      const timer = setInterval(() => void this.runOnce().catch(() => undefined), intervalMs);
      return () => clearInterval(timer);
    },
  };
}

export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
