import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_INSTALL_TIMEOUT_MS } from '../support/browser.ts';
import { type WidgetHarness, screenshotPath, startWidgetHarness, storedConversationId, widget } from './widget-harness.ts';

/*
 * When things go wrong the widget says so plainly: a dropped connection offers Retry (which resends
 * the same message), too many messages says how long to wait (from Retry-After), a forgotten
 * conversation starts afresh, and a bad identity asks for a reload.
 */

describe('help widget: failures', () => {
  let harness: WidgetHarness;
  // Burst 3 and one token a minute: the start, two messages, then 429 for about a minute.
  let strict: WidgetHarness;

  beforeAll(async () => {
    [harness, strict] = await Promise.all([
      startWidgetHarness({ CHAT_RATE_BURST: '500' }),
      startWidgetHarness({ CHAT_RATE_BURST: '3', CHAT_RATE_PER_MINUTE: '1' }),
    ]);
  }, BROWSER_INSTALL_TIMEOUT_MS);

  afterAll(async () => Promise.all([harness?.close(), strict?.close()]));

  it('shows a Retry when the network fails, and Retry resends once the desk is reachable again', async () => {
    const { page } = await harness.open('/');
    const w = widget(page);
    await w.launcher.click();
    await w.settled(0);
    await page.route('**/api/conversations/*/messages', (route) => route.abort('internetdisconnected'), { times: 1 });

    await w.replies.getByRole('button', { name: /^Video Studio/ }).click();
    await expect.poll(() => w.notice.innerText()).toContain('can’t reach support');
    expect(await page.locator('prism-support .msg.failed').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('network-failed') });

    const count = await w.messages.count();
    await w.notice.getByRole('button', { name: 'Retry' }).click();
    await w.settled(count);
    expect(await w.notice.innerText()).toBe('');
    expect(await page.locator('prism-support .msg.failed').count()).toBe(0);
    expect((await w.texts()).join('\n')).toContain('Did it work this time?');
    expect(await w.replies.getByRole('button', { name: 'Still failing' }).count()).toBe(1);
  }, 60_000);

  it('on 429 tells the user how many seconds to wait, from Retry-After', async () => {
    const { page } = await strict.open('/');
    const w = widget(page);
    await w.launcher.click();
    await w.settled(0);
    await w.choose(/^Video Studio/);
    await w.choose('Still failing');

    const limited = page.waitForResponse((r) => r.status() === 429);
    await w.replies.getByRole('button', { name: 'Still failing' }).click();
    const seconds = Number((await limited).headers()['retry-after']);
    expect(seconds).toBeGreaterThan(0);
    await expect.poll(() => w.notice.innerText()).toContain(`Please wait ${seconds} seconds`);
    expect(await w.notice.getByRole('button', { name: 'Retry' }).count()).toBe(1);
    await page.screenshot({ path: screenshotPath('rate-limited') });
  }, 60_000);

  it('starts a fresh conversation when the stored one is gone (404)', async () => {
    const { context, page } = await harness.open('/demo/anonymous');
    const key = `prism-support:${harness.desk.url}|anonymous`;
    await context.addInitScript(
      ([k, v]) => localStorage.setItem(k ?? '', v ?? ''),
      [key, JSON.stringify({ id: 'conv_that_expired', open: true })],
    );
    await page.reload();
    const w = widget(page);
    await w.settled(0);
    expect(await w.panel.isVisible()).toBe(true);
    expect((await w.texts()).join('\n')).toContain('Which studio were you using');
    await expect.poll(() => storedConversationId(page)).toMatch(/^conv_/);
    expect(await storedConversationId(page)).not.toBe('conv_that_expired');
  }, 60_000);

  it('asks for a reload when the host page passes a wrong identity hash (401)', async () => {
    const { page } = await harness.open('/demo/anonymous');
    await page.evaluate(() => {
      const init = Reflect.get(window, 'PrismSupport')?.init;
      init({ apiBase: location.origin, user: { email: 'maya@example.com', hash: 'not-the-hash' } });
    });
    const w = widget(page);
    await w.launcher.click();
    await expect.poll(() => w.notice.innerText()).toContain('couldn’t confirm that you’re signed in');
    expect(await w.messages.count()).toBe(0);
    expect(await w.notice.getByRole('button', { name: 'Retry' }).count()).toBe(0);
  }, 60_000);
});
