import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_INSTALL_TIMEOUT_MS } from '../support/browser.ts';
import { chatClient, identityHeaders } from '../support/chat-desk.ts';
import { type WidgetHarness, screenshotPath, startWidgetHarness, storedConversationId, widget } from './widget-harness.ts';

/*
 * The help widget in real Chromium on the desk's demo pages: Maya (signed in on `/`) goes from the
 * greeting to a packet by clicking; a reload brings her conversation back; an anonymous visitor
 * (`/demo/anonymous`) is helped and handed off without seeing anyone's account.
 */

const DEMO_EMAILS = ['maya@example.com', 'leo@example.com', 'ana@example.com', 'sam@example.com'];

describe('help widget: from greeting to a support packet', () => {
  let harness: WidgetHarness;

  beforeAll(async () => {
    harness = await startWidgetHarness({ CHAT_RATE_BURST: '500' });
  }, BROWSER_INSTALL_TIMEOUT_MS);

  afterAll(async () => harness?.close());

  it('takes Maya from the greeting to handed_off by clicking, and shows the packet with its reference', async () => {
    const { page } = await harness.open('/');
    const w = widget(page);
    await expect.poll(() => w.launcher.getAttribute('aria-expanded')).toBe('false');
    await w.launcher.click();
    await w.settled(0);
    expect(await w.log.getAttribute('aria-live')).toBe('polite');
    expect(await w.texts()).toEqual([expect.stringContaining('Which one is it about?')]);

    await w.choose(/^Video Studio · .* · failed$/);
    await w.choose('Still failing');
    await w.choose('Still failing');
    expect((await w.texts()).join('\n')).toContain('40 credits');
    await w.choose('Send to support');
    await w.choose('Send');

    const ref = (await w.packet.locator('.ref').innerText()).trim();
    expect(ref).toMatch(/^PKT-[A-Z0-9]{6,10}$/);
    expect(await w.packet.innerText()).toContain('Sent to support');
    expect(await w.packet.innerText()).toContain('Video Studio');
    expect(await w.packet.innerText()).toContain('40 credits proposed');
    await expect.poll(() => w.replies.getByRole('button', { name: 'Start a new conversation' }).count()).toBe(1);

    // The desk agrees: the conversation the widget keeps is handed off with that packet.
    const id = await storedConversationId(page);
    const conversation = await chatClient(harness.desk.url, identityHeaders('maya@example.com')).get(id ?? 'missing');
    expect(conversation.state).toBe('handed_off');
    expect(conversation.packet?.ref).toBe(ref);
    await page.screenshot({ path: screenshotPath('handed-off-desktop') });
  }, 60_000);

  it('answers Maya’s first message, a charge question, with her account’s facts in one reply', async () => {
    const { page } = await harness.open('/');
    const w = widget(page);
    await w.launcher.click();
    await w.settled(0);
    const before = await w.messages.count();
    await w.input.fill('where did my 40 credits go??');
    await w.input.press('Enter');
    await w.settled(before + 1);

    const texts = await w.texts();
    expect(texts.at(-2)).toContain('where did my 40 credits go??');
    // The first reply: the run, the 40 credits, due back; then support or more troubleshooting.
    expect(texts.at(-1)).toMatch(/Your Video Studio run at \d{2}:\d{2} failed and was charged 40 credits: that is due back to you\./);
    expect(texts).toHaveLength(before + 2);
    const buttons = await w.replies.getByRole('button').allInnerTexts();
    expect(buttons.map((b) => b.trim())).toEqual(['Send to support', 'Keep troubleshooting', 'Tell me more']);
    const id = await storedConversationId(page);
    expect((await chatClient(harness.desk.url, identityHeaders('maya@example.com')).get(id ?? 'missing')).state).toBe('findings');
    await page.screenshot({ path: screenshotPath('charge-question-facts') });
  }, 60_000);

  it('brings the open conversation back after a reload, with the same messages', async () => {
    const { page } = await harness.open('/');
    const w = widget(page);
    await w.launcher.click();
    await w.settled(0);
    await w.choose(/^Video Studio/);
    const before = await w.texts();
    const id = await storedConversationId(page);
    expect(before.length).toBeGreaterThanOrEqual(3);

    await page.reload();
    await expect.poll(() => w.messages.count()).toBe(before.length);
    expect(await w.panel.isVisible()).toBe(true);
    expect(await w.texts()).toEqual(before);
    expect(await storedConversationId(page)).toBe(id);
    // And it carries on from where it stood.
    await w.choose('It worked');
    expect((await w.texts()).length).toBeGreaterThan(before.length);
  }, 60_000);

  it('helps an anonymous visitor to a packet without showing any account data', async () => {
    const { page } = await harness.open('/demo/anonymous');
    const sentIdentity: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/') && request.headers()['x-user-email']) sentIdentity.push(request.url());
    });
    const w = widget(page);
    await w.launcher.click();
    await w.settled(0);
    await w.choose('Something else');
    await w.choose('Still failing');
    await w.choose('Still failing');
    await w.choose('Send to support');
    await w.choose('Send');
    await expect.poll(() => w.packet.locator('.ref').innerText()).toMatch(/^PKT-/);
    expect(await w.packet.innerText()).toContain('not signed in');

    const seen = `${await page.locator('body').innerText()}\n${await page.locator('prism-support .root').innerText()}`;
    expect(seen).not.toMatch(/\bgen_\w+/);
    expect(seen).not.toMatch(/\d+\s*credits?\b/i);
    for (const email of DEMO_EMAILS) expect(seen).not.toContain(email);
    expect(sentIdentity).toEqual([]);
    await page.screenshot({ path: screenshotPath('anonymous-handed-off') });
  }, 60_000);
});
