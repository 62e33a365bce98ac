import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { StaffMember } from '../triage/triage-types.ts';
import { type PageStaff, Layout } from './layout.tsx';
import { type StaffAuth, sameSecret } from './staff-auth.ts';
import type { StaffRecord } from './staff-store.ts';

/** The cookie of a console session: HttpOnly, SameSite=Strict, Secure over HTTPS, for /desk only. */
export const SESSION_COOKIE = 'desk_session';

/** What `requireStaff` puts in the context of a console page. */
export type ConsoleEnv = { Variables: { staff: StaffRecord; csrfToken: string; sessionId: string } };

export interface GuardDeps {
  auth: StaffAuth;
  /** PUBLIC_URL: forms may come from its origin as well as from the request's own (behind a proxy). */
  publicUrl: string;
}

/** The signed-in member of staff as the layout shows them. */
export const pageStaff = (c: Context<ConsoleEnv>): PageStaff => ({ name: c.var.staff.name, email: c.var.staff.email, csrfToken: c.var.csrfToken });

/** The signed-in member of staff as triage audits them: `desk:stf_…` with their name. */
export const deciderOf = (c: Context<ConsoleEnv>): StaffMember => ({ id: c.var.staff.id, name: c.var.staff.name, via: 'desk' });

const isSafe = (method: string) => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';

/**
 * Hono's `csrf()` as a yes or no: a state-changing form must come from the desk's own origin
 * (Origin or Sec-Fetch-Site), so that another site cannot post it with the staff's cookie.
 */
export function originCheck(publicUrl: string) {
  const origin = new URL(publicUrl).origin;
  const check = csrf({ origin: (given, c) => given === origin || given === new URL(c.req.url).origin });
  return async (c: Context): Promise<boolean> => {
    try {
      await check(c, async () => undefined);
      return true;
    } catch (error) {
      if (error instanceof HTTPException && error.status === 403) return false;
      throw error;
    }
  };
}

/** The page every console address shows without a session: how to sign in, and no case data. */
export const SignInPrompt = () => (
  <Layout title="Sign in" staff={null}>
    <h1>Sign in to the support desk</h1>
    <p>The console is for PrismPoster's support staff. Open the sign-in link you were given; each link works once, for 15 minutes.</p>
    <p>
      No link, or it expired? Ask whoever runs the desk for one: <code>npm run cli -- staff link EMAIL</code> (or <code>staff add NAME EMAIL</code> for a
      new member of staff).
    </p>
  </Layout>
);

/** A refusal of a state-changing request: nothing was done. */
export const Refused = ({ reason, staff }: { reason: string; staff: PageStaff | null }) => (
  <Layout title="Refused" staff={staff}>
    <h1>Refused: nothing was changed</h1>
    <p role="alert">{reason}</p>
    <p>
      <a href="/desk">Back to the queue</a>
    </p>
  </Layout>
);

/**
 * A signed-in member of staff, or the sign-in prompt (401) and nothing else. A state-changing
 * request must also come from the desk's origin and carry the session's CSRF token in its form
 * (field `csrf`); otherwise it is refused (403) and changes nothing. Every page of the console —
 * and any page mounted beside it, such as /desk/metrics — goes through this.
 */
export function requireStaff(deps: GuardDeps): MiddlewareHandler<ConsoleEnv> {
  const sameOrigin = originCheck(deps.publicUrl);
  return async (c, next) => {
    const unsafe = !isSafe(c.req.method);
    if (unsafe && !(await sameOrigin(c))) {
      return c.html(<Refused staff={null} reason="This request did not come from the desk's own pages (its Origin is another site's)." />, 403);
    }
    const sessionId = getCookie(c, SESSION_COOKIE);
    const session = sessionId ? await deps.auth.session(sessionId) : null;
    if (!sessionId || !session) return c.html(<SignInPrompt />, 401);
    c.set('staff', session.staff);
    c.set('csrfToken', session.csrfToken);
    c.set('sessionId', sessionId);
    if (unsafe) {
      const form = await c.req.parseBody();
      const token = typeof form.csrf === 'string' ? form.csrf : '';
      if (!sameSecret(session.csrfToken, token)) {
        const reason = token === '' ? 'The form carried no CSRF token.' : "The form's CSRF token is not this session's.";
        return c.html(<Refused staff={pageStaff(c)} reason={`${reason} Reload the page and try again.`} />, 403);
      }
    }
    await next();
  };
}
