import { afterEach, beforeEach, expect, it } from 'vitest';
import { importPlatformData } from '../../adapters/db/import-platform-data.ts';
import type { NodeDesk } from '../../adapters/node/node-desk.ts';
import { createStaffAuth } from '../../src/console/staff-auth.ts';
import { newId } from '../../src/core/ids.ts';
import { consoleClient, csrfOf } from '../console/console-client.ts';
import { chatClient, identityHeaders } from '../support/chat-desk.ts';
import type { ServedApp } from '../support/serve-app.ts';
import type { SlackApiServer } from '../support/slack-api-server.ts';
import type { SmtpSink } from '../support/smtp-sink.ts';
import { failedRun, startIncidentDesk, stopIncidentDesk } from './incident-desk.ts';

/*
 * Staff resolve an incident in the console, as they do with Slack's button: the real desk on
 * SQLite, the console's forms posted over HTTP as a browser posts them. The same incident service
 * answers: one effect however often it is pressed, the users who asked told once (in their
 * conversation, or by mail through the SMTP sink), the incident's Slack message updated in place.
 */

const SLACK_TOKEN = 'xoxb-incident-console';
const MIN = 60_000;
const T = Date.parse('2026-11-24T10:00:00.000Z');
const clock = { now: T };
const overloaded = { code: 'model_overloaded', message: 'The video model is overloaded, try again later' };

let dir: string;
let slack: SlackApiServer;
let smtp: SmtpSink;
let desk: NodeDesk;
let server: ServedApp;

const failed = (n: number, minutesAgo: number) => failedRun(n, minutesAgo, clock.now, overloaded);

beforeEach(async () => {
  clock.now = T;
  ({ dir, slack, smtp, desk, server } = await startIncidentDesk('incident-console', clock, SLACK_TOKEN));
});

afterEach(() => stopIncidentDesk({ dir, slack, smtp, desk, server }));

/** Maria, signed in to the console with a link issued on the desk's clock. */
async function signedInStaff() {
  const auth = createStaffAuth({ staff: desk.staffStore, now: () => clock.now, newId });
  const { staff } = await auth.addStaff('Maria Lopez', 'maria@prismposter.test');
  const { url } = await auth.issueSignInLink(staff.id, server.url);
  const client = consoleClient(server.url);
  expect((await client.signIn(url)).status).toBe(303);
  return { client, staff };
}

/** What a refused request must leave as it was. */
async function state(id: string, conversationId: string) {
  return {
    incident: await desk.incidents.get(id),
    watchers: await desk.incidentStore.listWatchers(id),
    messages: (await desk.store.listMessages(conversationId)).length,
  };
}

it('lists open incidents in the console and resolves one with its Resolve button, once, as Slack’s button does', async () => {
  await importPlatformData(desk.sqlite, {
    accounts: [1, 2, 3, 4, 5, 6].map((n) => ({ id: `acc_${n}`, email: `user${n}@example.com`, name: null, timezone: 'UTC' })),
    generations: [1, 2, 3, 4, 5, 6].map((n) => failed(n, 11 - n)),
    ledger: [],
  });
  const [id = ''] = (await desk.incidents.sweep()).opened;
  await desk.relay.runOnce();
  const posted = slack.callsOf('chat.postMessage');
  expect(posted).toHaveLength(1);

  // Two users ask to be told: one in their open conversation, one (verified, conversation gone) by mail.
  const user1 = chatClient(server.url, identityHeaders('user1@example.com'));
  const { conversationId } = await user1.start();
  await desk.incidents.watch(id, { conversationId, email: 'user1@example.com' });
  await desk.incidents.watch(id, { conversationId: 'conv_gone', email: 'user2@example.com' });

  // Without a session: the sign-in prompt, and nothing of the incident.
  const anonymous = consoleClient(server.url);
  const prompt = await anonymous.get('/desk/incidents');
  expect(prompt.status).toBe(401);
  expect(prompt.html).not.toContain(id);

  const { client, staff } = await signedInStaff();
  // The console's navigation leads to the incidents.
  expect((await client.get('/desk')).html).toContain('<a href="/desk/incidents">Incidents</a>');
  const list = await client.get('/desk/incidents');
  expect(list.status).toBe(200);
  const row = new RegExp(`<th scope="row">${id}</th><td>Video Studio</td><td><code>model_overloaded</code></td><td>6</td>`);
  expect(list.html).toMatch(row);
  expect(list.html).toContain(`action="/desk/incidents/${id}/resolve"`);
  expect(list.html).toContain(`aria-label="Resolve ${id}"`);

  // Refused without the form's CSRF token, with another session's token, and from another site: nothing changes.
  const before = await state(id, conversationId);
  const noToken = await client.post(`/desk/incidents/${id}/resolve`, {});
  expect(noToken.status).toBe(403);
  expect(noToken.html).toContain('The form carried no CSRF token.');
  expect((await client.post(`/desk/incidents/${id}/resolve`, { csrf: 'x'.repeat(43) })).status).toBe(403);
  expect((await client.post(`/desk/incidents/${id}/resolve`, { csrf: csrfOf(list.html) }, { origin: 'https://evil.example' })).status).toBe(403);
  expect(await state(id, conversationId)).toEqual(before);
  expect(before.incident?.status).toBe('open');

  // Resolve, as staff press it.
  clock.now = T + 20 * MIN;
  const resolved = await client.post(`/desk/incidents/${id}/resolve`, { csrf: csrfOf(list.html) });
  expect(resolved.status).toBe(200);
  expect(resolved.html).toContain(`<p class="notice" role="status">Resolved ${id}. The users who asked to be told are told now.</p>`);
  expect(resolved.html).toContain('No open incidents');
  expect(await desk.incidents.get(id)).toMatchObject({ status: 'resolved', resolvedAt: clock.now, resolvedBy: `desk:${staff.id} (Maria Lopez)` });

  // Pressed again (a second tab, a double click): nothing more, and it says so.
  const again = await client.post(`/desk/incidents/${id}/resolve`, { csrf: csrfOf(list.html) });
  expect(again.status).toBe(409);
  expect(again.html).toContain(`Nothing was done: ${id} is not open (it was resolved already).`);
  expect((await client.post('/desk/incidents/INC-NOSUCH1/resolve', { csrf: csrfOf(list.html) })).status).toBe(404);

  // The user in their conversation is told once; the other by one mail.
  const told = (await user1.get(conversationId)).messages.filter((m) => m.text.includes(id));
  expect(told.map((m) => m.text)).toEqual([`The problem in Video Studio you asked about (model_overloaded) is fixed: you can run it again. (${id})`]);
  await desk.relay.runOnce();
  await smtp.waitFor(1);
  expect(smtp.received.map((m) => m.to)).toEqual([['user2@example.com']]);

  // The incident's one Slack message is updated in place: resolved, by whom, no Resolve button left.
  expect(slack.callsOf('chat.postMessage')).toHaveLength(1);
  const update = slack.callsOf('chat.update').at(-1);
  expect(update?.args.ts).toEqual(expect.any(String));
  expect(update?.args.ts).toBe((await desk.incidents.get(id))?.slack?.ts);
  expect(String(update?.args.text)).toContain(`Resolved incident ${id}`);
  expect(JSON.stringify(update?.args.blocks)).toContain('(Maria Lopez (console))');
  expect(JSON.stringify(update?.args.blocks)).not.toContain('incident.resolve');

  // Later relays and sweeps tell nobody twice.
  await desk.incidents.sweep();
  await desk.relay.runOnce();
  expect(smtp.received).toHaveLength(1);
  expect((await user1.get(conversationId)).messages.filter((m) => m.text.includes(id))).toHaveLength(1);
});
