import type { DeliveryResult } from '../outbox/outbox-relay.ts';
import type { OutboundMail, SendMail } from './email-delivery.ts';

/**
 * Sends mail through an HTTP mail API (the Workers way: no SMTP sockets): `POST url` with the message
 * as JSON and a bearer token. 2xx is sent (`id` of the answer kept); 429 and 5xx are tried again later;
 * any other 4xx will not change by asking again.
 */
export function createHttpMailSender(options: {
  url: string;
  token: string | null;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}): SendMail {
  const send = options.fetch ?? globalThis.fetch;
  return async (mail: OutboundMail): Promise<DeliveryResult> => {
    let response: Response;
    try {
      response = await send(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.token && { authorization: `Bearer ${options.token}` }),
          // The outbox row's message id: a retried delivery is the same message to the API.
          'idempotency-key': mail.messageId,
        },
        body: JSON.stringify(mail),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      return { status: 'failed', retryable: true, reason: `mail API unreachable: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (response.ok) {
      const body = (await response.json().catch(() => null)) as { id?: unknown } | null;
      return { status: 'sent', externalId: typeof body?.id === 'string' ? body.id : mail.messageId };
    }
    const detail = (await response.text().catch(() => '')).slice(0, 300);
    const retryable = response.status === 429 || response.status >= 500;
    return { status: 'failed', retryable, reason: `mail API answered ${response.status}${detail ? `: ${detail}` : ''}` };
  };
}
