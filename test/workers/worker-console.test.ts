import { SELF, env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { beforeEach, expect, it } from 'vitest';
import { createDrizzleStaffStore } from '../../adapters/db/drizzle-staff-store.ts';
import * as schema from '../../adapters/db/schema.ts';
import { identityHash } from '../../src/chat/identity.ts';
import { createStaffAuth } from '../../src/console/staff-auth.ts';
import { newId } from '../../src/core/ids.ts';
import type { DeskDb } from '../../adapters/db/desk-db.ts';
import { seedDemoD1 } from './reset-d1.ts';

/* The staff console on the chat Worker, over D1: sign-in, the queue, and a decision, inside workerd. */

const BASE = 'https://desk.example';
let database: DeskDb;

beforeEach(async () => {
  database = await seedDemoD1();
});

async function handOffMaya(): Promise<{ conversationId: string; ref: string; headers: Record<string, string> }> {
  const headers = {
    'x-user-email': 'maya@example.com',
    'x-user-hash': await identityHash(env.WIDGET_IDENTITY_SECRET, 'maya@example.com'),
    'content-type': 'application/json',
  };
  const start = await SELF.fetch(`${BASE}/api/conversations`, { method: 'POST', headers, body: '{}' });
  const { conversationId } = (await start.json()) as { conversationId: string };
  let turn: { state: string; packet?: { ref: string } } = { state: '' };
  for (const option of ['run:gen_maya_video', 'still_failing', 'still_failing', 'send_to_support', 'send']) {
    const answer = await SELF.fetch(`${BASE}/api/conversations/${conversationId}/messages`, { method: 'POST', headers, body: JSON.stringify({ option }) });
    turn = (await answer.json()) as typeof turn;
  }
  expect(turn.state).toBe('handed_off');
  return { conversationId, ref: turn.packet?.ref ?? '', headers };
}

const form = (fields: Record<string, string>, cookie?: string) => ({
  method: 'POST',
  redirect: 'manual' as const,
  headers: { 'content-type': 'application/x-www-form-urlencoded', origin: BASE, ...(cookie && { cookie }) },
  body: new URLSearchParams(fields).toString(),
});

it('signs staff in with a one-time link and approves a refund from the console, as Slack would', async () => {
  const { conversationId, ref, headers } = await handOffMaya();
  const auth = createStaffAuth({ staff: createDrizzleStaffStore(database), now: () => Date.now(), newId });
  const { staff } = await auth.addStaff('Maria Lopez', 'maria@prismposter.test');
  const { url } = await auth.issueSignInLink(staff.id, BASE);
  const token = new URL(url).searchParams.get('token') ?? '';

  // Without a session: the sign-in prompt, no case data.
  const anonymous = await SELF.fetch(`${BASE}/desk/packets/${ref}`);
  expect(anonymous.status).toBe(401);
  expect(await anonymous.text()).not.toContain('maya@example.com');

  const signIn = await SELF.fetch(`${BASE}/desk/sign-in`, form({ token }));
  expect(signIn.status).toBe(303);
  const setCookie = signIn.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/Secure/);
  expect(setCookie).toMatch(/SameSite=Strict/);
  const cookie = setCookie.split(';')[0] ?? '';
  // The link worked once.
  expect((await SELF.fetch(`${BASE}/desk/sign-in`, form({ token }))).status).toBe(410);

  const queue = await SELF.fetch(`${BASE}/desk`, { headers: { cookie } });
  expect(queue.status).toBe(200);
  expect(await queue.text()).toContain(ref);

  const page = await (await SELF.fetch(`${BASE}/desk/packets/${ref}`, { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  // Without the token: refused, nothing changed.
  expect((await SELF.fetch(`${BASE}/desk/packets/${ref}/approve`, form({}, cookie))).status).toBe(403);
  const approved = await SELF.fetch(`${BASE}/desk/packets/${ref}/approve`, form({ csrf }, cookie));
  expect(approved.status).toBe(200);
  expect(await approved.text()).toContain(`Refunded 40 credits on ${ref}.`);

  const { db } = database;
  const [row] = await db.select().from(schema.packets).where(eq(schema.packets.ref, ref));
  expect(row?.status).toBe('refunded');
  const audit = await db.select().from(schema.auditLog).where(eq(schema.auditLog.packetRef, ref));
  expect(audit.map((a) => [a.action, a.actor])).toEqual([
    ['packet.created', expect.any(String)],
    ['refund.approved', `desk:${staff.id}`],
  ]);
  const refunds = await db.select().from(schema.ledger).where(eq(schema.ledger.accountId, 'acc_maya'));
  expect(refunds.filter((r) => r.type === 'refund').map((r) => [r.generationId, r.amount])).toEqual([['gen_maya_video', 40]]);
  // The Slack message's update waits in the outbox for the mail Worker's relay.
  const outbox = await db.select().from(schema.outbox).where(eq(schema.outbox.packetRef, ref));
  expect(outbox.filter((o) => o.kind === 'slack.packet_update').map((o) => o.destination)).toEqual([env.SLACK_TRIAGE_CHANNEL]);

  // The user's conversation holds the refund, from Maria.
  const conversation = (await (await SELF.fetch(`${BASE}/api/conversations/${conversationId}`, { headers })).json()) as {
    messages: { from: string; text: string }[];
  };
  expect(conversation.messages.filter((m) => m.from === 'agent').map((m) => m.text)).toEqual([
    expect.stringMatching(/^Maria Lopez: We have refunded 40 credits to your account/),
  ]);
});
