import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Locale, locales } from '../../src/i18n/locales.ts';
import { message } from '../../src/i18n/messages.ts';
import { STRINGS } from '../../src/widget/client/strings.ts';
import { BROWSER_INSTALL_TIMEOUT_MS } from '../support/browser.ts';
import { chatClient, identityHeaders } from '../support/chat-desk.ts';
import { type WidgetHarness, screenshotPath, startWidgetHarness, storedConversationId } from './widget-harness.ts';

/*
 * The widget in each of the five languages, in real Chromium: from the host page's `locale`, and
 * from the user's first message in a browser whose language the desk does not speak. Maya goes from the greeting to a packet each time; the frame is in her language,
 * the conversation is stored in it, and the packet card says support answers in English.
 */

const MAYA = 'maya@example.com';

/** A first message per language, in the user's own words. */
const FIRST: Record<Locale, string> = {
  en: 'My video in Video Studio failed last night and I was still charged',
  fr: 'Ma vidéo dans Video Studio a échoué hier soir et les crédits ont quand même été débités',
  es: 'Mi vídeo en Video Studio falló anoche y aun así me cobraron los créditos',
  de: 'Mein Video im Video Studio ist gestern Abend fehlgeschlagen und die Credits wurden trotzdem abgebucht',
  pt: 'Meu vídeo no Video Studio falhou ontem à noite e mesmo assim cobraram os créditos',
};

/** The widget's parts, found by role and by their names in `locale`. */
function localized(page: Page, locale: Locale) {
  const t = STRINGS[locale];
  return {
    launcher: page.getByRole('button', { name: t.help, exact: true }),
    panel: page.getByRole('dialog', { name: t.title }),
    input: page.getByRole('textbox', { name: t.label }),
    send: page.getByRole('button', { name: t.send, exact: true }),
    replies: page.getByRole('group', { name: t.replies }),
    messages: page.locator('prism-support .log > li'),
    log: page.locator('prism-support .log'),
    packet: page.locator('prism-support .packet'),
    root: page.locator('prism-support .root'),
  };
}

describe('help widget: five languages', () => {
  let harness: WidgetHarness;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    harness = await startWidgetHarness({ CHAT_RATE_BURST: '500' });
  }, BROWSER_INSTALL_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
    await harness?.close();
  });

  /** The demo page in a browser speaking `browserLocale`; with `hostLocale`, the host page passes it to init. */
  async function openPage(path: string, browserLocale: string, hostLocale?: Locale) {
    const context = await harness.browser.newContext({ locale: browserLocale, viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${harness.desk.url}${path}`);
    if (hostLocale) {
      // The host page's own init, with its locale (a second init replaces the first widget).
      const headers = identityHeaders(MAYA);
      const user = { email: headers['x-user-email'], hash: headers['x-user-hash'] };
      await page.evaluate(
        ({ user, locale }) => (window as unknown as { PrismSupport: { init(o: unknown): void } }).PrismSupport.init({ apiBase: location.origin, user, locale }),
        { user, locale: hostLocale },
      );
    }
    return page;
  }

  async function settled(w: ReturnType<typeof localized>, count: number) {
    await expect.poll(() => w.messages.count(), { timeout: 15_000 }).toBeGreaterThan(count);
    await expect.poll(() => w.log.getAttribute('aria-busy'), { timeout: 15_000 }).toBe('false');
  }

  /** Clicks the offered option with this id, by the label the desk gave it in the conversation's language. */
  async function choose(page: Page, w: ReturnType<typeof localized>, optionId: (id: string) => boolean) {
    const id = await storedConversationId(page);
    const conversation = await chatClient(harness.desk.url, identityHeaders(MAYA)).get(id ?? 'missing');
    const option = conversation.messages.at(-1)?.options?.find((o) => optionId(o.id));
    if (!option) throw new Error(`no such option offered: ${JSON.stringify(conversation.messages.at(-1))}`);
    const before = await w.messages.count();
    await w.replies.getByRole('button', { name: option.label, exact: true }).first().click();
    await settled(w, before + 1);
  }

  /** From the greeting to the packet, by the options' ids. */
  async function toPacket(page: Page, w: ReturnType<typeof localized>) {
    await choose(page, w, (id) => id.startsWith('run:'));
    await choose(page, w, (id) => id === 'still_failing');
    await choose(page, w, (id) => id === 'still_failing');
    await choose(page, w, (id) => id === 'send_to_support');
    await choose(page, w, (id) => id === 'send');
    await expect.poll(() => w.packet.locator('.ref').innerText()).toMatch(/^PKT-/);
  }

  async function expectFrame(page: Page, locale: Locale) {
    const t = STRINGS[locale];
    const w = localized(page, locale);
    await expect.poll(() => w.input.getAttribute('placeholder')).toBe(t.placeholder);
    expect(await w.panel.isVisible()).toBe(true);
    expect(await w.send.count()).toBe(1);
    expect(await w.root.getAttribute('lang')).toBe(locale);
  }

  for (const locale of locales) {
    it(`${locale}: from the host page's locale, the frame, the stored conversation and the packet card`, async () => {
      // The browser says English; the host page's option wins.
      const page = await openPage('/', 'en-US', locale);
      const w = localized(page, locale);
      await w.launcher.click();
      await settled(w, 0);
      await expectFrame(page, locale);
      const id = await storedConversationId(page);
      expect((await harness.desk.deps.store.getConversation(id ?? 'missing'))?.locale).toBe(locale);
      // The bot's greeting and its buttons come from the desk in her language.
      expect(await page.locator('prism-support .log > li.msg.bot').first().innerText()).toContain(message(locale, 'flow.greeting.runs'));
      expect(await w.replies.getByRole('button', { name: message(locale, 'option.other'), exact: true }).count()).toBe(1);

      await toPacket(page, w);
      const card = await w.packet.innerText();
      const t = STRINGS[locale];
      expect(card).toContain(t.sent);
      expect(card).toContain(t.credits(40));
      if (locale !== 'en') expect(card).toContain(t.staffLanguage);
      await page.screenshot({ path: screenshotPath(`language-${locale}-host`) });
    }, 90_000);

    it(`${locale}: from the first message, in a browser whose language the desk does not speak`, async () => {
      const page = await openPage('/', 'ja-JP');
      // Until the user writes, the frame is in English.
      const en = localized(page, 'en');
      await en.launcher.click();
      await settled(en, 0);
      await expectFrame(page, 'en');
      const before = await en.messages.count();
      await en.input.fill(FIRST[locale]);
      await en.input.press('Enter');
      await settled(en, before + 1);

      // The desk told the language from her words, and the frame follows.
      const w = localized(page, locale);
      await expectFrame(page, locale);
      const id = await storedConversationId(page);
      expect((await harness.desk.deps.store.getConversation(id ?? 'missing'))?.locale).toBe(locale);
      expect(await page.locator('prism-support .log > li.msg.user').last().innerText()).toContain(FIRST[locale]);
    }, 90_000);
  }

  it('switches the language from the menu: the frame at once, the conversation on the desk', async () => {
    const page = await openPage('/', 'en-US', 'de');
    const de = localized(page, 'de');
    await de.launcher.click();
    await settled(de, 0);
    await page.getByRole('combobox', { name: STRINGS.de.language }).selectOption('pt');
    await expectFrame(page, 'pt');
    const id = await storedConversationId(page);
    await expect.poll(async () => (await harness.desk.deps.store.getConversation(id ?? 'missing'))?.locale).toBe('pt');
    // The pick is kept for the next visit, over the host page's.
    await page.reload();
    await expectFrame(page, 'pt');
  }, 60_000);
});
