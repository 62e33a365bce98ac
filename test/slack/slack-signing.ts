import { createHmac } from 'node:crypto';

/** `v0=` and hex HMAC-SHA256 of `v0:timestamp:body`, with node:crypto (the desk uses Web Crypto). */
export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}
