import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Packet } from '../../src/core/support-packet.ts';
import { slashCommand } from './slack-payloads.ts';
import { type SlackDesk, startSlackDesk, textOf } from './slack-desk.ts';

describe('/prism lookup and /prism packet', () => {
  let desk: SlackDesk;
  let packet: Packet;

  beforeAll(async () => {
    desk = await startSlackDesk();
    packet = await desk.fileMaya();
    await desk.settle();
  });
  afterAll(() => desk.close());

  /** Runs a command; answers what was posted to its response URL. */
  async function command(text: string) {
    const id = `cmd-${desk.slack.responses.length}-${text.length}`;
    const response = await desk.post(slashCommand(text, desk.slack.responseUrl(id)));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    await desk.settle();
    const answer = desk.slack.responses.find((r) => r.path === `/response/${id}`);
    if (!answer) throw new Error(`no answer to /prism ${text}`);
    return answer.body;
  }

  /** Audit entries kept beside any packet (packetRef null): who looked at what. */
  const audited = (action: string) =>
    (desk.deps.sqlite.sqlite.prepare('SELECT actor, evidence FROM audit_log WHERE action = ? AND packet_ref IS NULL').all(action) as { actor: string; evidence: string }[]).map(
      (row) => ({ actor: row.actor, evidence: JSON.parse(row.evidence) as Record<string, unknown> }),
    );

  it('looks an account up: the reconciliation summary, to the one who asked, audited', async () => {
    const answer = await command('lookup maya@example.com');
    expect(answer.response_type).toBe('ephemeral');
    const text = textOf(answer.blocks);
    expect(text).toContain('*maya@example.com* (Maya Berg) · `acc_maya` · zone Europe/Berlin');
    expect(text).toContain('`gen_maya_video` video · failed (model_timeout) · charged 40 (linked) · refunded 0 · outstanding 40 → *refund due*');
    expect(text).toContain('*Refund due: 40 credits*');
    expect(text).toContain('Other spends in the window: 14 credits over 2 completed runs');
    expect(audited('account.looked_up')).toEqual([
      expect.objectContaining({ actor: 'slack:U0STAFF1', evidence: expect.objectContaining({ email: 'maya@example.com', accountId: 'acc_maya', totals: expect.objectContaining({ refundDue: 40 }) }) }),
    ]);
  });

  it('takes the email as Slack escapes it in a command, and says when there is no such account', async () => {
    expect(textOf((await command('lookup <mailto:MAYA@example.com|MAYA@example.com>')).blocks)).toContain('`acc_maya`');
    expect((await command('lookup nobody@example.com')).text).toBe('No account with the email nobody@example.com.');
  });

  it('shows a packet with its history, without buttons, and says when there is none', async () => {
    const answer = await command(`packet ${packet.ref.toLowerCase()}`);
    expect(answer.response_type).toBe('ephemeral');
    expect(textOf(answer.blocks)).toContain(`${packet.ref} · Refund due: 40 credits`);
    expect(JSON.stringify(answer.blocks)).not.toContain('"actions"');
    const viewed = audited('packet.viewed');
    expect(viewed).toHaveLength(1);
    expect(viewed[0]).toMatchObject({ actor: 'slack:U0STAFF1', evidence: { ref: packet.ref, status: 'open' } });
    // A look is logged, but it is not one of the packet's decisions.
    expect((await desk.deps.store.listAudit(packet.ref)).map((a) => a.action)).toEqual(['packet.created']);
    expect((await command('packet PKT-NOPE0000')).text).toBe('No packet PKT-NOPE0000.');
  });

  it('explains itself for anything else', async () => {
    for (const text of ['', 'help', 'lookup', 'packet not-a-ref']) {
      expect((await command(text)).text).toMatch(/^Usage: \/prism lookup <email> \| \/prism packet <ref>/);
    }
  });
});
