import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { openD1 } from '../../adapters/db/d1-database.ts';
import { createDrizzleIncidentStore } from '../../adapters/db/drizzle-incident-store.ts';
import { importPlatformData } from '../../adapters/db/import-platform-data.ts';
import { INCIDENT_RESOLVE } from '../../adapters/slack/blocks/incident-message.ts';
import worker from '../../adapters/workers/mail-worker.ts';
import { STAFF, buttonClick } from '../slack/slack-payloads.ts';
import { emptyD1 } from './reset-d1.ts';

/*
 * Incidents on Workers: the mail Worker's cron sweeps D1 for failures and relays the incident's
 * Slack message; the Resolve button, signed as Slack signs it, resolves it and redraws the message.
 */

const STAND_IN = 'https://slack.test';
const SLACK_URL = 'https://prismposter-support-mail.example.workers.dev/slack/events';
const bytes = (text: string) => new TextEncoder().encode(text);

async function sign(secret: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', bytes(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, bytes(`v0:${timestamp}:${body}`)));
  return `v0=${[...mac].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

const calls = async (method: string) =>
  ((await (await fetch(`${STAND_IN}/_test/record`)).json()) as { calls: { method: string; args: Record<string, unknown> }[] }).calls.filter((c) => c.method === method);

describe('incidents on the mail Worker (workerd + D1)', () => {
  beforeEach(async () => {
    await emptyD1();
    await fetch(`${STAND_IN}/_test/reset`, { method: 'POST' });
  });

  it('opens one on the cron for six accounts failing in Video Studio, posts it once, and the Resolve button resolves it', async () => {
    const now = Date.now();
    const ids = [1, 2, 3, 4, 5, 6];
    await importPlatformData(
      openD1(env.DB),
      {
        accounts: ids.map((n) => ({ id: `acc_${n}`, email: `user${n}@example.com` })),
        generations: ids.map((n) => ({
          id: `gen_${n}`,
          accountId: `acc_${n}`,
          studio: 'video',
          prompt: 'fog',
          settings: {},
          status: 'failed',
          error: { code: 'model_overloaded', message: 'overloaded' },
          createdAt: new Date(now - (10 - n) * 60_000).toISOString(),
        })),
        ledger: [],
      },
      { maxParams: 99 },
    );
    await worker.scheduled({ scheduledTime: now, cron: '* * * * *' }, env as never);
    const incidents = createDrizzleIncidentStore(openD1(env.DB));
    const [open] = await incidents.listOpen();
    expect(open).toMatchObject({ studio: 'video', error: 'model_overloaded', accounts: 6, status: 'open' });
    expect((await calls('chat.postMessage')).map((c) => String(c.args.text))).toEqual([`Open incident ${open?.id}: Video Studio, model_overloaded, 6 accounts`]);
    // The next minute's cron opens nothing more.
    await worker.scheduled({ scheduledTime: now, cron: '* * * * *' }, env as never);
    expect(await incidents.listOpen()).toHaveLength(1);

    const click = buttonClick({ actionId: INCIDENT_RESOLVE, ref: open?.id ?? '', channel: 'C0TRIAGE', messageTs: open?.slack?.ts ?? '1.0' });
    const timestamp = Math.floor(Date.now() / 1000);
    const ctx = createExecutionContext();
    const request = new Request(SLACK_URL, {
      method: 'POST',
      headers: {
        'content-type': click.contentType,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': await sign(env.SLACK_SIGNING_SECRET, timestamp, click.body),
      },
      body: click.body,
    });
    expect((await worker.fetch(request as never, env as never, ctx)).status).toBe(200);
    await waitOnExecutionContext(ctx);
    expect(await incidents.get(open?.id ?? '')).toMatchObject({ status: 'resolved', resolvedBy: `slack:${STAFF.id}` });
    expect(String((await calls('chat.update')).at(-1)?.args.text)).toContain(`Resolved incident ${open?.id}`);
  });
});
