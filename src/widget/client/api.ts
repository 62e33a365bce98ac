import type { ChatMessage } from '../../chat/conversation-service.ts';
import type { Packet } from '../../core/support-packet.ts';

/** A conversation as the widget holds it: the whole (GET, start) or one turn's new messages (send). */
export interface ConversationView {
  conversationId?: string;
  state: string;
  /** The conversation's language (every answer has it; the language switch answers only it). */
  locale?: string;
  messages: ChatMessage[];
  packet?: Packet;
}

/** How a call ended: the answer, or the one failure the widget explains to the user. */
export type ApiResult =
  | { ok: true; view: ConversationView }
  | { ok: false; kind: 'network' }
  | { ok: false; kind: 'rate_limited'; retryAfter: number }
  | { ok: false; kind: 'http'; status: number; code: string; message: string };

/** Who is signed in on the host page: the email and the hash the host's server computed for it. */
export interface WidgetUser {
  email: string;
  hash: string;
}

export type UserInput = { text: string } | { option: string };

/** The headers that say who is signed in (none: anonymous). */
export function identityHeaders(user: WidgetUser | null): Record<string, string> {
  return user ? { 'X-User-Email': user.email, 'X-User-Hash': user.hash } : {};
}

/** A turn waits on the platform for up to 20 s on the server; past this the call counts as failed. */
const TIMEOUT_MS = 30_000;

/**
 * The widget's side of chat-api.md. Answers are checked for their outline by hand: a schema library
 * would cost more than the whole widget's budget.
 */
export function createApi(apiBase: string, user: WidgetUser | null) {
  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiResult> {
    const headers = identityHeaders(user);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    let data: unknown;
    try {
      response = await fetch(`${apiBase}/api${path}`, {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      data = await response.json().catch(() => null);
    } catch {
      return { ok: false, kind: 'network' };
    }
    if (response.ok && isView(data)) return { ok: true, view: data };
    if (response.status === 429) return { ok: false, kind: 'rate_limited', retryAfter: retryAfterSeconds(response.headers.get('Retry-After')) };
    const error = isRecord(data) && isRecord(data.error) ? data.error : {};
    return {
      ok: false,
      kind: 'http',
      status: response.status,
      code: typeof error.code === 'string' ? error.code : `http_${response.status}`,
      message: typeof error.message === 'string' ? error.message : response.statusText,
    };
  }

  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return {
    start: (locale: string | null) => call('POST', '/conversations', { ...(timezone && { timezone }), ...(locale && { locale }) }),
    switchLocale: (id: string, locale: string) => call('POST', `/conversations/${encodeURIComponent(id)}/locale`, { locale }),
    send: (id: string, input: UserInput) => call('POST', `/conversations/${encodeURIComponent(id)}/messages`, input),
    get: (id: string) => call('GET', `/conversations/${encodeURIComponent(id)}`),
  };
}

export type Api = ReturnType<typeof createApi>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isView(value: unknown): value is ConversationView {
  if (isRecord(value) && typeof value.locale === 'string' && !('messages' in value)) {
    // The language switch's answer: no state and no messages of its own.
    Object.assign(value, { state: '', messages: [] });
    return true;
  }
  return isRecord(value) && typeof value.state === 'string' && Array.isArray(value.messages);
}

/** `Retry-After` is seconds or an HTTP date; anything unreadable counts as a few seconds. */
export function retryAfterSeconds(header: string | null): number {
  if (header && /^\d+$/.test(header.trim())) return Math.max(1, Number(header));
  const date = header ? Date.parse(header) : Number.NaN;
  return Number.isNaN(date) ? 5 : Math.max(1, Math.ceil((date - Date.now()) / 1000));
}
