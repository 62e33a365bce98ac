import type { ChatMessage } from '../../chat/conversation-service.ts';
import type { Packet } from '../../core/support-packet.ts';
import { type Locale, locales } from '../../i18n/locales.ts';
import { h, missingText, shortTime, studioName } from './dom.ts';
import { LANGUAGE_NAMES, STRINGS, type WidgetStrings } from './strings.ts';

type Option = { id: string; label: string };

/** What the user did, for the controller to act on. */
export interface ViewEvents {
  opened(): void;
  closed(): void;
  /** Free text; answers whether it was taken (the text box is emptied then). */
  send(text: string): boolean;
  choose(option: Option): void;
  retry(): void;
  restart(): void;
  /** The user picked a language in the menu. */
  language(locale: Locale): void;
}

const ICON = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H10l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>';

/**
 * The widget's DOM inside its shadow root: a launcher and a dialog with the messages, the quick
 * replies, a notice for failures and a text box. Keyboard: opening focuses the text box, Escape
 * closes and returns focus to the launcher; new messages are announced politely.
 */
export function createView(shadow: ShadowRoot, css: string, on: ViewEvents, initialLocale: Locale) {
  let locale = initialLocale;
  let t: WidgetStrings = STRINGS[locale];
  /** What each string of the frame is set from: run again when the language changes. */
  const texts: ((t: WidgetStrings) => void)[] = [];
  const say = <E extends Node>(element: E, apply: (element: E, t: WidgetStrings) => void): E => {
    texts.push((strings) => apply(element, strings));
    apply(element, t);
    return element;
  };
  const text = (pick: (t: WidgetStrings) => string) => say(document.createTextNode(''), (node, t) => (node.data = pick(t)));
  const attr = <E extends Element>(element: E, name: string, pick: (t: WidgetStrings) => string) => say(element, (e, t) => e.setAttribute(name, pick(t)));

  const launcher = h('button', { class: 'launcher', type: 'button', 'aria-expanded': 'false', 'aria-controls': 'panel' }, text((t) => t.help));
  launcher.insertAdjacentHTML('afterbegin', ICON);
  const input = attr(h('input', { id: 'text', type: 'text', autocomplete: 'off', maxlength: '2000' }), 'placeholder', (t) => t.placeholder);
  const log = attr(h('ol', { class: 'log', role: 'log', 'aria-live': 'polite' }), 'aria-label', (t) => t.log);
  const typing = h('div', { class: 'typing', hidden: true }, h('span', { class: 'sr' }, text((t) => t.typing)), h('i'), h('i'), h('i'));
  const body = h('div', { class: 'body' }, log, typing);
  const notice = h('div', { class: 'notice', role: 'alert' });
  const options = attr(h('div', { class: 'options', role: 'group', hidden: true }), 'aria-label', (t) => t.replies);
  const languages = attr(
    h(
      'select',
      { class: 'lang', onchange: () => on.language(languages.value as Locale) },
      ...locales.map((l) => h('option', { value: l, lang: l }, LANGUAGE_NAMES[l])),
    ),
    'aria-label',
    (t) => t.language,
  );
  const form = h(
    'form',
    {
      onsubmit: (event) => {
        event.preventDefault();
        const text = input.value.trim();
        if (text && on.send(text)) input.value = '';
      },
    },
    h('label', { class: 'sr', for: 'text' }, text((t) => t.label)),
    input,
    h('button', { class: 'send', type: 'submit' }, text((t) => t.send)),
  );
  const panel = h(
    'section',
    { id: 'panel', class: 'panel', role: 'dialog', 'aria-labelledby': 'title', hidden: true },
    h(
      'header',
      {},
      h('div', {}, h('h2', { id: 'title' }, text((t) => t.title)), h('p', {}, text((t) => t.subtitle))),
      languages,
      attr(h('button', { class: 'close', type: 'button', onclick: () => close(true) }, '×'), 'aria-label', (t) => t.close),
    ),
    body,
    notice,
    options,
    form,
  );
  const root = h('div', { class: 'root' }, launcher, panel);

  /** Writes the frame in `next`; the conversation's own messages stay as they were said. */
  function setLocale(next: Locale) {
    locale = next;
    t = STRINGS[next];
    root.lang = next;
    languages.value = next;
    for (const apply of texts) apply(t);
  }
  setLocale(locale);
  panel.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    close(true);
  });
  launcher.addEventListener('click', () => (panel.hidden ? open(true) : close(true)));
  // Staff replies that came while the panel was closed; the count is the launcher's description, not its name.
  const badge = h('span', { class: 'badge', id: 'unread', hidden: true });
  launcher.setAttribute('aria-describedby', 'unread');
  root.insertBefore(badge, panel);
  shadow.append(h('style', {}, css), root);
  /** The ids of the messages shown: a message comes by its turn, the stream and polling, and shows once. */
  const shown = new Set<string>();
  let unread = 0;

  let refocus = false;
  const scrollDown = () => body.scrollTo({ top: body.scrollHeight });
  const item = (from: string, ...content: (Node | string)[]) => h('li', { class: `msg ${from}` }, ...content);
  const who = (from: string) => h('span', { class: 'sr' }, from === 'user' ? t.you : t.support);

  function markUnread(count: number) {
    unread = count;
    badge.hidden = count === 0;
    badge.textContent = String(count);
    badge.setAttribute('aria-label', t.newReplies(count));
  }

  function open(focus: boolean) {
    markUnread(0);
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    if (focus) input.focus();
    scrollDown();
    on.opened();
  }

  function close(focusLauncher: boolean) {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    if (focusLauncher) launcher.focus();
    on.closed();
  }

  function packetCard(packet: Packet) {
    const rows: [string, string][] = [];
    if (packet.studio) rows.push([t.studio, studioName(packet.studio)]);
    if (packet.occurredAt) rows.push([t.when, shortTime(packet.occurredAt, packet.timezone, locale)]);
    if (packet.errorMessage) rows.push([t.error, packet.errorMessage]);
    const refund = packet.findings?.refundDue ?? 0;
    if (refund > 0) rows.push([t.refund, t.credits(refund)]);
    if (packet.missing.length > 0) rows.push([t.stillNeeded, missingText(packet.missing, t.missing)]);
    rows.push([t.account, packet.verified ? t.signedIn : t.notSignedIn]);
    return h(
      'li',
      { class: 'packet' },
      h('h3', {}, t.sent),
      h('div', {}, t.reference, h('span', { class: 'ref' }, packet.ref)),
      h('dl', {}, ...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
      // Staff answer in English: said where the case leaves for them.
      ...(t.staffLanguage ? [h('p', { class: 'staff-lang' }, t.staffLanguage)] : []),
    );
  }

  return {
    open,
    close,
    setLocale,
    strings: () => t,
    isOpen: () => !panel.hidden,
    clear: () => {
      shown.clear();
      log.replaceChildren();
    },
    /** Appends the messages not shown yet; answers those. Staff's carry their name. */
    append(messages: readonly ChatMessage[]): ChatMessage[] {
      const fresh = messages.filter((m) => !shown.has(m.id));
      for (const m of fresh) {
        shown.add(m.id);
        const name = m.from === 'agent' && m.author;
        // The text starts with "Name: " for clients without the author field; the name shows above it instead.
        const text = name && m.text.startsWith(`${name}: `) ? m.text.slice(name.length + 2) : m.text;
        log.append(name ? item(m.from, h('b', { class: 'author' }, name), h('span', { class: 'sr' }, ': '), text) : item(m.from, who(m.from), text));
      }
      scrollDown();
      return fresh;
    },
    /** Adds to the launcher's count of replies while the panel is closed. */
    unread(count: number) {
      if (panel.hidden && count > 0) markUnread(unread + count);
    },
    /** The user's words shown at once, until the desk's answer replaces them or the call fails. */
    pending(text: string) {
      const li = item('user pending', who('user'), text);
      log.append(li);
      scrollDown();
      return {
        remove: () => li.remove(),
        fail: () => {
          li.classList.replace('pending', 'failed');
          li.append(h('small', {}, t.notSent));
        },
      };
    },
    packet(packet: Packet) {
      log.append(packetCard(packet));
      scrollDown();
    },
    /** Quick replies; when focus was on a reply that is now gone, it moves to the first new one (or the text box). */
    options(list: readonly Option[], restart: boolean) {
      const hadFocus = options.contains(shadow.activeElement);
      const buttons = list.map((o) => h('button', { type: 'button', onclick: () => on.choose(o) }, o.label));
      if (restart) buttons.push(h('button', { type: 'button', onclick: () => on.restart() }, t.restart));
      options.replaceChildren(...buttons);
      options.hidden = buttons.length === 0;
      if ((hadFocus || refocus) && !options.contains(shadow.activeElement)) (buttons[0] ?? input).focus();
      refocus = false;
    },
    busy(waiting: boolean) {
      typing.hidden = !waiting;
      log.setAttribute('aria-busy', String(waiting));
      scrollDown();
    },
    notice(text: string | null, retry = false) {
      // Retry pressed: the button goes, and focus follows to the replies the answer brings.
      if (notice.contains(shadow.activeElement)) refocus = true;
      if (text === null) return notice.replaceChildren();
      notice.replaceChildren(h('p', {}, text), ...(retry ? [h('button', { type: 'button', onclick: () => on.retry() }, t.retry)] : []));
    },
  };
}

export type View = ReturnType<typeof createView>;
