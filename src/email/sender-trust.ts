import { type Header, addressParser } from 'postal-mime';

/** Drops RFC 5322 comments, nested ones included: `dmarc=pass (p=none; dis=none)`. */
function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  for (const ch of value) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += ch;
  }
  return out;
}

/** One `Authentication-Results` header: who wrote it, and its `method=result prop=value` entries. */
export function parseAuthenticationResults(value: string): { authservId: string; results: { method: string; result: string; props: Record<string, string> }[] } {
  const [head = '', ...entries] = stripComments(value).split(';');
  const authservId = head.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  const results = entries.flatMap((entry) => {
    const [first, ...rest] = entry.trim().split(/\s+/);
    const m = /^([a-z0-9_-]+)\s*=\s*([a-z0-9_-]+)$/i.exec(first ?? '');
    if (!m?.[1] || !m[2]) return [];
    const props: Record<string, string> = {};
    for (const token of rest) {
      const eq = token.indexOf('=');
      if (eq > 0) props[token.slice(0, eq).toLowerCase()] = token.slice(eq + 1).replace(/^"|"$/g, '').toLowerCase();
    }
    return [{ method: m[1].toLowerCase(), result: m[2].toLowerCase(), props }];
  });
  return { authservId, results };
}

/**
 * Whether the sender is who the From header says: the topmost `Authentication-Results` written by
 * our own receiving server (`trustedAuthservId`) reports `dmarc=pass` for the From domain. Headers
 * from any other server, or lower down (a sender can write their own), count for nothing; so does
 * a message with several From addresses.
 */
export function isTrustedSender(
  headers: readonly Header[],
  fromAddress: string,
  trustedAuthservId: string | null,
): boolean {
  if (!trustedAuthservId) return false;
  const from = headers.filter((h) => h.key === 'from');
  if (from.length !== 1 || addressParser(from[0]?.value ?? '', { flatten: true }).length !== 1) return false;
  const domain = fromAddress.split('@').at(-1)?.toLowerCase();
  if (!domain || !fromAddress.includes('@')) return false;
  const ours = headers
    .filter((h) => h.key === 'authentication-results')
    .map((h) => parseAuthenticationResults(h.value))
    .find((ar) => ar.authservId === trustedAuthservId.toLowerCase());
  return ours?.results.some((r) => r.method === 'dmarc' && r.result === 'pass' && r.props['header.from'] === domain) ?? false;
}
