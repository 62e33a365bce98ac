import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../../adapters/slack/blocks/decision-blocks.ts';
import { BOT_TOKEN, SIGNING_SECRET, type SlackDesk, TRIAGE_CHANNEL, startSlackDesk } from '../slack/slack-desk.ts';
import { buttonClick } from '../slack/slack-payloads.ts';
import { sign } from '../slack/slack-signing.ts';
import { type DeskProcess, killAll, startDeskProcess } from '../support/desk-process.ts';
import { memoryOf, resetPeak } from '../support/process-memory.ts';
import { type ServedApp, serveApp } from '../support/serve-app.ts';
import { type SlackApiServer, startSlackApiServer } from '../support/slack-api-server.ts';

/*
 * Clients that send `POST /slack/events` too much or too slowly (issue 1/6, item 4): the size limit
 * holds while a body streams in without a Content-Length, and a request that has not shown a valid
 * signature yet holds back nobody else's work.
 */

const MiB = 1024 * 1024;

/** The head of a POST to /slack/events with a chunked body (no Content-Length) and a forged signature. */
function chunkedHead(url: string): string {
  const timestamp = Math.floor(Date.now() / 1000);
  return [
    'POST /slack/events HTTP/1.1',
    `Host: ${new URL(url).host}`,
    'Content-Type: application/x-www-form-urlencoded',
    `X-Slack-Request-Timestamp: ${timestamp}`,
    `X-Slack-Signature: v0=${'0'.repeat(64)}`,
    'Transfer-Encoding: chunked',
    '',
    '',
  ].join('\r\n');
}

/** The first response line's status, once it has come. */
function statusOf(received: Buffer): number | null {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(received.toString('latin1'));
  return match ? Number(match[1]) : null;
}

function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Streams up to `total` bytes of body in 64 KiB chunks as fast as the server takes them, and stops
 * at the first byte of its answer: the status, and how much of the body had gone out by then.
 */
async function streamUntilAnswered(url: string, total: number): Promise<{ status: number | null; sentBeforeAnswer: number }> {
  const socket = await open(url);
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
  let received = Buffer.alloc(0);
  let sent = 0;
  let sentBeforeAnswer = -1;
  let ended = false;
  const answered = new Promise<void>((resolve) => {
    socket.on('data', (data: Buffer) => {
      if (sentBeforeAnswer < 0) sentBeforeAnswer = sent;
      received = Buffer.concat([received, data]);
      resolve();
    });
    // A server that closes (or resets) the connection has said all it will.
    socket.on('close', () => {
      ended = true;
      resolve();
    });
    socket.on('error', () => undefined);
  });
  socket.write(chunkedHead(url));
  while (sent < total && sentBeforeAnswer < 0 && !ended) {
    sent += chunk.length;
    if (!socket.write(frame)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), answered]);
  }
  if (sent >= total && !ended) socket.write('0\r\n\r\n');
  await answered;
  // The rest of the answer's head, if it came in pieces.
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.destroy();
  return { status: statusOf(received), sentBeforeAnswer: sentBeforeAnswer < 0 ? sent : sentBeforeAnswer };
}

describe('a chunked Slack request past the size limit, against the real server process', () => {
  const children = new Set<ChildProcess>();
  let dir: string;
  let slack: SlackApiServer;
  let desk: DeskProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slack-slow-'));
    slack = await startSlackApiServer({ token: BOT_TOKEN });
    desk = await startDeskProcess(
      {
        PORT: '0',
        SUPPORT_DB_PATH: join(dir, 'support.db'),
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_TRIAGE_CHANNEL: TRIAGE_CHANNEL,
        SLACK_API_URL: slack.apiUrl,
      },
      children,
    );
  });

  afterAll(async () => {
    killAll(children);
    await slack?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is answered 413 soon after the first MiB, without the server reading (or holding) the rest of 96 MB', async () => {
    const pid = desk.child.pid as number;
    resetPeak(pid);
    const before = memoryOf(pid);
    const { status, sentBeforeAnswer } = await streamUntilAnswered(desk.url, 96 * MiB);
    const after = memoryOf(pid);
    expect(status).toBe(413);
    // What the sockets' buffers take on both sides aside, the server stopped reading at the limit.
    expect(sentBeforeAnswer).toBeLessThan(16 * MiB);
    expect(after.peakMb - before.rssMb).toBeLessThan(32);
    // And the server goes on answering.
    expect((await fetch(`${desk.url}/health`)).status).toBe(200);
  });
});

describe('a slow unsigned Slack request, beside a signed click', () => {
  let desk: SlackDesk;
  let server: ServedApp;
  let trickler: Socket | null = null;

  beforeAll(async () => {
    desk = await startSlackDesk();
    server = await serveApp(desk.app);
  });

  afterAll(async () => {
    trickler?.destroy();
    await server?.close();
    await desk?.close();
  });

  it("holds back neither the click's follow-up (views.open within 2 s) nor anything else: it is cut off with 408 itself", async () => {
    const { packet, ts } = await desk.postMaya();
    // An unsigned request whose body comes one byte a second.
    const socket = await open(server.url);
    trickler = socket;
    let received = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => (received = Buffer.concat([received, data])));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    const started = Date.now();
    socket.write(chunkedHead(server.url));
    const drip = setInterval(() => socket.writable && socket.write('1\r\na\r\n'), 1000);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));

      const click = buttonClick({ actionId: ActionId.ask, ref: packet.ref, channel: TRIAGE_CHANNEL, messageTs: ts });
      const timestamp = Math.floor(Date.now() / 1000);
      const clicked = Date.now();
      const ack = await fetch(`${server.url}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': click.contentType, 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': sign(SIGNING_SECRET, timestamp, click.body) },
        body: click.body,
      });
      expect(ack.status).toBe(200);
      // Slack's trigger id lives 3 s: the modal must open well within that.
      while (desk.slack.callsOf('views.open').length === 0 && Date.now() - clicked < 2000) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(desk.slack.callsOf('views.open')).toHaveLength(1);

      // The trickling request itself is answered 408 at its deadline and dropped, not held for minutes.
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 9000))]);
      expect(statusOf(received)).toBe(408);
      expect(Date.now() - started).toBeLessThan(9000);
    } finally {
      clearInterval(drip);
    }
  });
});
