import type { ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { type ChatDesk, WIDGET_SECRET, chatClient, identityHeaders, startChatDesk } from '../support/chat-desk.ts';
import { killAll } from '../support/desk-process.ts';
import { staffAdd } from '../console/console-client.ts';

/*
 * The console's metrics page in Chromium (JavaScript off): real figures from the desk's SQLite
 * file after two conversations, behind the staff sign-in.
 */

const children = new Set<ChildProcess>();
let desk: ChatDesk;
let browser: Browser;

beforeAll(async () => {
  desk = await startChatDesk({ WIDGET_IDENTITY_SECRET: WIDGET_SECRET, AUTO_REFUND_LIMIT: '50' });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  killAll(children);
  await browser?.close();
  await desk?.close();
});

it('shows the last 7 and 30 days with their figures and SVG charts, only to staff', async () => {
  // Maya's failed video is handed off and refunded by the policy; Leo is helped by a retry.
  const maya = chatClient(desk.url, identityHeaders('maya@example.com'));
  const m = await maya.start();
  for (const option of ['run:gen_maya_video', 'still_failing', 'still_failing', 'send_to_support', 'send']) await maya.send(m.conversationId, { option });
  const leo = chatClient(desk.url, identityHeaders('leo@example.com'));
  const l = await leo.start();
  await leo.send(l.conversationId, { option: 'other' });
  expect((await leo.send(l.conversationId, { text: 'yes' })).state).toBe('resolved');

  // No session: the sign-in prompt, no figures.
  const anonymous = await fetch(`${desk.url}/desk/metrics`);
  expect(await anonymous.text()).not.toContain('Self-service rate');

  const link = await staffAdd(desk.dbPath, 'Maria Lopez', 'maria@prismposter.test', desk.url, children);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await page.goto(link);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${desk.url}/desk`);
    await page.getByRole('link', { name: 'Metrics' }).click();
    await page.waitForURL(`${desk.url}/desk/metrics`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Support metrics');
    const week = page.locator('section[data-days="7"]');
    const figure = async (name: string) => (await week.locator(`[data-figure="${name}"]`).innerText()).replace(/\s+/g, ' ');
    expect(await figure('self-service-rate')).toBe('50 % (1 of 2 conversations that ended)');
    expect(await figure('charged-for-failure-rate')).toBe('100 % (1 of 1 failed runs)');
    expect(await figure('refunds')).toBe('1 refunds, 40 credits (automatic 1 · 40 credits; staff 0 · 0 credits)');
    expect(await figure('resolution')).toBe('0 s');
    expect(await week.getByRole('img', { name: 'Conversations a day' }).count()).toBe(1);
    expect(await page.locator('svg').count()).toBe(4);
    expect((await week.getByRole('row').nth(1).innerText()).replace(/\s+/g, ' ')).toBe('video model_timeout 1 1');
    expect(await page.locator('section[data-days="30"] [data-figure="refunds"]').innerText()).toContain('1 refunds, 40 credits');
  } finally {
    await context.close();
  }
}, 90_000);
