/** The authserv-id of "our" receiving server in the tests (TRUSTED_AUTHSERV_ID). */
export const TRUSTED_ID = 'mx.prismposter.test';

export interface EmlOptions {
  from: string;
  fromName?: string;
  subject: string;
  body: string;
  /** RFC 5322 date, e.g. `Sat, 21 Nov 2026 10:58:00 +0100`. */
  date: string;
  messageId?: string | null;
  /** `dmarc=pass` from our own server for the From domain; `false` for none, a string for a header of your own. */
  auth?: boolean | string;
  headers?: string[];
}

/** `Authentication-Results` as our MX writes it after checking the sender's domain. */
export function authResults(domain: string, dmarc = 'pass', authserv = TRUSTED_ID): string {
  return `Authentication-Results: ${authserv}; spf=pass smtp.mailfrom=${domain}; dkim=pass header.d=${domain}; dmarc=${dmarc} (p=reject dis=none) header.from=${domain}`;
}

/** A plain-text message with CRLF line ends, as an MTA hands it over. */
export function buildEml(o: EmlOptions): string {
  const domain = o.from.split('@')[1] ?? 'example.com';
  const auth = o.auth === undefined || o.auth === true ? [authResults(domain)] : o.auth === false ? [] : [o.auth];
  const lines = [
    ...auth,
    `From: ${o.fromName ? `${o.fromName} <${o.from}>` : o.from}`,
    'To: support@prismposter.test',
    `Subject: ${o.subject}`,
    `Date: ${o.date}`,
    ...(o.messageId === null ? [] : [`Message-ID: ${o.messageId ?? `<${Math.random().toString(36).slice(2)}@mail.example>`}`]),
    ...(o.headers ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    o.body,
  ];
  return lines.join('\r\n').replace(/(?<!\r)\n/g, '\r\n');
}
