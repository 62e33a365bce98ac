import type { ChatMessage } from '../../chat/conversation-service.ts';
import type { Packet } from '../../core/support-packet.ts';
import { h, missingText, shortTime, studioName } from './dom.ts';

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
}

const ICON = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H10l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>';

/**
 * The widget's DOM inside its shadow root: a launcher and a dialog with the messages, the quick
 * replies, a notice for failures and a text box. Keyboard: opening focuses the text box, Escape
 * closes and returns focus to the launcher; new messages are announced politely.
 */
export function createView(shadow: ShadowRoot, css: string, on: ViewEvents) {
  const launcher = h('button', { class: 'launcher', type: 'button', 'aria-expanded': 'false', 'aria-controls': 'panel' }, 'Help');
  launcher.insertAdjacentHTML('afterbegin', ICON);
  const input = h('input', { id: 'text', type: 'text', autocomplete: 'off', maxlength: '2000', placeholder: 'Type your message…' });
  const log = h('ol', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation' });
  const typing = h('div', { class: 'typing', hidden: true }, h('span', { class: 'sr' }, 'Support is typing…'), h('i'), h('i'), h('i'));
  const body = h('div', { class: 'body' }, log, typing);
  const notice = h('div', { class: 'notice', role: 'alert' });
  const options = h('div', { class: 'options', role: 'group', 'aria-label': 'Quick replies', hidden: true });
  const form = h(
    'form',
    {
      onsubmit: (event) => {
        event.preventDefault();
        const text = input.value.trim();
        if (text && on.send(text)) input.value = '';
      },
    },
    h('label', { class: 'sr', for: 'text' }, 'Your message'),
    input,
    h('button', { class: 'send', type: 'submit' }, 'Send'),
  );
  const panel = h(
    'section',
    { id: 'panel', class: 'panel', role: 'dialog', 'aria-labelledby': 'title', hidden: true },
    h(
      'header',
      {},
      h('div', {}, h('h2', { id: 'title' }, 'PrismPoster support'), h('p', {}, 'We answer right away')),
      h('button', { class: 'close', type: 'button', 'aria-label': 'Close help', onclick: () => close(true) }, '×'),
    ),
    body,
    notice,
    options,
    form,
  );
  panel.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    close(true);
  });
  launcher.addEventListener('click', () => (panel.hidden ? open(true) : close(true)));
  // Staff replies that came while the panel was closed; the count is the launcher's description, not its name.
  const badge = h('span', { class: 'badge', id: 'unread', hidden: true });
  launcher.setAttribute('aria-describedby', 'unread');
  shadow.append(h('style', {}, css), h('div', { class: 'root' }, launcher, badge, panel));
  /** The ids of the messages shown: a message comes by its turn, the stream and polling, and shows once. */
  const shown = new Set<string>();
  let unread = 0;

  let refocus = false;
  const scrollDown = () => body.scrollTo({ top: body.scrollHeight });
  const item = (from: string, ...content: (Node | string)[]) => h('li', { class: `msg ${from}` }, ...content);
  const who = (from: string) => h('span', { class: 'sr' }, from === 'user' ? 'You: ' : 'Support: ');

  function markUnread(count: number) {
    unread = count;
    badge.hidden = count === 0;
    badge.textContent = String(count);
    badge.setAttribute('aria-label', `${count} new ${count === 1 ? 'reply' : 'replies'}`);
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
    if (packet.studio) rows.push(['Studio', studioName(packet.studio)]);
    if (packet.occurredAt) rows.push(['When', shortTime(packet.occurredAt, packet.timezone)]);
    if (packet.errorMessage) rows.push(['Error', packet.errorMessage]);
    const refund = packet.findings?.refundDue ?? 0;
    if (refund > 0) rows.push(['Refund', `${refund} credits proposed`]);
    if (packet.missing.length > 0) rows.push(['Still needed', missingText(packet.missing)]);
    rows.push(['Account', packet.verified ? 'signed in' : 'not signed in']);
    return h(
      'li',
      { class: 'packet' },
      h('h3', {}, 'Sent to support'),
      h('div', {}, 'Reference ', h('span', { class: 'ref' }, packet.ref)),
      h('dl', {}, ...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
    );
  }

  return {
    open,
    close,
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
          li.append(h('small', {}, ' · not sent'));
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
      if (restart) buttons.push(h('button', { type: 'button', onclick: () => on.restart() }, 'Start a new conversation'));
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
      notice.replaceChildren(h('p', {}, text), ...(retry ? [h('button', { type: 'button', onclick: () => on.retry() }, 'Retry')] : []));
    },
  };
}

export type View = ReturnType<typeof createView>;
