import { Hono } from 'hono';
import type { IncidentService } from './incident-service.ts';

/**
 * `GET /api/status`: the incidents open now (and those resolved lately), public and without any
 * account data — a studio, an error, since when and how many accounts. Cached briefly by clients.
 */
export function statusRoutes(incidents: Pick<IncidentService, 'status'>): Hono {
  const app = new Hono();
  app.get('/status', async (c) => c.json({ incidents: await incidents.status() }, 200, { 'cache-control': 'public, max-age=30' }));
  return app;
}
