import { Hono } from 'hono';
import { timingSafeEqual } from 'hono/utils/buffer';
import { deskMetrics } from './desk-metrics.ts';
import { EXPOSITION_CONTENT_TYPE } from './exposition.ts';
import type { MetricsStore } from './metrics-store.ts';
import type { ProcessMetrics } from './process-metrics.ts';

export interface MetricsRouteDeps {
  /** METRICS_TOKEN: the route exists only with it. */
  token: string;
  store: MetricsStore;
  /** This process's own figures; null where a process is not one desk (a Worker's isolate). */
  processMetrics: ProcessMetrics | null;
}

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * `GET /metrics` for Prometheus, behind `Authorization: Bearer <METRICS_TOKEN>`: any other header
 * (none, another scheme, another token) is a 401. The token is compared in constant time (hono's
 * timingSafeEqual compares digests), so its length and prefix do not leak.
 */
export function metricsRoutes(deps: MetricsRouteDeps): Hono {
  const app = new Hono();
  app.get('/metrics', async (c) => {
    const given = BEARER.exec(c.req.header('authorization') ?? '')?.[1];
    if (given === undefined || !(await timingSafeEqual(deps.token, given))) {
      const error = { code: 'unauthorized', message: 'the metrics need Authorization: Bearer <METRICS_TOKEN>' };
      return c.json({ error }, 401, { 'www-authenticate': 'Bearer realm="metrics"' });
    }
    const body = await deskMetrics(deps.store, deps.processMetrics);
    return c.body(body, 200, { 'content-type': EXPOSITION_CONTENT_TYPE, 'cache-control': 'no-store' });
  });
  return app;
}
