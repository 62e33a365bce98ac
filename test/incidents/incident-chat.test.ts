import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importPlatformData } from '../../adapters/db/import-platform-data.ts';
import { type NodeDesk, openNodeDesk } from '../../adapters/node/node-desk.ts';
import { loadConfig } from '../../src/config.ts';
import type { Generation, LedgerEntry } from '../../src/core/platform-types.ts';
import { failedRun, incidentAccount } from './incident-desk.ts';
import { WIDGET_SECRET, chatClient, identityHeaders } from '../support/chat-desk.ts';
import { type ServedApp, serveApp } from '../support/serve-app.ts';

/*
 * The flow's part of an incident, through the real chat API on SQLite: a user whose failed run
 * belongs to an open incident is told so when they pick it — a known problem, what the run cost,
 * the offer to be told when it is fixed — and is told once, in their conversation, when it is.
 */

const MIN = 60_000;
const T = Date.parse('2026-11-24T10:00:00.000Z');
const clock = { now: T };
const overloaded = { code: 'model_overloaded', message: 'The video model is overloaded, try again later' };

let dir: string;
let desk: NodeDesk;
let server: ServedApp;

const run = (n: number, minutesAgo: number, studio: Generation['studio'] = 'video', error: Generation['error'] = overloaded) => failedRun(n, minutesAgo, T, error, studio, `gen_${studio}_${n}`);

/** Six accounts failing in Video Studio with one error within ten minutes: one incident, open. */
async function openIncident(ledger: LedgerEntry[] = [], more: Generation[] = []): Promise<string> {
  const generations = [1, 2, 3, 4, 5, 6].map((n) => run(n, 11 - n));
  await importPlatformData(desk.sqlite, { accounts: [1, 2, 3, 4, 5, 6, 7].map(incidentAccount), generations: [...generations, ...more], ledger });
  const [id] = (await desk.incidents.sweep()).opened;
  expect(id).toMatch(/^INC-/);
  return id ?? '';
}

beforeEach(async () => {
  clock.now = T;
  dir = mkdtempSync(join(tmpdir(), 'incident-chat-'));
  desk = openNodeDesk(loadConfig({ SUPPORT_DB_PATH: join(dir, 'support.db'), WIDGET_IDENTITY_SECRET: WIDGET_SECRET }), { now: () => clock.now });
  server = await serveApp(desk.app);
});

afterEach(async () => {
  await server?.close();
  desk?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a conversation about a run of an open incident', () => {
  it('names the incident in the first reply, registers the user who asks and tells them once when it is resolved', async () => {
    const id = await openIncident();
    const user = chatClient(server.url, identityHeaders('user1@example.com'));
    const started = await user.start();
    const conversationId = started.conversationId;

    const reply = await user.send(conversationId, { option: 'run:gen_video_1' });
    expect(reply.state).toBe('incident');
    const told = reply.messages.at(-1);
    expect(told?.text).toBe(
      `This is a known problem: Video Studio runs have been failing with “model_overloaded” since 09:50 (${id}). Our team is on it, and there’s nothing to change on your side. ` +
        'Failed runs cost nothing: your account shows no charge for this run. Shall I tell you when it’s fixed?',
    );
    // No retry or simplify advice: they cannot help.
    expect(reply.messages.map((m) => m.text).join(' ')).not.toMatch(/try (it )?again|simpl/i);
    expect(told?.options).toEqual([
      { id: 'watch_incident', label: 'Tell me when it’s fixed' },
      { id: 'human', label: 'Talk to a person' },
    ]);

    const watching = await user.send(conversationId, { option: 'watch_incident' });
    expect(watching.messages.at(-1)?.text).toBe(
      'Done: I’ll tell you here when it’s fixed, or by email at user1@example.com if this chat is closed by then.',
    );
    expect(await desk.incidentStore.listWatchers(id)).toEqual([
      expect.objectContaining({ watcher: 'user1@example.com', conversationId, email: 'user1@example.com', notifiedAt: null }),
    ]);

    clock.now = T + 20 * MIN;
    expect(await desk.incidents.resolve(id, 'slack:U0LEAD')).toMatchObject({ status: 'resolved' });
    expect(await desk.incidents.resolve(id, 'slack:U0LEAD')).toBeNull();
    await desk.incidents.sweep();
    const fixed = (await user.get(conversationId)).messages.filter((m) => m.text.includes('is fixed: you can run it again'));
    expect(fixed.map((m) => m.text)).toEqual([`The problem in Video Studio you asked about (model_overloaded) is fixed: you can run it again. (${id})`]);
  });

  it('says what the account shows for the run: charged and refunded, or charged and still due back', async () => {
    const spend = (n: number): LedgerEntry => ({ id: `led_spend_${n}`, accountId: `acc_${n}`, type: 'spend', amount: -40, generationId: `gen_video_${n}`, createdAt: run(n, 11 - n).createdAt });
    const id = await openIncident([
      spend(2),
      { id: 'led_refund_2', accountId: 'acc_2', type: 'refund', amount: 40, refundOf: 'led_spend_2', generationId: 'gen_video_2', createdAt: new Date(T - 5 * MIN).toISOString() },
      spend(3),
    ]);
    const refunded = chatClient(server.url, identityHeaders('user2@example.com'));
    const first = await refunded.start();
    const said = (await refunded.send(first.conversationId, { option: 'run:gen_video_2' })).messages.at(-1)?.text;
    expect(said).toContain(id);
    expect(said).toContain('Failed runs cost nothing: the 40 credits charged for this run were refunded to your account.');

    const due = chatClient(server.url, identityHeaders('user3@example.com'));
    const second = await due.start();
    const reply = await due.send(second.conversationId, { option: 'run:gen_video_3' });
    expect(reply.messages.at(-1)?.text).toContain(
      'Failed runs cost nothing, but your account shows 40 credits charged for this run and not refunded yet: a person on the support team can return them.',
    );
    // A person is one tap away, with the case ready.
    const person = await due.send(second.conversationId, { option: 'human' });
    expect(person.state).toBe('packet');
  });

  it('tells a French conversation in French, its offer and the fix too', async () => {
    const id = await openIncident();
    const user = chatClient(server.url, identityHeaders('user4@example.com'));
    const started = await user.start({ locale: 'fr' });
    const reply = await user.send(started.conversationId, { option: 'run:gen_video_4' });
    const told = reply.messages.at(-1);
    expect(told?.text).toBe(
      `C’est un problème connu : les générations de Video Studio échouent avec « model_overloaded » depuis 09:50 (${id}). Notre équipe s’en occupe, vous n’avez rien à changer de votre côté. ` +
        'Les générations échouées ne coûtent rien : votre compte n’indique aucun débit pour celle-ci. Voulez-vous que je vous prévienne quand ce sera réparé ?',
    );
    expect(told?.options?.map((o) => o.label)).toEqual(['Prévenez-moi quand c’est réparé', expect.not.stringMatching(/Talk to a person/)]);
    const watching = await user.send(started.conversationId, { option: 'watch_incident' });
    expect(watching.messages.at(-1)?.text).toBe(
      'C’est noté : je vous préviendrai ici quand ce sera réparé, ou par e-mail à user4@example.com si cette conversation est fermée d’ici là.',
    );

    // And told it is fixed in French too, once.
    await desk.incidents.resolve(id, 'slack:U0LEAD');
    await desk.incidents.resolve(id, 'slack:U0LEAD');
    const fixed = (await user.get(started.conversationId)).messages.filter((m) => m.from !== 'user' && m.text.includes('est réparé'));
    expect(fixed.map((m) => m.text)).toEqual([
      `Le problème de Video Studio dont vous m’avez parlé (model_overloaded) est réparé : vous pouvez relancer votre génération. (${id})`,
    ]);
  });

  it('leaves a run of no open incident to the usual troubleshooting', async () => {
    await openIncident([], [run(7, 3, 'image', { code: 'content_policy', message: 'Blocked by the content policy' })]);
    const user = chatClient(server.url, identityHeaders('user7@example.com'));
    const started = await user.start();
    const reply = await user.send(started.conversationId, { option: 'run:gen_image_7' });
    expect(reply.state).toBe('retry');
    expect(reply.messages.map((m) => m.text).join(' ')).not.toMatch(/known problem|INC-/);
  });
});
