import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_INSTALL_TIMEOUT_MS } from '../support/browser.ts';
import { type SlackApiServer, startSlackApiServer } from '../support/slack-api-server.ts';
import { threadMessage } from '../slack/slack-payloads.ts';
import { messageOf } from '../slack/slack-desk.ts';
import { sign } from '../slack/slack-signing.ts';
import { type WidgetHarness, handOffFromWidget, screenshotPath, startWidgetHarness, storedConversationId, widget } from './widget-harness.ts';
import { expectResumedWithoutLoss } from '../support/reconnect-check.ts';

/*
 * Live replies in real Chromium: Maya hands her case off in the widget, the packet goes to the
 * Slack stand-in, and staff answer with `reply:` in its thread (a signed event to the real
 * /slack/events). Her open widget shows the answer, with the staff member's name, without a
 * reload; a dropped stream reconnects without missing anything; a closed panel shows a badge.
 */

const BOT_TOKEN = 'xoxb-live-test';
const SIGNING_SECRET = 'live-test-signing-secret';
const CHANNEL = 'C0LIVE';

describe('help widget: staff replies arrive live', () => {
  let harness: WidgetHarness;
  let slack: SlackApiServer;
  let page: Page;
  let threadTs: string;
  let replies = 0;
  const eventsRequests: string[] = [];

  beforeAll(async () => {
    slack = await startSlackApiServer({ token: BOT_TOKEN, userNames: { U0STAFF1: 'Maria' } });
    harness = await startWidgetHarness({
      CHAT_RATE_BURST: '500',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_TRIAGE_CHANNEL: CHANNEL,
      SLACK_API_URL: slack.apiUrl,
    });
  }, BROWSER_INSTALL_TIMEOUT_MS);

  afterAll(async () => {
    await harness?.close();
    await slack?.close();
  });

  /** Staff's `reply:` in the packet's Slack thread, as Slack delivers it: signed, to the desk's /slack/events. */
  async function slackReply(text: string) {
    replies++;
    const event = threadMessage({ channel: CHANNEL, threadTs, ts: `1700000${String(replies).padStart(3, '0')}.000100`, text: `reply: ${text}` });
    const timestamp = Math.floor(Date.now() / 1000);
    // Through the real app without a socket of the test's own: the tests drop the desk's connections.
    const response = await harness.desk.deps.app.request('/slack/events', {
      method: 'POST',
      headers: { 'content-type': event.contentType, 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': sign(SIGNING_SECRET, timestamp, event.body) },
      body: event.body,
    });
    expect(response.status).toBe(200);
  }

  /** The messages of the log as shown, and how many times each. */
  const texts = () => widget(page).texts();

  it('shows a staff reply from the Slack thread in the open widget within 2 s, with the staff member’s name', async () => {
    let ref: string;
    ({ page, ref } = await handOffFromWidget(harness, eventsRequests));
    const w = widget(page);
    await harness.desk.deps.relay.runOnce();
    threadTs = messageOf(slack, ref).ts;
    const before = await w.messages.count();

    const sentAt = Date.now();
    await slackReply('We refunded the 40 credits of your video.');
    await expect.poll(() => w.messages.count(), { timeout: 2000, interval: 50 }).toBe(before + 1);
    const took = Date.now() - sentAt;
    console.log(`staff reply shown in the open widget ${took} ms after Slack's event`);

    const shown = page.locator('prism-support .log > li.msg.agent').last();
    expect(await shown.locator('.author').innerText()).toBe('Maria');
    expect(await shown.innerText()).toContain('We refunded the 40 credits of your video.');
    expect(await shown.innerText()).not.toContain('Maria: We');
    // The desk counts it read: it will not be mailed.
    const id = (await storedConversationId(page)) ?? '';
    const [last] = (await harness.desk.deps.store.listMessages(id)).slice(-1);
    await expect.poll(() => harness.desk.deps.store.isRead(id, last?.id ?? '')).toBe(true);
    await page.screenshot({ path: screenshotPath('live-reply') });
  }, 90_000);

  it('reconnects after the desk drops the stream, and misses nothing written meanwhile', async () => {
    await expectResumedWithoutLoss({ texts, eventsRequests, drop: () => harness.desk.dropConnections(), write: slackReply });
  }, 60_000);

  it('puts a badge on the launcher for replies that come while the panel is closed', async () => {
    const w = widget(page);
    const badge = page.locator('prism-support .badge');
    await page.getByRole('button', { name: 'Close help' }).click();
    expect(await badge.isVisible()).toBe(false);

    await slackReply('Are you still there?');
    await expect.poll(() => badge.isVisible(), { timeout: 2000, interval: 50 }).toBe(true);
    expect(await badge.innerText()).toBe('1');
    await slackReply('One more thing.');
    await expect.poll(() => badge.innerText(), { timeout: 2000, interval: 50 }).toBe('2');
    // The count describes the launcher; its name stays "Help".
    expect(await w.launcher.count()).toBe(1);
    await page.screenshot({ path: screenshotPath('live-badge') });

    await w.launcher.click();
    expect(await badge.isVisible()).toBe(false);
    const shown = (await texts()).slice(-2).join('\n');
    expect(shown).toContain('Are you still there?');
    expect(shown).toContain('One more thing.');
  }, 60_000);

  it('after a reload with the panel closed, follows the conversation and badges a new reply', async () => {
    const w = widget(page);
    await page.getByRole('button', { name: 'Close help' }).click();
    const opened = eventsRequests.length;
    await page.reload();
    const badge = page.locator('prism-support .badge');
    // The panel stays closed, and the conversation is followed: wait for its stream before staff answer.
    await expect.poll(() => eventsRequests.length, { timeout: 10_000 }).toBeGreaterThan(opened);
    expect(eventsRequests.at(-1)).toBe('');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await slackReply('Back after your reload.');
    await expect.poll(() => badge.innerText(), { timeout: 3000, interval: 50 }).toBe('1');
    await w.launcher.click();
    await w.settled(0);
    expect((await texts()).at(-1)).toContain('Back after your reload.');
  }, 60_000);

  it('falls back to polling when the stream cannot be opened', async () => {
    const w = widget(page);
    if (!(await w.panel.isVisible())) {
      await w.launcher.click();
      await w.settled(0);
    }
    await page.context().route('**/events', (route) => route.abort());
    harness.desk.dropConnections();
    const before = await w.messages.count();
    await slackReply('Delivered by polling.');
    await expect.poll(() => w.messages.count(), { timeout: 10_000, interval: 100 }).toBe(before + 1);
    expect((await texts()).at(-1)).toContain('Delivered by polling.');
    await page.context().unroute('**/events');
  }, 60_000);
});
