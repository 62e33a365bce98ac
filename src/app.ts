import { OpenAPIHono } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type ChatRoutesDeps, chatRoutes } from './chat/chat-routes.ts';
import type { ConsoleEnv } from './console/require-staff.tsx';
import { DeskError, type DeskErrorCode } from './core/errors.ts';
import type { Clock } from './core/ports.ts';
import type { SupportStore } from './core/support-store.ts';
import type { IncidentService } from './incidents/incident-service.ts';
import { statusRoutes } from './incidents/status-route.ts';
import { type MetricsRouteDeps, metricsRoutes } from './metrics/metrics-route.ts';
import { type WidgetRoutesDeps, widgetRoutes } from './widget/widget-routes.ts';

/** What the HTTP app is built from; the composition roots (Node, Workers) fill it in. */
export interface AppDeps {
  store: SupportStore;
  now: Clock;
  /** The chat API of the help widget. */
  chat: ChatRoutesDeps;
  /** The help widget's script and demo pages; its CORS origins also apply to `/api` (default `*`). */
  widget?: WidgetRoutesDeps;
  /** The Slack app: events, interactivity and slash commands, verified over the raw body. */
  slack?: { handle(request: Request): Promise<Response> } | null;
  /** The inbound email route (`POST /email/inbound`, `inboundEmailRoutes`), mounted under `/api`. */
  email?: Hono | null;
  /** `GET /metrics` (metrics-route.ts); absent without METRICS_TOKEN, so the path answers 404. */
  metrics?: MetricsRouteDeps | null;
  /** `GET /api/status`: the incidents open now, public. */
  incidents?: Pick<IncidentService, 'status'> | null;
  /** The staff console (`consoleRoutes`), mounted at `/desk`. */
  console?: Hono<ConsoleEnv> | null;
}

const statusOf: Record<DeskErrorCode, ContentfulStatusCode> = {
  bad_request: 400,
  invalid_import: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  platform_unavailable: 503,
  internal: 500,
};

/** What Hono's JSON validator says of a body that is not JSON. */
const MALFORMED_JSON = 'Malformed JSON in request body';

/** The desk's HTTP app: one for Node and Workers. Errors become `{ error: { code, message } }` here only. */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono();

  // The outbox's backlog is read from the database: answering it is the database check too.
  app.get('/health', async (c) => {
    const outbox = await deps.store.outboxBacklog(deps.now()).catch(() => null);
    if (!outbox) return c.json({ status: 'degraded', database: 'unreachable' }, 503);
    return c.json({ status: 'ok', database: 'ok', outbox }, 200);
  });

  // Host pages on other origins call the chat API from the browser; the identity travels in headers, never cookies.
  app.use(
    '/api/*',
    cors({
      origin: deps.widget?.allowedOrigins ?? '*',
      allowMethods: ['GET', 'POST'],
      allowHeaders: ['Content-Type', 'X-User-Email', 'X-User-Hash', 'Last-Event-ID'],
      exposeHeaders: ['Retry-After'],
      maxAge: 600,
    }),
  );
  // Before the chat API: its body limit, identity check and rate limit are the widget's, not the mail gateway's.
  if (deps.email) app.route('/api', deps.email);
  if (deps.incidents) app.route('/api', statusRoutes(deps.incidents));
  app.route('/api', chatRoutes(deps.chat));
  if (deps.widget) app.route('/', widgetRoutes(deps.widget));
  if (deps.console) app.route('/desk', deps.console);
  const slack = deps.slack;
  // The raw request goes to the Slack channel untouched: its signature is over the exact bytes.
  if (slack) app.post('/slack/events', (c) => slack.handle(c.req.raw));
  if (deps.metrics) app.route('/', metricsRoutes(deps.metrics));
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'PrismPoster support desk — chat API',
      version: '1.0.0',
      description: 'What the help widget speaks (chat-api.md). Identity: X-User-Email with X-User-Hash.',
    },
  });

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404));

  app.onError((error, c) => {
    if (error instanceof DeskError) {
      return c.json({ error: { code: error.code, message: error.message } }, statusOf[error.code]);
    }
    if (error instanceof HTTPException) {
      const status = error.status;
      const code = status === 413 ? 'payload_too_large' : status === 401 ? 'unauthorized' : 'bad_request';
      // Hono's JSON validator refuses a body it cannot parse in its own words; the desk names the field, as for every bad body.
      const message = status === 400 && error.message === MALFORMED_JSON ? 'body: not valid JSON' : error.message || 'bad request';
      return c.json({ error: { code, message } }, status as ContentfulStatusCode);
    }
    console.error('unexpected error', error);
    return c.json({ error: { code: 'internal', message: 'something went wrong on our side' } }, 500);
  });

  return app;
}
