import nodemailer from 'nodemailer';
import type { OutboundMail, SendMail } from '../../src/email/email-delivery.ts';
import type { DeliveryResult } from '../../src/outbox/outbox-relay.ts';

/** Errors of the connection (not of the message): the server may take it later. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL', 'EMAXLIMIT', 'EPROXY']);

/** What an SMTP failure means for the outbox: 4xx and connection trouble retry, 5xx is final. */
export function classifySmtpError(error: unknown): DeliveryResult {
  const e = (error ?? {}) as { message?: unknown; code?: unknown; responseCode?: unknown };
  const reason = typeof e.message === 'string' ? e.message : String(error);
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  if (responseCode !== null) return { status: 'failed', retryable: responseCode < 500, reason: `SMTP ${responseCode}: ${reason}` };
  const code = typeof e.code === 'string' ? e.code : '';
  // EENVELOPE without a server answer (no recipient), EMESSAGE, EAUTH…: the same mail fails again.
  const retryable = TRANSIENT_CODES.has(code) || (code === '' && /ECONNREFUSED|ECONNRESET|EPIPE|timeout/i.test(reason));
  return { status: 'failed', retryable, reason: code ? `${code}: ${reason}` : reason };
}

/**
 * Sends the desk's mail over SMTP with nodemailer (`SMTP_URL`, e.g. `smtp://user:pass@host:587`).
 * Each outbox row becomes one message with its own Message-ID; failures come back as values.
 */
export function createSmtpSender(smtpUrl: string, options: { timeoutMs?: number } = {}): { send: SendMail; close(): void } {
  const timeout = options.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    // One connection kept open for the relay's run of deliveries (a backlog after an outage goes
    // out at the server's pace, not one TCP and SMTP handshake per mail); closed when idle.
    pool: true,
    maxConnections: 1,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 2,
    // The desk's mails are built from strings only: never read a file or a URL on their behalf.
    disableFileAccess: true,
    disableUrlAccess: true,
  });

  async function send(mail: OutboundMail): Promise<DeliveryResult> {
    try {
      const info = await transport.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        ...(mail.inReplyTo && { inReplyTo: mail.inReplyTo }),
        ...(mail.references.length > 0 && { references: mail.references }),
        headers: mail.headers,
      });
      if (info.rejected.length > 0 && info.accepted.length === 0) {
        return { status: 'failed', retryable: false, reason: `recipient refused: ${info.rejected.join(', ')}` };
      }
      return { status: 'sent', externalId: info.messageId };
    } catch (error) {
      return classifySmtpError(error);
    }
  }

  return { send, close: () => transport.close() };
}
