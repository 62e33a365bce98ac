import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Packet } from '../../src/core/support-packet.ts';
import { launchChromium } from '../support/browser.ts';
import { type ChatDesk, WIDGET_SECRET, chatClient, identityHeaders, startChatDesk } from '../support/chat-desk.ts';
import { killAll } from '../support/desk-process.ts';
import { staffAdd } from './console-client.ts';

/*
 * The console in Chromium, with JavaScript switched off (it must work without): a user hands a
 * case off in the help widget's conversation; staff sign in with a link the real CLI printed
 * against the desk's SQLite file, find the packet in the queue, answer and approve the refund;
 * the user's conversation then holds both.
 */

const children = new Set<ChildProcess>();
let desk: ChatDesk;
let browser: Browser;

beforeAll(async () => {
  desk = await startChatDesk({ WIDGET_IDENTITY_SECRET: WIDGET_SECRET });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  killAll(children);
  await browser?.close();
  await desk?.close();
});

const text = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(/\s+/g, ' ');

it('staff sign in with a CLI link, answer a widget hand-off and approve its refund; the user reads both', async () => {
  // The user's side: Maya's failed video, handed off from the widget's conversation.
  const maya = chatClient(desk.url, identityHeaders('maya@example.com'));
  const { conversationId } = await maya.start();
  for (const option of ['run:gen_maya_video', 'still_failing', 'still_failing', 'send_to_support']) await maya.send(conversationId, { option });
  const sent = await maya.send(conversationId, { option: 'send' });
  expect(sent.state).toBe('handed_off');
  const packet = Packet.parse(sent.packet);
  expect(packet).toMatchObject({ channel: 'widget', status: 'open', findings: { refundDue: 40 } });

  const link = await staffAdd(desk.dbPath, 'Maria Lopez', 'maria@prismposter.test', desk.url, children);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await page.goto(link);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Sign in to the support desk');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${desk.url}/desk`);

    // The queue: the packet with its account, studio, refund due and age.
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Queue');
    expect(await page.getByRole('navigation', { name: 'Console' }).count()).toBe(1);
    expect(await page.getByRole('main').count()).toBe(1);
    const row = page.getByRole('row').filter({ hasText: packet.ref });
    expect((await row.innerText()).replace(/\s+/g, ' ')).toMatch(/Open .*Refund due: 40 credits maya@example\.com video 40 credits \d+ min/);

    // Filtered to what is refunded: not there; to what is open with a refund due: there.
    await page.getByLabel('Status').selectOption('refunded');
    await page.getByRole('button', { name: 'Filter' }).click();
    expect(await page.getByRole('link', { name: packet.ref }).count()).toBe(0);
    await page.getByLabel('Status').selectOption('open');
    await page.getByLabel('Verdict').selectOption('refund_due');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('link', { name: packet.ref }).click();

    // The packet: the facts of the Slack message.
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`${packet.ref} · Refund due: 40 credits`);
    const findings = await text(page, 'section[aria-labelledby="findings"]');
    expect(findings).toContain('Refund due: 40 credits');
    expect(findings).toMatch(/gen_maya_video video failed .* 40 \(linked\) 0 40 refund due/);
    expect(await text(page, 'section[aria-labelledby="transcript"]')).toContain('User');
    expect(await text(page, 'section[aria-labelledby="history"]')).toContain('Packet filed');

    await page.getByLabel('Reply to the user').fill('Sorry about the 4k render, Maya. Looking into it now.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    expect(await page.getByRole('status').innerText()).toBe(`Sent to the user of ${packet.ref}.`);

    await page.getByRole('button', { name: 'Approve refund (40 credits)' }).click();
    expect(await page.getByRole('status').innerText()).toBe(`Refunded 40 credits on ${packet.ref}.`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`${packet.ref} · Refunded`);
    expect(await page.getByRole('button', { name: /Approve refund/ }).count()).toBe(0);
    const history = await text(page, 'section[aria-labelledby="history"]');
    expect(history).toMatch(/Maria Lopez Replied to the user Sorry about the 4k render/);
    expect(history).toMatch(/Maria Lopez Refund approved 40 credits/);
  } finally {
    await context.close();
  }

  // The user's conversation holds the reply and the refund, from Maria.
  const after = await maya.get(conversationId);
  const agent = after.messages.filter((m) => m.from === 'agent').map((m) => m.text);
  expect(agent).toEqual([
    'Maria Lopez: Sorry about the 4k render, Maya. Looking into it now.',
    expect.stringMatching(/^Maria Lopez: We have refunded 40 credits to your account for the video run gen_maya_video that failed\./),
  ]);
  expect(after.packet?.status).toBe('refunded');
  const ledger = await desk.deps.platform.listLedger('acc_maya', { since: 0, until: Date.now() + 60_000 });
  expect(ledger.entries.filter((e) => e.type === 'refund')).toEqual([expect.objectContaining({ generationId: 'gen_maya_video', amount: 40 })]);
  const audit = await desk.deps.store.listAudit(packet.ref);
  expect(audit.map((a) => a.action)).toEqual(['packet.created', 'reply.sent', 'refund.approved']);
  expect(audit.slice(1).every((a) => /^desk:stf_/.test(a.actor))).toBe(true);
}, 90_000);
