import { SELF, env } from 'cloudflare:test';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { beforeEach, describe, expect, it } from 'vitest';
import { identityHash } from '../../src/chat/identity.ts';
import { seedDemoD1 } from './reset-d1.ts';

const BASE = 'https://desk.example';

async function send(path: string, email: string, body: unknown): Promise<{ conversationId?: string; state: string; packet?: { ref: string } }> {
  const headers = { 'x-user-email': email, 'x-user-hash': await identityHash(env.WIDGET_IDENTITY_SECRET, email), 'content-type': 'application/json' };
  const response = await SELF.fetch(`${BASE}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return (await response.json()) as { conversationId?: string; state: string; packet?: { ref: string } };
}

const scrape = (authorization?: string) => SELF.fetch(`${BASE}/metrics`, { headers: authorization ? { authorization } : {} });

describe('/metrics on Workers (workerd + D1)', () => {
  beforeEach(async () => {
    await seedDemoD1();
  });

  it('answers 401 without the bearer token', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape('Bearer not-the-token-at-all-0000')).status).toBe(401);
  });

  it('counts from D1 what the chat did: the same figures as on Node, without a process of its own', async () => {
    // Maya hands her case off; Leo is helped by a retry.
    const maya = await send('/api/conversations', 'maya@example.com', {});
    for (const option of ['run:gen_maya_video', 'still_failing', 'still_failing', 'send_to_support', 'send']) {
      await send(`/api/conversations/${maya.conversationId}/messages`, 'maya@example.com', { option });
    }
    const leo = await send('/api/conversations', 'leo@example.com', {});
    await send(`/api/conversations/${leo.conversationId}/messages`, 'leo@example.com', { option: 'other' });
    expect((await send(`/api/conversations/${leo.conversationId}/messages`, 'leo@example.com', { text: 'yes' })).state).toBe('resolved');

    const response = await scrape(`Bearer ${env.METRICS_TOKEN}`);
    expect(response.status).toBe(200);
    const families = new Map(parsePrometheusTextFormat(await response.text()).map((f) => [f.name, f]));
    const value = (name: string, label?: string) => families.get(name)?.metrics.find((m) => !label || Object.values(m.labels ?? {}).includes(label))?.value;
    expect(value('desk_conversations_started_total')).toBe('2');
    expect(value('desk_conversations_ended_total', 'resolved')).toBe('1');
    expect(value('desk_conversations_ended_total', 'handed_off')).toBe('1');
    expect(value('desk_conversations_ended_total', 'expired')).toBe('0');
    expect(value('desk_packets_filed_total', 'widget')).toBe('1');
    // The packet's post to Slack and its mail to the support inbox wait for the mail Worker's cron.
    expect(value('desk_outbox_pending')).toBe('2');
    expect(value('desk_refunds_total', 'staff')).toBe('0');
    expect(value('desk_incidents_open')).toBe('0');
    expect(families.get('desk_resolution_seconds')?.metrics[0]?.count).toBe('0');
    // An isolate is not the desk: its own turn times are not published.
    expect(families.has('desk_chat_turn_seconds')).toBe(false);
  });
});
