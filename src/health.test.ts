import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { type NodeDeps, createNodeApp, createNodeDeps } from './node-deps.ts';

describe('GET /health', () => {
  let dir: string;
  let deps: NodeDeps;
  let closed: boolean;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'health-'));
    deps = createNodeDeps(loadConfig({ SUPPORT_DB_PATH: join(dir, 'desk.sqlite') }));
    closed = false;
  });
  afterEach(() => {
    if (!closed) deps.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers ok with the outbox backlog read from the database', async () => {
    const res = await createNodeApp(deps).request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ok',
      database: 'ok',
      outbox: { pending: 0, due: 0, dead: 0, oldestPendingAt: null },
    });
  });

  it('answers 503 degraded when the database cannot be read', async () => {
    const app = createNodeApp(deps);
    deps.close();
    closed = true;
    const res = await app.request('/health');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'degraded', database: 'unreachable' });
  });
});
