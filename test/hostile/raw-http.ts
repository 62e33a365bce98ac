import { connect } from 'node:net';

/** What came back over the socket: the status of the first response line, its head and body as text. */
export interface RawAnswer {
  status: number;
  head: string;
  body: string;
}

/**
 * Sends exactly these bytes to the desk's HTTP server (no client in between to clean up or refuse
 * them: invalid UTF-8, control characters, bare CRs in headers) and reads until the server closes.
 * The request must ask for `Connection: close` (as `rawRequest` does); a server that answers nothing
 * within `timeoutMs` fails the call.
 */
export function rawHttp(baseUrl: string, bytes: Uint8Array, timeoutMs = 5000): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    // Written without a half-close: a client's FIN aborts the request being answered (as a hang-up would),
    // and `Connection: close` has the server close once it has answered.
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const settle = () => {
      clearTimeout(timer);
      try {
        resolve(parse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    };
    // A server that answered and then reset the connection has still answered.
    socket.on('error', (error) => (chunks.length > 0 ? settle() : (clearTimeout(timer), reject(error))));
    socket.on('close', settle);
  });
}

function parse(raw: Buffer): RawAnswer {
  const text = raw.toString('latin1');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  if (!status) throw new Error(text === '' ? 'the server closed the connection without an answer' : `not an HTTP answer: ${JSON.stringify(text.slice(0, 200))}`);
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const rest = end < 0 ? Buffer.alloc(0) : raw.subarray(end + 4);
  return { status: Number(status[1]), head, body: (/^transfer-encoding:\s*chunked/im.test(head) ? dechunk(rest) : rest).toString('utf8') };
}

function dechunk(raw: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < raw.length) {
    const lineEnd = raw.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) break;
    const size = Number.parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** A request head and body as bytes: `head` lines are joined with CRLF as given (latin1, byte for byte). */
export function rawRequest(method: string, path: string, headers: readonly (string | Uint8Array)[], body: Uint8Array = new Uint8Array()): Uint8Array {
  const parts: Buffer[] = [Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: ${body.byteLength}\r\n`, 'latin1')];
  for (const header of headers) parts.push(typeof header === 'string' ? Buffer.from(header, 'latin1') : Buffer.from(header), Buffer.from('\r\n', 'latin1'));
  parts.push(Buffer.from('\r\n', 'latin1'), Buffer.from(body));
  return new Uint8Array(Buffer.concat(parts));
}
