import type { ChildProcess } from 'node:child_process';
import { runCliProcess } from '../support/desk-process.ts';

/** An answer of the console: status, headers, the page. */
export interface Page {
  status: number;
  headers: Headers;
  html: string;
}

/**
 * A browser's part of the console over fetch: one cookie (the session), forms posted as a browser
 * posts them (urlencoded, with its Origin), redirects not followed so that they can be seen.
 */
export function consoleClient(baseUrl: string) {
  let cookie: string | null = null;
  const client = {
    origin: new URL(baseUrl).origin,
    get cookie() {
      return cookie;
    },
    set cookie(value: string | null) {
      cookie = value;
    },
    async get(path: string): Promise<Page> {
      const response = await fetch(`${baseUrl}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
      return { status: response.status, headers: response.headers, html: await response.text() };
    },
    async post(path: string, fields: Record<string, string>, options: { origin?: string | null } = {}): Promise<Page> {
      const origin = options.origin === undefined ? client.origin : options.origin;
      const response = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(origin && { origin }),
          ...(cookie && { cookie }),
        },
        body: new URLSearchParams(fields).toString(),
      });
      const set = response.headers.get('set-cookie');
      if (set) cookie = /desk_session=([^;]*)/.exec(set)?.[1] ? set.split(';')[0] ?? null : null;
      return { status: response.status, headers: response.headers, html: await response.text() };
    },
    /** Signs in with a link: its confirmation page, then its form. */
    async signIn(link: string): Promise<Page> {
      const { pathname, search } = new URL(link);
      const confirm = await client.get(`${pathname}${search}`);
      const token = new URL(link).searchParams.get('token') ?? '';
      if (confirm.status !== 200) return confirm;
      return client.post('/desk/sign-in', { token });
    },
  };
  return client;
}

/** The CSRF token of the forms of a page. */
export function csrfOf(html: string): string {
  const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF token on the page');
  return token;
}

/** `npm run cli -- staff add NAME EMAIL` for real, against the desk's SQLite file: the link it prints. */
export async function staffAdd(dbPath: string, name: string, email: string, publicUrl: string, children: Set<ChildProcess>): Promise<string> {
  const run = await runCliProcess(['staff', 'add', name, email, '--db', dbPath], children, { env: { PUBLIC_URL: publicUrl } });
  const link = /^https?:\/\/\S+\/desk\/sign-in\?token=\S+$/m.exec(run.stdout)?.[0];
  if (run.code !== 0 || !link) throw new Error(`staff add failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
  return link;
}
