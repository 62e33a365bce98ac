import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_INSTALL_TIMEOUT_MS } from '../support/browser.ts';
import { chatClient, identityHeaders } from '../support/chat-desk.ts';
import { type WidgetHarness, focused, screenshotPath, startWidgetHarness, storedConversationId, widget } from './widget-harness.ts';

/*
 * The widget for everyone: keyboard alone from the greeting to a packet, a 360 px phone without
 * sideways scrolling.
 */

type Key = 'Tab' | 'Enter' | 'Space' | 'Escape';

/** Presses Tab until the focused element reads `text` (the page and the widget, in tab order). */
async function tabTo(page: Page, text: string | RegExp) {
  const matches = (t: string) => (typeof text === 'string' ? t === text : text.test(t));
  for (let i = 0; i < 80; i++) {
    if (matches((await focused(page)).text)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${String(text)}; focus is on ${JSON.stringify(await focused(page))}`);
}

describe('help widget: keyboard and phone', () => {
  let harness: WidgetHarness;

  beforeAll(async () => {
    harness = await startWidgetHarness({ CHAT_RATE_BURST: '500' });
  }, BROWSER_INSTALL_TIMEOUT_MS);

  afterAll(async () => harness?.close());

  it('goes from the greeting to handed_off with Tab, Enter and Space alone', async () => {
    const { page } = await harness.open('/');
    const w = widget(page);
    const press = (key: Key) => page.keyboard.press(key);

    await tabTo(page, 'Help');
    await press('Enter');
    expect(await focused(page)).toMatchObject({ tag: 'input', inWidget: true });
    await w.settled(0);

    // Escape closes and gives focus back to the launcher; Space opens again, into the text box.
    await press('Escape');
    expect(await w.panel.isVisible()).toBe(false);
    expect(await focused(page)).toMatchObject({ tag: 'button', text: 'Help', inWidget: true });
    await press('Space');
    expect(await focused(page)).toMatchObject({ tag: 'input', inWidget: true });

    // The quick replies are real buttons in the tab order; after each answer focus lands on the new ones.
    await tabTo(page, /^Video Studio · .* · failed$/);
    expect((await focused(page)).tag).toBe('button');
    let count = await w.messages.count();
    await press('Enter');
    await w.settled(count + 1);
    for (const key of ['Space', 'Enter'] as const) {
      expect(await focused(page)).toMatchObject({ text: 'It worked', inWidget: true });
      await press('Tab');
      expect((await focused(page)).text).toBe('Still failing');
      count = await w.messages.count();
      await press(key);
      await w.settled(count + 1);
    }
    expect((await focused(page)).text).toBe('Send to support');
    count = await w.messages.count();
    await press('Enter');
    await w.settled(count + 1);
    expect((await focused(page)).text).toBe('Send');
    count = await w.messages.count();
    await press('Space');
    await w.settled(count + 1);

    await expect.poll(() => w.packet.locator('.ref').innerText()).toMatch(/^PKT-[A-Z0-9]+$/);
    expect((await focused(page)).text).toBe('Start a new conversation');
    const id = await storedConversationId(page);
    const conversation = await chatClient(harness.desk.url, identityHeaders('maya@example.com')).get(id ?? 'missing');
    expect(conversation.state).toBe('handed_off');
    await page.screenshot({ path: screenshotPath('keyboard-handed-off') });
  }, 60_000);

  it('fits a 360 × 640 phone: no sideways scrolling, readable text, every reply inside the screen', async () => {
    const { page } = await harness.open('/', { width: 360, height: 640 });
    const w = widget(page);
    await page.screenshot({ path: screenshotPath('phone-360-closed') });
    await w.launcher.click();
    await w.settled(0);
    await w.choose(/^Video Studio/);
    await w.choose('Still failing');
    await w.choose('Still failing');
    await page.screenshot({ path: screenshotPath('phone-360-open') });

    const layout = await page.evaluate(() => {
      const root = document.querySelector('prism-support')?.shadowRoot;
      const panel = root?.querySelector('.panel')?.getBoundingClientRect();
      const body = root?.querySelector('.body');
      const replies = [...(root?.querySelectorAll('.options button') ?? [])].map((b) => b.getBoundingClientRect());
      const message = root?.querySelector('.msg');
      return {
        pageWidth: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
        panel: panel && { left: panel.left, right: panel.right, top: panel.top, bottom: panel.bottom },
        bodyOverflow: body ? body.scrollWidth - body.clientWidth : -1,
        repliesInside: replies.length > 0 && replies.every((r) => r.left >= 0 && r.right <= window.innerWidth),
        fontSize: message ? Number.parseFloat(getComputedStyle(message).fontSize) : 0,
      };
    });
    expect(layout.pageWidth).toBeLessThanOrEqual(layout.viewport);
    expect(layout.panel?.left).toBeGreaterThanOrEqual(0);
    expect(layout.panel?.right).toBeLessThanOrEqual(360);
    expect(layout.panel?.top).toBeGreaterThanOrEqual(0);
    expect(layout.panel?.bottom).toBeLessThanOrEqual(640);
    expect(layout.bodyOverflow).toBe(0);
    expect(layout.repliesInside).toBe(true);
    expect(layout.fontSize).toBeGreaterThanOrEqual(14);
  }, 60_000);
});
