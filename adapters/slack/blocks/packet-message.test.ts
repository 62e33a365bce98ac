import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { Packet } from '../../../src/core/support-packet.ts';
import type { AuditEntry } from '../../../src/core/support-store.ts';
import { packetMessage } from './packet-message.ts';
import { LIMITS, cut, escapeSlack, fromSlackText } from './slack-text.ts';

const T = '2026-11-24T09:12:00.000Z';

function packet(overrides: Partial<Packet> = {}): Packet {
  return {
    ref: 'PKT-7KQ2M9XA3B',
    channel: 'widget',
    accountEmail: 'maya@example.com',
    verified: true,
    studio: 'video',
    prompt: 'a paper boat crossing a stormy sea at dusk, cinematic',
    settings: { resolution: '4k', referenceImages: 1 },
    errorMessage: 'Generation failed: model timeout',
    occurredAt: T,
    timezone: 'Europe/Berlin',
    generationIds: ['gen_maya_video'],
    stepsTried: ['retry', 'checked_credits'],
    findings: {
      account: { id: 'acc_maya', email: 'maya@example.com' },
      window: { from: '2026-10-25T09:12:00.000Z', to: T },
      now: T,
      balance: 146,
      runs: [
        {
          generationId: 'gen_maya_video', studio: 'video', status: 'failed', createdAt: T, finishedAt: T,
          error: { code: 'model_timeout', message: 'Generation failed: model timeout' }, stuck: false,
          charged: 40, refunded: 0, outstanding: 40, chargeEvidence: 'linked', verdict: 'refund_due', spendIds: ['led_1'], refundIds: [],
        },
      ],
      otherSpends: [{ ledgerId: 'led_2', amount: -10, createdAt: T, generationId: 'gen_music', studio: 'music' }],
      totals: { refundDue: 40, failedRuns: 1, stuckRuns: 0 },
      refundDue: 40,
    },
    missing: [],
    transcript: [{ from: 'user', text: 'It failed twice', at: T }],
    status: 'open',
    createdAt: T,
    ...overrides,
  };
}

/** Every text object of the blocks, with where it sits. */
function texts(blocks: KnownBlock[]): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${where}[${i}]`));
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'text' && typeof v === 'string') out.push({ where, text: v });
        else walk(v, `${where}.${k}`);
      }
    }
  };
  walk(blocks, 'blocks');
  return out;
}

describe('packetMessage', () => {
  it('shows the ref and verdict, the case fields, the findings with amounts, the channel and verification', () => {
    const { blocks, text } = packetMessage(packet(), []);
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'PKT-7KQ2M9XA3B · Refund due: 40 credits', emoji: true } });
    const all = texts(blocks).map((t) => t.text).join('\n');
    for (const expected of ['*Account*\nmaya@example.com', '*Studio*\nvideo', 'a paper boat', 'resolution: 4k', 'model timeout', 'retried, checked credits']) {
      expect(all).toContain(expected);
    }
    expect(all).toMatch(/\*When\*\n2026-11-24 09:12 UTC · 24 Nov 2026, 10:12 Europe\/Berlin/);
    expect(all).toContain('charged 40 (linked) · refunded 0 · outstanding 40');
    expect(all).toContain('*Refund due: 40 credits* · balance 146 credits');
    expect(all).toContain('Other spends in the window: 10 credits');
    expect(all).toContain('Channel: widget · verified ✓');
    expect(text).toBe('PKT-7KQ2M9XA3B · Refund due: 40 credits · maya@example.com');
    const actions = blocks.find((b) => b.type === 'actions');
    expect(actions && 'elements' in actions && actions.elements.map((e) => ('action_id' in e ? e.action_id : null))).toEqual([
      'triage.approve',
      'triage.ask',
      'triage.assign',
      'triage.resolve',
    ]);
  });

  it('stays English for staff, names the user’s language and keeps their words as written', () => {
    const words = 'Ma vidéo a échoué hier soir à 21h15, « délai dépassé »';
    const { blocks } = packetMessage(packet({ locale: 'fr', transcript: [{ from: 'user', text: words, at: T }] }), []);
    const all = texts(blocks).map((t) => t.text).join('\n');
    expect(all).toContain('Channel: widget · verified ✓ · Language: French · filed');
    expect(all).toContain(words);
    expect(all).toContain('*Findings*');
    // Without a language known, no line about it.
    expect(texts(packetMessage(packet(), []).blocks).map((t) => t.text).join('\n')).not.toContain('Language:');
  });

  it('escapes what the user wrote, so a transcript cannot ping the channel or disguise a link', () => {
    const hostile = 'Hey <!channel> see <https://evil.example|your bank> & <@U0BOSS> > now';
    const { blocks, text } = packetMessage(
      packet({ prompt: hostile, errorMessage: hostile, transcript: [{ from: 'user', text: hostile, at: T }], accountEmail: '<!here>@x.com' }),
      [],
    );
    for (const { where, text: t } of texts(blocks)) {
      expect(t, where).not.toMatch(/<!channel>|<!here>|<https:\/\/evil|<@U0BOSS>/);
    }
    expect(texts(blocks).some((t) => t.text.includes('&lt;!channel&gt; see &lt;https://evil.example|your bank&gt; &amp; &lt;@U0BOSS&gt; &gt; now'))).toBe(true);
    expect(text).not.toContain('<!here>');
    // Bare URLs and @channel are not turned into links or mentions either.
    for (const block of blocks) if (block.type === 'section' && block.text?.type === 'mrkdwn') expect(block.text.verbatim).toBe(true);
  });

  it("keeps inside Block Kit's limits: 50 blocks, 3,000 characters a section, 2,000 a field, 150 the header", () => {
    const transcript = Array.from({ length: 400 }, (_, i) => ({ from: i % 2 ? ('bot' as const) : ('user' as const), text: `${i} ${'é&<'.repeat(400)}`, at: T }));
    const long = 'x'.repeat(10_000);
    const { blocks } = packetMessage(packet({ transcript, prompt: long, errorMessage: long, ref: 'PKT-ABCDEFGHIJ' }), []);
    expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    for (const block of blocks) {
      if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
      if (block.type === 'section') {
        expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.sectionText);
        expect(block.fields?.length ?? 0).toBeLessThanOrEqual(LIMITS.fieldsPerSection);
        for (const f of block.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
      }
      if (block.type === 'context') expect(block.elements.length).toBeLessThanOrEqual(LIMITS.contextElements);
    }
    const all = texts(blocks).map((t) => t.text).join('\n');
    expect(all).toMatch(/… \d+ later messages not shown/);
    // A cut never leaves half an entity behind.
    expect(all).not.toMatch(/&(a|am|amp|l|lt|g|gt)?…/);
  });

  it('shows the decisions taken with who and when, and offers no refund once refunded', () => {
    const audit: AuditEntry[] = [
      { at: Date.parse(T), actor: 'slack:U0STAFF1', action: 'packet.assigned', packetRef: 'PKT-7KQ2M9XA3B', evidence: { staff: { id: 'U0STAFF1', name: 'Maria' } } },
      { at: Date.parse(T) + 60_000, actor: 'slack:U0STAFF1', action: 'refund.approved', packetRef: 'PKT-7KQ2M9XA3B', evidence: { staff: { id: 'U0STAFF1', name: 'Maria' }, amount: 40 } },
      { at: Date.parse(T), actor: 'policy:auto-refund', action: 'refund.issued', packetRef: 'PKT-7KQ2M9XA3B', evidence: {} },
    ];
    const { blocks } = packetMessage(packet({ status: 'refunded' }), audit);
    const all = texts(blocks).map((t) => t.text).join('\n');
    expect(blocks[0]).toMatchObject({ text: { text: 'PKT-7KQ2M9XA3B · Refunded' } });
    expect(all).toContain('Refunded · assigned to <@U0STAFF1>');
    expect(all).toContain('Refund of 40 credits approved by <@U0STAFF1> · 2026-11-24 09:13 UTC');
    expect(all).toContain('Assigned to <@U0STAFF1> · 2026-11-24 09:12 UTC');
    expect(all).not.toContain('Approve refund');
  });

  it('says an unverified packet carries no account data and offers no refund', () => {
    const { blocks } = packetMessage(packet({ verified: false, findings: null }), []);
    const all = texts(blocks).map((t) => t.text).join('\n');
    expect(blocks[0]).toMatchObject({ text: { text: 'PKT-7KQ2M9XA3B · Unverified sender' } });
    expect(all).toContain('not verified');
    expect(all).not.toContain('Approve refund');
  });
});

describe('slack text', () => {
  it('escapes only the three control characters', () => {
    expect(escapeSlack(`Tom & Jerry <b> "quotes" 'it's'`)).toBe(`Tom &amp; Jerry &lt;b&gt; "quotes" 'it's'`);
  });

  it('cuts without leaving half an entity or half a surrogate pair', () => {
    expect(cut('abc&amp;def', 6)).toBe('abc…');
    expect(cut('ab😀cd', 4)).toBe('ab…');
    expect(cut('short', 10)).toBe('short');
  });

  it("turns staff's Slack text into plain words for the user", () => {
    expect(fromSlackText('See <https://help.prism.test/credits|this article> &amp; ask <@U0STAFF1> or <mailto:a@b.c|a@b.c> &lt;3')).toBe(
      'See this article (https://help.prism.test/credits) & ask @U0STAFF1 or a@b.c <3',
    );
  });
});
