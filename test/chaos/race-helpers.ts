import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServedApp, serveApp } from '../support/serve-app.ts';
import { LogLevel } from '@slack/bolt';
import { expect } from 'vitest';
import { packetMessage } from '../../adapters/slack/blocks/packet-message.ts';
import type { ChatMessage } from '../../src/chat/conversation-service.ts';
import { loadConfig } from '../../src/config.ts';
import type { Packet } from '../../src/core/support-packet.ts';
import { seedDemoIfEmpty } from '../../adapters/db/seed-demo.ts';
import { demoData } from '../../src/demo/demo-data.ts';
import { type NodeDesk, openNodeDesk } from '../../adapters/node/node-desk.ts';
import type { SlackBody } from '../slack/slack-payloads.ts';
import { sign } from '../slack/slack-signing.ts';
import { type Answer, request } from '../support/chat-desk.ts';
import { type PlatformHttpServer, startPlatformHttpServer } from '../support/platform-http-server.ts';
import type { SlackApiServer } from '../support/slack-api-server.ts';

/*
 * Helpers of the race tests (races*.test.ts): several desks over one SQLite
 * file, the platform over HTTP, a mail gateway that delivers again what it was not given a final
 * answer for, and the checks every race ends with.
 */

// --- Desks ---------------------------------------------------------------------------------------

/** One desk of several over one SQLite file: its own services (caches, queues, bolt app), its own HTTP server. */
export interface SharedDesk {
  url: string;
  deps: NodeDesk;
  app: NodeDesk['app'];
}

export interface SharedDesks {
  dbPath: string;
  desks: SharedDesk[];
  close(): Promise<void>;
}

/**
 * `count` desks built as `npm start` builds one (openNodeDesk, its app served over real HTTP
 * on 127.0.0.1), all on the SAME SQLite file, the demo seeded once: what two server processes behind
 * one load balancer share. Each has its own conversation service, so one desk's in-process queue of
 * turns does not order the other's.
 */
export async function startSharedDesks(count: number, env: Record<string, string>, options: { now?: () => number } = {}): Promise<SharedDesks> {
  const dir = mkdtempSync(join(tmpdir(), 'race-desks-'));
  const dbPath = join(dir, 'support.db');
  const config = loadConfig({ SUPPORT_DB_PATH: dbPath, ...env });
  const desks: SharedDesk[] = [];
  const servers: ServedApp[] = [];
  for (let i = 0; i < count; i++) {
    const deps = openNodeDesk(config, { ...(options.now && { now: options.now }), slack: { logLevel: LogLevel.ERROR, timeoutMs: 1500 } });
    if (i === 0) await seedDemoIfEmpty(deps.sqlite, deps.now());
    const app = deps.app;
    const server = await serveApp(app);
    servers.push(server);
    desks.push({ url: server.url, deps, app });
  }
  return {
    dbPath,
    desks,
    close: async () => {
      for (const desk of desks) await desk.deps.slack?.settled();
      for (const server of servers) await server.close();
      for (const desk of desks) desk.deps.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The platform's HTTP API (platform-data.md) on 127.0.0.1 with the demo accounts: every call a real round trip. */
export const PLATFORM_TOKEN = 'platform-token-races';
export function startDemoPlatform(): Promise<PlatformHttpServer> {
  const { accounts, generations, ledger } = demoData(Date.now());
  return startPlatformHttpServer({ fixture: { accounts, generations, ledger }, token: PLATFORM_TOKEN });
}
export const platformEnv = (platform: PlatformHttpServer) => ({ PLATFORM_API_URL: platform.url, PLATFORM_API_TOKEN: PLATFORM_TOKEN, PLATFORM_API_TIMEOUT_MS: '3000' });

/** A Slack request signed the real way, to `POST /slack/events` of any desk's app. */
export function postSlack(app: { request: NodeDesk['app']['request'] }, body: SlackBody, secret: string): Promise<Response> {
  const timestamp = Math.floor(Date.now() / 1000);
  return Promise.resolve(
    app.request('/slack/events', {
      method: 'POST',
      headers: { 'content-type': body.contentType, 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': sign(secret, timestamp, body.body) },
      body: body.body,
    }),
  );
}

/** Runs `round` `rounds` times, one after another (each round is a race of its own). */
export async function repeat(rounds: number, round: (i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < rounds; i++) await round(i);
}

/** Rows of a query on the desk's SQLite file, read directly (what is really stored). */
export function rows<T = unknown>(deps: Pick<NodeDesk, 'sqlite'>, query: string, ...params: unknown[]): T[] {
  return deps.sqlite.sqlite.prepare(query).all(...params) as T[];
}
export function scalar(deps: Pick<NodeDesk, 'sqlite'>, query: string, ...params: unknown[]): number {
  return Number(deps.sqlite.sqlite.prepare(query).pluck().get(...params));
}

// --- Refunds and triage ---------------------------------------------------------------------------

/** The refund entries of a run in the account's ledger on the platform, and the account's balance. */
export async function refundsOf(deps: Pick<NodeDesk, 'platform'>, accountId: string, generationId: string) {
  const { entries, balance } = await deps.platform.listLedger(accountId, { since: 0, until: Date.now() + 3_600_000 });
  return { refunds: entries.filter((e) => e.type === 'refund' && e.generationId === generationId), balance };
}

/** The audit actions of a packet, in order. */
export async function auditActions(deps: Pick<NodeDesk, 'store'>, ref: string): Promise<string[]> {
  return (await deps.store.listAudit(ref)).map((a) => a.action);
}

/** The topics of what the user was told by email about a packet (`email.reply` rows), in order. */
export async function noticeTopics(deps: Pick<NodeDesk, 'store'>, ref: string): Promise<string[]> {
  return (await deps.store.listOutbox({ packetRef: ref })).filter((r) => r.kind === 'email.reply').map((r) => (r.payload as { topic: string }).topic);
}

/** The triage message Slack holds for a packet. */
export function heldMessage(slack: SlackApiServer, ref: string) {
  const found = [...slack.messages.values()].filter((m) => m.text.startsWith(ref));
  expect(found, `triage messages of ${ref}`).toHaveLength(1);
  return found[0] as NonNullable<(typeof found)[number]>;
}

/** Checks that the message in Slack is the packet as it finally stands (state, decisions, buttons), nothing older. */
export async function expectMessageShowsFinalState(deps: Pick<NodeDesk, 'store'>, slack: SlackApiServer, ref: string): Promise<void> {
  const packet = (await deps.store.getPacket(ref)) as Packet;
  const rendered = packetMessage(packet, await deps.store.listAudit(ref));
  expect(heldMessage(slack, ref).blocks).toEqual(JSON.parse(JSON.stringify(rendered.blocks)));
}

// --- Chat -----------------------------------------------------------------------------------------

/**
 * Checks a conversation read back after several turns answered at once: each turn's messages are in
 * it exactly once, together and in the order answered (no turn lost, none doubled, none interleaved
 * with another), nothing else was added, and every id is unique. Answers the turns in the order the
 * desk applied them.
 */
export function expectTurnsKeptOnce<T extends { messages: readonly ChatMessage[] }>(before: readonly ChatMessage[], after: readonly ChatMessage[], turns: readonly T[]): T[] {
  expect(new Set(after.map((m) => m.id)).size, 'message ids are unique').toBe(after.length);
  expect(after.slice(0, before.length), 'what was there before is unchanged').toEqual(before);
  const added = after.slice(before.length);
  expect(added.length, 'nothing but the answered turns was added').toBe(turns.reduce((n, t) => n + t.messages.length, 0));
  const order: T[] = [];
  let at = 0;
  const left = [...turns];
  while (at < added.length) {
    const index = left.findIndex((t) => t.messages[0]?.id === added[at]?.id);
    expect(index, `a turn starts at message ${at} of the added ones`).toBeGreaterThanOrEqual(0);
    const [turn] = left.splice(index, 1);
    if (!turn) break;
    expect(added.slice(at, at + turn.messages.length), 'a turn is kept whole, as answered').toEqual(turn.messages);
    expect(turn.messages[0]?.from).toBe('user');
    order.push(turn);
    at += turn.messages.length;
  }
  expect(left, 'every turn answered is kept').toEqual([]);
  return order;
}

/** What a reader sees of a conversation: who said what (ids and times left out). */
export const said = (messages: readonly ChatMessage[]) => messages.map((m) => ({ from: m.from, text: m.text, options: m.options?.map((o) => o.id) ?? [] }));

/** A parsed 200 of POST /messages. */
export function turnOf(answer: Answer): { state: string; messages: ChatMessage[]; packet?: Packet } {
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as { state: string; messages: ChatMessage[]; packet?: Packet };
}

export const sendTo = (baseUrl: string, id: string, input: unknown, headers: Record<string, string> = {}) =>
  request(baseUrl, 'POST', `/api/conversations/${id}/messages`, { body: input, headers });

// --- Email ----------------------------------------------------------------------------------------

/** One delivery's answer as the gateway reads it. */
export interface Delivery {
  status: number;
  body: { status: string; messageId?: string; packetRef?: string | null };
}

/** One POST of a raw message to `/api/email/inbound`, as the mail gateway makes it. */
export async function deliver(baseUrl: string, raw: string, secret: string): Promise<Delivery> {
  const res = await fetch(`${baseUrl}/api/email/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822', 'x-inbound-secret': secret },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as Delivery['body'] };
}

/**
 * Checks the answers to deliveries of one message made at once: exactly one 202 `accepted`, every
 * other one 202 `duplicate` of the same packet. Answers the accepted packet's ref.
 */
export function expectOneAccepted(answers: readonly Delivery[], messageId: string): string {
  const accepted = answers.filter((a) => a.body.status === 'accepted');
  expect(accepted, JSON.stringify(answers)).toHaveLength(1);
  const ref = accepted[0]?.body.packetRef ?? '';
  expect(ref).toMatch(/^PKT-/);
  for (const answer of answers) {
    expect(answer.body.messageId).toBe(messageId);
    expect(answer.status).toBe(202);
    if (answer.body.status !== 'accepted') expect(answer.body).toMatchObject({ status: 'duplicate', packetRef: ref });
  }
  return ref;
}
