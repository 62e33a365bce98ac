import type { ChatMessage } from '../../chat/conversation-service.ts';
import { DEFAULT_LOCALE, type Locale, isLocale } from '../../i18n/locales.ts';
import { type ApiResult, type ConversationView, type UserInput, type WidgetUser, createApi } from './api.ts';
import { type Follower, follow } from './live.ts';
import type { WidgetStrings } from './strings.ts';
import { createView } from './view.ts';

/** Where the flow has ended: the user is offered a new conversation. */
const DONE = ['handed_off', 'resolved'];

/** What a failed call tells the user, and whether trying again can help. */
function explain(result: Exclude<ApiResult, { ok: true }>, t: WidgetStrings): { text: string; retry: boolean } {
  if (result.kind === 'network') return { text: t.network, retry: true };
  if (result.kind === 'rate_limited') return { text: t.rateLimited(result.retryAfter), retry: true };
  if (result.status === 401) return { text: t.unauthorized, retry: false };
  if (result.status < 500 && result.status !== 409) return { text: t.refused(result.message), retry: false };
  return { text: t.failed, retry: true };
}

/**
 * One widget on the page: its host element, its conversation (kept in localStorage per desk and
 * user, so a reload brings it back) and what happens when a call fails.
 */
export function mountWidget(options: { apiBase: string; user: WidgetUser | null; locale: Locale | null }, css: string) {
  const api = createApi(options.apiBase, options.user);
  const key = `prism-support:${options.apiBase}|${options.user?.email.trim().toLowerCase() ?? 'anonymous'}`;
  const host = document.createElement('prism-support');
  const shadow = host.attachShadow({ mode: 'open' });
  document.body.append(host);

  let conversationId: string | null = null;
  let loaded = false;
  let busy = false;
  let again: (() => void) | null = null;
  let packetShown: string | null = null;
  const saved = stored();
  /** The language asked for at the next start: the user's own pick, else the host's or the browser's. */
  let wanted = saved.locale ?? options.locale;
  /** The conversation's messages are in the view: live ones can follow them. */
  let ready = false;
  let follower: Follower | null = null;

  const view = createView(shadow, css, {
    opened: () => {
      save();
      if (!loaded) void load();
    },
    closed: () => save(),
    send: (text) => {
      if (busy || !conversationId) return false;
      void turn({ text }, text);
      return true;
    },
    choose: (option) => {
      if (!busy && conversationId) void turn({ option: option.id }, option.label);
    },
    retry: () => {
      const action = again;
      again = null;
      action?.();
    },
    restart: () => {
      if (busy) return;
      unfollow();
      conversationId = null;
      view.clear();
      view.options([], false);
      void begin();
    },
    language: (locale) => {
      wanted = locale;
      view.setLocale(locale);
      save();
      if (conversationId) void switchTo(conversationId, locale);
    },
  }, wanted ?? DEFAULT_LOCALE);

  /** Follows the conversation live (staff's replies) from the last message known, if any. */
  function following(id: string, lastId: string | null) {
    if (follower) return;
    follower = follow(options.apiBase, options.user, api, id, lastId, arrived);
  }

  function unfollow() {
    follower?.stop();
    follower = null;
    ready = false;
  }

  /** New messages from the stream or polling. During a turn its answer brings the user's and the bot's. */
  function arrived(messages: ChatMessage[]) {
    const list = busy ? messages.filter((m) => m.from === 'agent') : messages;
    // Before the conversation is shown, only counted: the first open shows them with the rest.
    const fresh = ready ? view.append(list) : list;
    view.unread(fresh.filter((m) => m.from === 'agent').length);
  }

  function save() {
    try {
      localStorage.setItem(key, JSON.stringify({ id: conversationId, open: view.isOpen(), locale: wanted }));
    } catch {
      // Storage switched off: the conversation lasts as long as the page.
    }
  }

  function stored(): { id: string | null; open: boolean; locale: Locale | null } {
    try {
      const value: unknown = JSON.parse(localStorage.getItem(key) ?? '{}');
      const record: Record<string, unknown> = typeof value === 'object' && value !== null ? { ...value } : {};
      return { id: typeof record.id === 'string' ? record.id : null, open: record.open === true, locale: isLocale(record.locale) ? record.locale : null };
    } catch {
      return { id: null, open: false, locale: null };
    }
  }

  /** Tells the desk the user's language (serialized with the conversation's turns there). */
  async function switchTo(id: string, locale: Locale) {
    const result = await api.switchLocale(id, locale);
    if (result.ok) return followLocale(result.view);
    // Gone: the next start asks for it anyway. Else the notice, with Retry when that can help.
    if (result.kind === 'http' && result.status === 404) return;
    const { text, retry } = explain(result, view.strings());
    again = retry ? () => void switchTo(id, locale) : null;
    view.notice(text, retry);
  }

  /** The frame follows the conversation's language (set by the server, from the user's first words too). */
  function followLocale(conversation: ConversationView) {
    if (isLocale(conversation.locale)) view.setLocale(conversation.locale);
  }

  /** One call with the typing indicator on; a failure leaves a notice, with Retry when it can help. */
  async function call(request: () => Promise<ApiResult>, retry: () => void): Promise<ConversationView | 'gone' | null> {
    busy = true;
    view.notice(null);
    view.busy(true);
    const result = await request();
    busy = false;
    view.busy(false);
    if (result.ok) return result.view;
    if (result.kind === 'http' && result.status === 404) return 'gone';
    const { text, retry: canRetry } = explain(result, view.strings());
    again = canRetry ? retry : null;
    view.notice(text, canRetry);
    return null;
  }

  function show(conversation: ConversationView) {
    followLocale(conversation);
    view.append(conversation.messages);
    const packet = conversation.packet;
    if (packet && packet.ref !== packetShown) {
      packetShown = packet.ref;
      view.packet(packet);
    }
    const last = conversation.messages.at(-1);
    const done = DONE.includes(conversation.state);
    view.options(!done && last?.from === 'bot' ? (last.options ?? []) : [], done);
  }

  async function begin() {
    loaded = true;
    const started = await call(() => api.start(wanted), () => void begin());
    if (started === null || started === 'gone' || !started.conversationId) return;
    conversationId = started.conversationId;
    save();
    show(started);
    ready = true;
    following(started.conversationId, started.messages.at(-1)?.id ?? null);
  }

  async function load() {
    loaded = true;
    const id = conversationId;
    if (!id) return begin();
    const conversation = await call(() => api.get(id), () => void load());
    if (conversation === 'gone') {
      // Expired, or started by someone else signed in on this browser: start afresh.
      unfollow();
      conversationId = null;
      return begin();
    }
    if (conversation) {
      show(conversation);
      ready = true;
      following(id, conversation.messages.at(-1)?.id ?? null);
    }
  }

  async function turn(input: UserInput, label: string) {
    const id = conversationId;
    if (!id) return;
    const shown = view.pending(label);
    const result = await call(() => api.send(id, input), () => {
      shown.remove();
      void turn(input, label);
    });
    if (result === null) return shown.fail();
    shown.remove();
    if (result === 'gone') {
      unfollow();
      conversationId = null;
      view.clear();
      return begin();
    }
    show(result);
  }

  conversationId = saved.id;
  if (saved.open) view.open(false);
  // A conversation under way is followed with the panel closed too: a reply shows on the launcher.
  else if (saved.id) following(saved.id, null);

  return {
    open: () => view.open(true),
    close: () => view.close(false),
    destroy: () => {
      unfollow();
      host.remove();
    },
  };
}

export type Widget = ReturnType<typeof mountWidget>;
