import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articles, translations } from '../knowledge/articles.generated.ts';
import { type Locale, locales } from '../src/i18n/locales.ts';
import { catalogues, message } from '../src/i18n/messages.ts';
import { type ChatDesk, WIDGET_SECRET, chatClient, errorOf, identityHeaders, startChatDesk } from './support/chat-desk.ts';

/*
 * The conversation's language through the chat API (chat-api.md, "Language"): asked for at the
 * start, else told once from the user's first sure words, switched by the user; stored with the
 * conversation (the real SQLite file), and never a change to states or option ids.
 */

const MAYA = 'maya@example.com';

describe('chat API: the conversation’s language', () => {
  let desk: ChatDesk;

  beforeAll(async () => {
    desk = await startChatDesk({ WIDGET_IDENTITY_SECRET: WIDGET_SECRET, CHAT_RATE_BURST: '500' });
  });
  afterAll(async () => desk?.close());

  it('keeps the locale asked for at the start, in every answer and in the stored conversation', async () => {
    const maya = chatClient(desk.url, identityHeaders(MAYA));
    const started = await maya.start({ locale: 'de' });
    expect(started.locale).toBe('de');
    // Words in another language do not override the language the host page asked for.
    const turn = await maya.send(started.conversationId, { text: 'Ma génération dans Image Studio a échoué hier soir à 21h15' });
    expect(turn.locale).toBe('de');
    expect((await maya.get(started.conversationId)).locale).toBe('de');
    expect((await desk.deps.store.getConversation(started.conversationId))?.locale).toBe('de');
  });

  it.each([
    ['fr', 'Ma génération dans Image Studio a échoué hier soir à 21h15'],
    ['es', 'sigue fallando, el vídeo no se genera y ya lo intenté dos veces'],
    ['de', 'Meine Generierung im Video-Studio ist gestern um 14 Uhr fehlgeschlagen'],
    ['pt', 'ainda está dando erro, a minha música não aparece na biblioteca'],
    ['en', 'my video keeps failing with a timeout error since this morning'],
  ])('takes %s from the first message when none was asked for, and keeps it', async (locale, first) => {
    const anonymous = chatClient(desk.url);
    const started = await anonymous.start({});
    expect(started.locale).toBe('en');
    const turn = await anonymous.send(started.conversationId, { text: first });
    expect(turn.locale).toBe(locale);
    // Fixed once: later words in another language leave it.
    const later = await anonymous.send(started.conversationId, { text: locale === 'en' ? 'ça ne marche toujours pas, même erreur' : 'it is still failing with the same error' });
    expect(later.locale).toBe(locale);
    expect((await anonymous.get(started.conversationId)).locale).toBe(locale);
  });

  it('waits for words it can be sure of: "ok" and "merci" leave it unset, a sentence then fixes it', async () => {
    const anonymous = chatClient(desk.url);
    const { conversationId } = await anonymous.start();
    expect((await anonymous.send(conversationId, { text: 'merci' })).locale).toBe('en');
    expect((await desk.deps.store.getConversation(conversationId))?.locale ?? null).toBeNull();
    expect((await anonymous.send(conversationId, { text: 'ça ne marche toujours pas, même erreur' })).locale).toBe('fr');
  });

  it('switches when the user asks, from the next message on; state and option ids stay', async () => {
    const maya = chatClient(desk.url, identityHeaders(MAYA));
    const started = await maya.start({ locale: 'fr' });
    const options = started.messages.at(-1)?.options?.map((o) => o.id);
    expect(await maya.switchLocale(started.conversationId, 'es')).toEqual({ conversationId: started.conversationId, locale: 'es' });
    const now = await maya.get(started.conversationId);
    expect(now.locale).toBe('es');
    expect(now.state).toBe(started.state);
    expect(now.messages.at(-1)?.options?.map((o) => o.id)).toEqual(options);
    // A first message after a switch does not undo it.
    expect((await maya.send(started.conversationId, { text: 'Ma génération a échoué hier soir' })).locale).toBe('es');
  });

  it('hands the case to staff naming the conversation’s language, with the user’s words as written', async () => {
    const maya = chatClient(desk.url, identityHeaders(MAYA));
    const { conversationId, messages } = await maya.start({});
    const words = 'Ma vidéo dans Video Studio a encore échoué, toujours la même erreur de délai';
    await maya.send(conversationId, { text: words });
    expect(messages.at(-1)?.options?.some((o) => o.id.startsWith('run:'))).toBe(true);
    // On by the options' ids (the same in every language), each one when the flow offers it.
    for (const step of [(o: string) => o.startsWith('run:'), (o: string) => o === 'still_failing', (o: string) => o === 'still_failing', (o: string) => o === 'send_to_support', (o: string) => o === 'send']) {
      const option = (await maya.get(conversationId)).messages.at(-1)?.options?.find((o) => step(o.id));
      if (option) await maya.send(conversationId, { option: option.id });
    }
    const { packet, state } = await maya.get(conversationId);
    expect(state).toBe('handed_off');
    expect(packet?.locale).toBe('fr');
    expect(packet?.transcript.map((t) => t.text)).toContain(words);
  });

  it.each(locales)('%s: greets, offers and labels in the conversation’s language, with the same state and option ids', async (locale) => {
    const maya = chatClient(desk.url, identityHeaders(MAYA));
    const english = await maya.start({ locale: 'en' });
    const started = await maya.start({ locale });
    expect(started.state).toBe(english.state);
    const greeting = started.messages.at(-1);
    expect(greeting?.text).toBe(message(locale, 'flow.greeting.runs'));
    expect(greeting?.options?.map((o) => o.id)).toEqual(english.messages.at(-1)?.options?.map((o) => o.id));
    expect(greeting?.options?.find((o) => o.id === 'other')?.label).toBe(message(locale, 'option.other'));
    expect(greeting?.options?.find((o) => o.id.startsWith('run:'))?.label).toMatch(new RegExp(` · ${message(locale, 'run.status.failed')}$`));

    // On to the retry step: its options in the language too.
    const run = greeting?.options?.find((o) => o.id.startsWith('run:'));
    const turn = await maya.send(started.conversationId, { option: run?.id ?? '' });
    expect(turn.locale).toBe(locale);
    const labels = Object.fromEntries((turn.messages.at(-1)?.options ?? []).map((o) => [o.id, o.label]));
    expect(labels.worked).toBe(message(locale, 'option.worked'));
    expect(labels.still_failing).toBe(message(locale, 'option.still_failing'));
  });

  const RESOLVED: Record<Locale, string> = {
    en: 'it worked now, thanks',
    fr: 'ça marche maintenant, merci',
    es: 'ya funciona, gracias',
    de: 'es hat funktioniert, danke',
    pt: 'agora funcionou, obrigado',
  };

  it.each(locales)('%s: understands the user’s words in their language and closes in it', async (locale) => {
    const maya = chatClient(desk.url, identityHeaders(MAYA));
    const started = await maya.start({ locale });
    const run = started.messages.at(-1)?.options?.find((o) => o.id.startsWith('run:'));
    await maya.send(started.conversationId, { option: run?.id ?? '' });
    const done = await maya.send(started.conversationId, { text: RESOLVED[locale] });
    expect(done.state).toBe('resolved');
    expect(done.messages.at(-1)?.text).toBe(message(locale, 'flow.closing.worked'));
  });

  it.each([
    ['fr', 'Est-ce que je perds des crédits si une génération échoue ?', 'how-credits-work'],
    ['es', '¿Dónde está mi vídeo?', 'stuck-processing'],
    ['de', 'Wie erreiche ich den Support?', 'contact-support'],
    ['pt', 'Por que o mesmo prompt às vezes falha e às vezes funciona?', 'retrying'],
  ] as const)('%s: answers a question from the article in that language', async (locale, question, id) => {
    const anonymous = chatClient(desk.url);
    const { conversationId } = await anonymous.start({ locale });
    const turn = await anonymous.send(conversationId, { text: question });
    const article = translations[locale].find((a) => a.id === id);
    const answer = turn.messages.filter((m) => m.from === 'bot').map((m) => m.text).join('\n');
    expect(answer).toContain(`${message(locale, 'flow.kb_answer', { text: '', title: article?.title ?? '' }).trim()}`);
    expect(articles.find((a) => a.id === id)?.title).not.toBe(article?.title);
  });

  /** The flow's English words of each text made of an account's facts (3 words or more between placeholders). */
  const englishFragments = Object.entries(catalogues.en)
    .filter(([key]) => key.startsWith('flow.') || key.startsWith('notice.'))
    .flatMap(([, text]) => text.split(/\{\w+\}/))
    .map((part) => part.trim())
    .filter((part) => (part.match(/\p{L}+/gu) ?? []).length >= 3);

  /** Maya's charged failed run from the greeting to the hand-off, by option ids; every bot text on the way. */
  async function chargedRunHandedOff(locale: Locale) {
    const maya = chatClient(desk.url, identityHeaders(MAYA));
    const { conversationId } = await maya.start({ locale });
    /** The labels of the buttons Maya pressed, as shown to her. */
    const pressed: string[] = [];
    for (const step of [(o: string) => o.startsWith('run:'), (o: string) => o === 'still_failing', (o: string) => o === 'still_failing', (o: string) => o === 'more', (o: string) => o === 'send_to_support', (o: string) => o === 'send']) {
      const option = (await maya.get(conversationId)).messages.at(-1)?.options?.find((o) => step(o.id));
      expect(option, `${locale}: an option on the way`).toBeDefined();
      pressed.push(option?.label ?? '');
      await maya.send(conversationId, { option: option?.id ?? '' });
    }
    await maya.send(conversationId, { text: locale === 'en' ? 'anything new?' : 'et alors ? rien de nouveau' });
    const done = await maya.get(conversationId);
    const user = done.messages.filter((m) => m.from === 'user').map((m) => m.text);
    return { maya, conversationId, done, pressed, user, bot: done.messages.filter((m) => m.from === 'bot').map((m) => m.text) };
  }

  it.each(locales.filter((l) => l !== 'en'))('%s: says the charge, the advice, the packet summary and the hand-off of a charged failed run in the language, no English sentence left', async (locale) => {
    const { done, bot, pressed, user } = await chargedRunHandedOff(locale);
    expect(done.state).toBe('handed_off');
    // Her own lines for the buttons she pressed read as the buttons did.
    expect(user.slice(0, pressed.length)).toEqual(pressed);
    const ref = done.packet?.ref ?? '';
    const credits = message(locale, 'flow.credits', { count: 40, n: 40 });
    // The charge sentence: the run failed, what it cost, in the language's words.
    expect(bot.some((text) => text.includes(message(locale, 'flow.run.how.failed')) && text.includes(credits))).toBe(true);
    const packet = bot.find((text) => text.startsWith(message(locale, 'flow.packet.intro')));
    expect(packet).toContain(message(locale, 'flow.packet.ready'));
    expect(bot).toContainEqual(expect.stringContaining(message(locale, 'flow.handed.sent', { ref })));
    expect(bot.at(-1)).toBe(message(locale, 'flow.after_hand_off', { ref }));
    for (const text of bot) {
      expect(englishFragments.filter((english) => text.includes(english)), text).toEqual([]);
    }
  });

  it('keeps the English conversation as it was', async () => {
    const { bot, pressed, user } = await chargedRunHandedOff('en');
    expect(user.slice(0, pressed.length)).toEqual(pressed);
    expect(bot).toContainEqual(expect.stringMatching(/^Your Video Studio run at \d\d:\d\d failed and was charged 40 credits: that is due back to you\./));
    expect(bot).toContainEqual(expect.stringMatching(/^Here’s what I’ll send to support:/));
  });

  it('tells a French user in French when staff approve the refund and close the case', async () => {
    const { maya, conversationId, done } = await chargedRunHandedOff('fr');
    const ref = done.packet?.ref ?? '';
    const maria = { id: 'U0STAFF1', name: 'Maria' };
    expect((await desk.deps.triage.approveRefund(ref, maria)).status).toBe('done');
    expect((await desk.deps.triage.resolve(ref, maria)).status).toBe('done');
    const notices = (await maya.get(conversationId)).messages.slice(done.messages.length).map((m) => m.text);
    expect(notices).toContainEqual(expect.stringMatching(new RegExp(`^Maria: Nous avons remboursé 40 crédits sur votre compte pour la génération Video Studio gen_\\w+ qui a échoué\\. Votre référence : ${ref}\\.`)));
    expect(notices).toContainEqual(expect.stringContaining(message('fr', 'notice.resolved', { ref })));
    for (const text of notices) expect(englishFragments.filter((english) => text.includes(english)), text).toEqual([]);
  });

  it('refuses a language it does not speak, naming the field, and changes nothing', async () => {
    const maya = chatClient(desk.url, identityHeaders(MAYA));
    const refused = await maya.raw('POST', '/api/conversations', { locale: 'ja' });
    expect(refused.status).toBe(400);
    expect(errorOf(refused)).toEqual({ code: 'bad_request', message: 'locale: must be one of en, fr, es, de, pt' });

    const { conversationId } = await maya.start({ locale: 'pt' });
    for (const body of [{ locale: 'it' }, { locale: 5 }, {}, { locale: 'fr', extra: 1 }]) {
      const answer = await maya.raw('POST', `/api/conversations/${conversationId}/locale`, body);
      expect(answer.status).toBe(400);
      expect(errorOf(answer).message).toMatch(/^(locale|extra)\b/);
    }
    expect((await maya.get(conversationId)).locale).toBe('pt');
  });

  it('answers 404 to a switch of someone else’s conversation, and changes nothing', async () => {
    const maya = chatClient(desk.url, identityHeaders(MAYA));
    const { conversationId } = await maya.start({ locale: 'pt' });
    for (const other of [chatClient(desk.url), chatClient(desk.url, identityHeaders('leo@example.com'))]) {
      expect((await other.raw('POST', `/api/conversations/${conversationId}/locale`, { locale: 'fr' })).status).toBe(404);
    }
    expect((await maya.raw('POST', '/api/conversations/conv_missing/locale', { locale: 'fr' })).status).toBe(404);
    expect((await maya.get(conversationId)).locale).toBe('pt');
  });
});
