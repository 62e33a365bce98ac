import { issueAutoRefunds } from '../../src/chat/auto-refund.ts';
import { loadConfig } from '../../src/config.ts';
import { createDrizzleTriageStore } from '../../adapters/slack/drizzle-triage-store.ts';
import { newId } from '../../src/core/ids.ts';
import { createUserNotifier } from '../../src/core/user-notifier.ts';
import { openNodeDesk } from '../../adapters/node/node-desk.ts';
import { createTriageService } from '../../src/triage/triage-service.ts';

/*
 * A desk process of its own over the SQLite file given as its argument (forked by
 * races-refunds.test.ts): for each order it gets over IPC it files a packet about the runs named
 * and refunds it — automatically (the chat's policy, limit 50) or as staff's Approve — then answers.
 */

export interface RefundProcessOrder {
  round: number;
  email: string;
  generationIds: string[];
  by: 'policy' | 'staff';
}

export interface RefundProcessAnswer {
  round: number;
  ref: string;
  outcome: string;
}

const dbPath = process.argv[2];
if (!dbPath || !process.send) throw new Error('usage: forked with the SQLite file as its argument');
const deps = openNodeDesk(loadConfig({ SUPPORT_DB_PATH: dbPath, AUTO_REFUND_LIMIT: '50' }));
const triage = createTriageService({
  store: deps.store,
  platform: deps.platform,
  triage: createDrizzleTriageStore(deps.sqlite),
  notifier: createUserNotifier({ store: deps.store, now: deps.now, newId, ttlMs: 60_000 }),
  now: deps.now,
  newId,
  slackChannel: '#support-triage',
});

process.on('message', (order: RefundProcessOrder | 'exit') => {
  if (order === 'exit') {
    deps.close();
    process.exit(0);
  }
  void handle(order).then(
    (answer) => process.send?.(answer),
    (error: unknown) => process.send?.({ round: order.round, ref: '', outcome: `error: ${String(error)}` } satisfies RefundProcessAnswer),
  );
});
process.send({ ready: true });

async function handle(order: RefundProcessOrder): Promise<RefundProcessAnswer> {
  const { packet } = await deps.packets.file({
    channel: order.by === 'policy' ? 'widget' : 'email',
    accountEmail: order.email,
    verified: true,
    generationIds: order.generationIds,
    transcript: [{ from: 'user', text: 'My runs failed and the credits are gone.', at: new Date(deps.now()).toISOString() }],
  });
  if (order.by === 'policy') {
    const { issued, proposed } = await issueAutoRefunds(deps, packet, { limit: 50, windowMs: 24 * 60 * 60 * 1000 });
    return { round: order.round, ref: packet.ref, outcome: `issued ${issued}, proposed ${proposed}` };
  }
  const decided = await triage.approveRefund(packet.ref, { id: 'U0STAFF1', name: 'Maria' });
  return { round: order.round, ref: packet.ref, outcome: `${decided.status}: ${decided.summary}` };
}
