import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { buildWidget } from '../../src/widget/build-widget.ts';
import { launchChromium } from '../support/browser.ts';
import { type ChatDesk, WIDGET_SECRET, startChatDesk } from '../support/chat-desk.ts';

/** Where the browser tests leave their screenshots (git-ignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots', import.meta.url));

/** A desk serving the freshly built widget, and a Chromium to look at it with. */
export interface WidgetHarness {
  desk: ChatDesk;
  browser: Browser;
  /** A page in its own context (own localStorage), at `path` of the desk. */
  open(path: string, options?: { width?: number; height?: number }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export async function startWidgetHarness(env: Record<string, string> = {}): Promise<WidgetHarness> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await buildWidget();
  const desk = await startChatDesk({ WIDGET_IDENTITY_SECRET: WIDGET_SECRET, ...env });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await desk.close();
    throw error;
  }
  const contexts: BrowserContext[] = [];
  return {
    desk,
    browser,
    async open(path, options = {}) {
      const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 800 } });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${desk.url}${path}`);
      return { context, page };
    },
    async close() {
      await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
      await browser.close();
      await desk.close();
    },
  };
}

/** The widget's parts, found through its (open) shadow root the way a user finds them: by role and name. */
export function widget(page: Page) {
  return {
    launcher: page.getByRole('button', { name: 'Help', exact: true }),
    panel: page.getByRole('dialog', { name: 'PrismPoster support' }),
    input: page.getByRole('textbox', { name: 'Your message' }),
    replies: page.getByRole('group', { name: 'Quick replies' }),
    log: page.locator('prism-support .log'),
    messages: page.locator('prism-support .log > li'),
    notice: page.locator('prism-support .notice'),
    packet: page.locator('prism-support .packet'),
    /** Resolves once a turn has come back: the log holds more than `count` items and nothing is pending. */
    async settled(count: number) {
      await expect.poll(() => this.messages.count(), { timeout: 15_000 }).toBeGreaterThan(count);
      await expect.poll(() => this.log.getAttribute('aria-busy'), { timeout: 15_000 }).toBe('false');
    },
    /** Clicks a quick reply and waits for the answer (the user's echo and the bot's reply). */
    async choose(label: string | RegExp) {
      const before = await this.messages.count();
      await this.replies.getByRole('button', { name: label }).first().click();
      await this.settled(before + 1);
    },
    /** The texts of the conversation as shown. */
    texts: () => page.locator('prism-support .log > li.msg').allInnerTexts(),
  };
}

/** The element focused inside the widget (through its shadow root): tag and accessible text. */
export function focused(page: Page): Promise<{ tag: string; text: string; inWidget: boolean }> {
  return page.evaluate(() => {
    const host = document.querySelector('prism-support');
    const inner = host?.shadowRoot?.activeElement ?? null;
    const element = inner ?? document.activeElement;
    const text = element?.getAttribute('aria-label') ?? element?.textContent ?? '';
    return { tag: element?.tagName.toLowerCase() ?? '', text: text.trim(), inWidget: inner !== null };
  });
}

/** The conversation id the widget keeps for a reload. */
export async function storedConversationId(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key?.startsWith('prism-support:')) return (JSON.parse(localStorage.getItem(key) ?? '{}') as { id?: string }).id ?? null;
    }
    return null;
  });
}

export const screenshotPath = (name: string) => join(SCREENSHOTS, `${name}.png`);

/**
 * Opens the demo page, notes the `Last-Event-ID` of every live-reply stream the widget opens (''
 * for a fresh one) in `eventsRequests`, and hands the demo user's failed video run to support the
 * way a user does: retried twice, then sent. Answers the page and the packet's reference.
 */
export async function handOffFromWidget(harness: WidgetHarness, eventsRequests: string[]): Promise<{ page: Page; ref: string }> {
  const { page } = await harness.open('/');
  page.on('request', (request) => {
    if (request.url().endsWith('/events')) eventsRequests.push(request.headers()['last-event-id'] ?? '');
  });
  const w = widget(page);
  await w.launcher.click();
  await w.settled(0);
  await w.choose(/^Video Studio · .* · failed$/);
  await w.choose('Still failing');
  await w.choose('Still failing');
  await w.choose('Send to support');
  await w.choose('Send');
  return { page, ref: (await w.packet.locator('.ref').innerText()).trim() };
}
