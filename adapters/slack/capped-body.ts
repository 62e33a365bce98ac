/** A request body read within its limits, or the limit it broke. */
export type CappedBody = { kind: 'read'; bytes: Uint8Array } | { kind: 'too_large' } | { kind: 'too_slow' };

export interface BodyLimits {
  maxBytes: number;
  /** How long the whole body may take to arrive. */
  deadlineMs: number;
}

/**
 * Reads a body as it streams in and stops at the first limit it breaks: past `maxBytes` (whatever
 * Content-Length said, or without one) or past `deadlineMs`. What is left is never read: the stream
 * is cancelled, so that neither memory nor the handler's time goes to a client that sends too much
 * or too slowly. Web streams only: the same on Node and on Workers.
 */
export async function readCappedBody(body: ReadableStream<Uint8Array> | null, limits: BodyLimits): Promise<CappedBody> {
  if (!body) return { kind: 'read', bytes: new Uint8Array(0) };
  const reader = body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), limits.deadlineMs);
  });
  const chunks: Uint8Array[] = [];
  let size = 0;
  let finished = false;
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), late]);
      if (next === 'late') return { kind: 'too_slow' };
      if (next.done) {
        finished = true;
        break;
      }
      size += next.value.byteLength;
      if (size > limits.maxBytes) return { kind: 'too_large' };
      chunks.push(next.value);
    }
  } finally {
    clearTimeout(timer);
    if (!finished) reader.cancel().catch(() => undefined);
  }
  if (chunks.length === 1 && chunks[0]) return { kind: 'read', bytes: chunks[0] };
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { kind: 'read', bytes };
}
