import { Hono } from 'hono';
import { identityHash } from '../chat/identity.ts';
import { demoPage } from './demo-page.ts';

/** What the widget's routes are built from; the composition roots fill it in. */
export interface WidgetRoutesDeps {
  /** The built widget script (dist/widget.js on Node), or null when it has not been built. */
  script(): Promise<string | null>;
  /**
   * The account the demo page at `/` is signed in as, and the secret its hash is computed with,
   * asked at each request; null: the page is anonymous. Only over the seeded demo data (or when
   * switched on): over real records anyone could lift the hash and act as that user.
   */
  demo: (() => Promise<{ email: string; secret: string } | null>) | null;
  /** Origins allowed to call `/api` from a browser (CORS): `*` or a list. */
  allowedOrigins: '*' | string[];
}

/** `GET /widget.js`, and the demo host pages: `/` (signed in as the demo account when allowed) and `/demo/anonymous`. */
export function widgetRoutes(deps: WidgetRoutesDeps) {
  const routes = new Hono();

  routes.get('/widget.js', async (c) => {
    const script = await deps.script();
    if (script === null) {
      return c.json({ error: { code: 'not_built', message: 'the widget is not built; run npm run build' } }, 503);
    }
    c.header('Cache-Control', 'public, max-age=300');
    // Host pages on other origins load it, also those that isolate themselves (COEP).
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
    return c.body(script, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
  });

  routes.get('/', async (c) => {
    const demo = deps.demo ? await deps.demo() : null;
    const user = demo ? { email: demo.email, hash: await identityHash(demo.secret, demo.email) } : null;
    c.header('Cache-Control', 'no-store');
    return c.html(demoPage(user, { signedOutHere: user === null }));
  });

  routes.get('/demo/anonymous', (c) => c.html(demoPage(null)));

  return routes;
}
