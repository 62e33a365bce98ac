import { type Context, Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { DeskError } from '../core/errors.ts';
import type { Clock, IdGenerator } from '../core/ports.ts';
import { PacketStatus } from '../core/support-packet.ts';
import type { SupportStore } from '../core/support-store.ts';
import { verdictKinds } from '../triage/packet-history.ts';
import type { IncidentService } from '../incidents/incident-service.ts';
import type { TriageService } from '../triage/triage-service.ts';
import type { DecisionOutcome } from '../triage/triage-types.ts';
import { dashboardFigures } from '../metrics/dashboard-figures.ts';
import { MetricsPage } from '../metrics/metrics-page.tsx';
import type { MetricsStore } from '../metrics/metrics-store.ts';
import { IncidentsPage } from './incidents-page.tsx';
import { Layout } from './layout.tsx';
import { PacketPage } from './packet-page.tsx';
import { QueuePage, byVerdict } from './queue-page.tsx';
import { type ConsoleEnv, Refused, SESSION_COOKIE, SignInPrompt, deciderOf, originCheck, pageStaff, requireStaff } from './require-staff.tsx';
import { SESSION_TTL_MS, type StaffAuth } from './staff-auth.ts';

export interface ConsoleDeps {
  auth: StaffAuth;
  /** The same triage service as Slack's: the same audit log, the same one-effect rules. */
  triage: TriageService;
  store: SupportStore;
  now: Clock;
  newId: IdGenerator;
  /** PUBLIC_URL (config.console.publicUrl). */
  publicUrl: string;
  /** The figures of `/desk/metrics` (src/metrics); without them the page is not there. */
  metrics?: Pick<MetricsStore, 'caseActivity'>;
  /** The same incident service as Slack's Resolve button (src/incidents); without it, `/desk/incidents` is not there. */
  incidents?: Pick<IncidentService, 'listOpen' | 'get' | 'resolve'>;
}

/** How many packets a queue page reads (the newest of the status), and shows at most. */
const QUEUE_READ = 500;
const QUEUE_SHOWN = 100;

const Ref = z.string().regex(/^PKT-[A-Z0-9]{6,10}$/);
const IncidentId = z.string().regex(/^INC-[A-Z0-9]{8}$/);
const QueueQuery = z.object({
  status: z.union([z.literal(''), PacketStatus]).default(''),
  verdict: z.union([z.literal(''), z.enum(verdictKinds)]).default(''),
});
const Token = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'not a sign-in token');
/** The Ask and Reply forms: the words, and the form's key (one message however often it is sent). */
const Words = (field: 'question' | 'text') =>
  z.object({
    [field]: z.string().trim().min(1, 'is empty').max(4000, 'is longer than 4,000 characters'),
    key: z.string().regex(/^[a-z0-9_]{1,64}$/, 'is not a form key'),
  });

/** The first problem of a zod parse, naming the field. */
const problem = (error: z.ZodError) => {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || 'form'}: ${issue?.message ?? 'invalid'}`;
};

/**
 * The staff console, mounted at /desk: server-rendered pages and plain forms, usable without
 * JavaScript. Sign-in by one-time link (GET shows a confirmation, POST uses the link, so a mail
 * scanner that opens links does not burn it); then the queue and each packet's page, whose
 * decisions go through the same triage service as Slack's buttons.
 */
export function consoleRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();
  const guard = requireStaff({ auth: deps.auth, publicUrl: deps.publicUrl });
  const sameOrigin = originCheck(deps.publicUrl);
  const secure = (url: string) => new URL(url).protocol === 'https:' || deps.publicUrl.startsWith('https:');

  // Case data is never cached, framed or sent on as a referrer (the sign-in link is in the URL).
  app.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  });

  const linkGone = (
    <Layout title="Sign-in link" staff={null}>
      <h1>This sign-in link does not work any more</h1>
      <p role="alert">It has expired (links work for 15 minutes), was used already, or was never issued. Nobody was signed in.</p>
      <p>
        Ask for a new one: <code>npm run cli -- staff link EMAIL</code>.
      </p>
    </Layout>
  );

  app.get('/sign-in', async (c) => {
    const token = Token.safeParse(c.req.query('token'));
    if (!token.success) return c.html(<SignInPrompt />, 401);
    const staff = await deps.auth.peekLink(token.data);
    if (!staff) return c.html(linkGone, 410);
    return c.html(
      <Layout title="Sign in" staff={null}>
        <h1>Sign in to the support desk</h1>
        <form method="post" action="/desk/sign-in">
          <input type="hidden" name="token" value={token.data} />
          <p>
            Sign in as {staff.name} ({staff.email})? The link then stops working.
          </p>
          <button type="submit" class="primary">
            Sign in
          </button>
        </form>
      </Layout>,
    );
  });

  app.post('/sign-in', async (c) => {
    if (!(await sameOrigin(c))) {
      return c.html(<Refused staff={null} reason="This request did not come from the desk's own pages (its Origin is another site's)." />, 403);
    }
    const form = await c.req.parseBody();
    const token = Token.safeParse(form.token);
    const signedIn = token.success ? await deps.auth.signIn(token.data) : null;
    if (!signedIn) return c.html(linkGone, 410);
    setCookie(c, SESSION_COOKIE, signedIn.sessionId, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: secure(c.req.url),
      path: '/desk',
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    return c.redirect('/desk', 303);
  });

  app.use('*', guard);

  const metrics = deps.metrics;
  if (metrics) {
    app.get('/metrics', async (c) => {
      const { week, month } = await dashboardFigures(metrics, deps.now());
      return c.html(
        <Layout title="Metrics" staff={pageStaff(c)}>
          <MetricsPage week={week} month={month} />
        </Layout>,
      );
    });
  }

  const incidents = deps.incidents;
  if (incidents) {
    app.get('/incidents', async (c) => c.html(<IncidentsPage staff={pageStaff(c)} incidents={await incidents.listOpen()} now={deps.now()} />));

    app.post('/incidents/:id/resolve', async (c) => {
      const id = IncidentId.safeParse(c.req.param('id'));
      const known = id.success ? await incidents.get(id.data) : null;
      if (!id.success || !known) {
        return c.html(
          <Layout title="No such incident" staff={pageStaff(c)}>
            <h1>No incident {c.req.param('id')}</h1>
            <p>
              <a href="/desk/incidents">Back to the incidents</a>
            </p>
          </Layout>,
          404,
        );
      }
      // Slack's button resolves as `slack:U…`; the console as `desk:stf_… (Name)`, so Slack's message can name them.
      const resolved = await incidents.resolve(known.id, `desk:${c.var.staff.id} (${c.var.staff.name})`);
      const outcome = resolved
        ? { done: true, summary: `Resolved ${known.id}. The users who asked to be told are told now.` }
        : { done: false, summary: `${known.id} is not open (it was resolved already).` };
      return c.html(<IncidentsPage staff={pageStaff(c)} incidents={await incidents.listOpen()} now={deps.now()} outcome={outcome} />, resolved ? 200 : 409);
    });
  }

  app.post('/sign-out', async (c) => {
    await deps.auth.signOut(c.var.sessionId);
    deleteCookie(c, SESSION_COOKIE, { path: '/desk', secure: secure(c.req.url) });
    return c.redirect('/desk', 303);
  });

  app.get('/', async (c) => {
    const query = QueueQuery.safeParse({ status: c.req.query('status'), verdict: c.req.query('verdict') });
    if (!query.success) return c.html(<Refused staff={pageStaff(c)} reason={problem(query.error)} />, 400);
    const status = query.data.status || null;
    const verdict = query.data.verdict || null;
    const read = await deps.store.listPackets({ ...(status && { statuses: [status] }), limit: QUEUE_READ });
    const packets = byVerdict(read, verdict).slice(0, QUEUE_SHOWN);
    return c.html(<QueuePage staff={pageStaff(c)} packets={packets} filter={{ status, verdict }} now={deps.now()} />);
  });

  const notFound = (c: Context<ConsoleEnv>, ref: string) =>
    c.html(
      <Layout title="No such packet" staff={pageStaff(c)}>
        <h1>No packet {ref}</h1>
        <p>
          <a href="/desk">Back to the queue</a>
        </p>
      </Layout>,
      404,
    );

  app.get('/packets/:ref', async (c) => {
    const ref = Ref.safeParse(c.req.param('ref'));
    if (!ref.success) return notFound(c, c.req.param('ref'));
    // Looking at a customer's case is audited, as `/prism packet` is in Slack.
    const summary = await deps.triage.packetSummary(ref.data, deciderOf(c), deps.newId('view'));
    if (!summary) return notFound(c, ref.data);
    return c.html(<PacketPage staff={pageStaff(c)} packet={summary.packet} audit={summary.audit} formKey={deps.newId('form')} />);
  });

  type Decide = (ref: string, form: Record<string, unknown>, c: Context<ConsoleEnv>) => Promise<DecisionOutcome | string>;
  const decisions: Record<string, Decide> = {
    approve: (ref, _form, c) => deps.triage.approveRefund(ref, deciderOf(c)),
    assign: (ref, _form, c) => deps.triage.assign(ref, deciderOf(c)),
    resolve: (ref, _form, c) => deps.triage.resolve(ref, deciderOf(c)),
    ask: async (ref, form, c) => {
      const words = Words('question').safeParse(form);
      if (!words.success) return problem(words.error);
      return deps.triage.askForInfo(ref, deciderOf(c), String(words.data.question), `desk:${words.data.key}`);
    },
    reply: async (ref, form, c) => {
      const words = Words('text').safeParse(form);
      if (!words.success) return problem(words.error);
      return deps.triage.replyToUser(ref, deciderOf(c), String(words.data.text), `desk:${words.data.key}`);
    },
  };

  app.post('/packets/:ref/:decision', async (c) => {
    const ref = Ref.safeParse(c.req.param('ref'));
    const decide = decisions[c.req.param('decision')];
    if (!ref.success || !decide) return notFound(c, c.req.param('ref'));
    const outcome = await decide(ref.data, await c.req.parseBody(), c);
    if (typeof outcome === 'string') return c.html(<Refused staff={pageStaff(c)} reason={outcome} />, 400);
    const packet = await deps.store.getPacket(ref.data);
    if (!packet) return notFound(c, ref.data);
    const audit = await deps.store.listAudit(ref.data);
    return c.html(
      <PacketPage staff={pageStaff(c)} packet={packet} audit={audit} formKey={deps.newId('form')} outcome={outcome} />,
      outcome.status === 'done' ? 200 : 409,
    );
  });

  // A decision that failed on the way (the platform down mid-refund) was undone by triage: say so, in a page.
  app.onError((error, c) => {
    const unavailable = error instanceof DeskError && error.code === 'platform_unavailable';
    if (!unavailable) console.error('a console request failed', error);
    return c.html(
      <Layout title="Not done" staff={null}>
        <h1>Not done</h1>
        <p role="alert">
          {unavailable ? 'The platform did not answer' : 'Something went wrong on our side'}: nothing was changed. Go back and try again in a moment.
        </p>
      </Layout>,
      unavailable ? 503 : 500,
    );
  });

  return app;
}
