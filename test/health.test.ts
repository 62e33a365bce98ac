import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { type NodeDesk, openNodeDesk } from '../adapters/node/node-desk.ts';

describe('GET /health', () => {
  let dir: string;
  let deps: NodeDesk;
  let closed: boolean;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'health-'));
    deps = openNodeDesk(loadConfig({ SUPPORT_DB_PATH: join(dir, 'desk.sqlite') }));
    closed = false;
  });
  afterEach(() => {
    if (!closed) deps.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers ok with the outbox backlog read from the database', async () => {
    const res = await deps.app.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ok',
      database: 'ok',
      outbox: { pending: 0, due: 0, dead: 0, oldestPendingAt: null },
    });
  });

  it('answers 503 degraded when the database cannot be read', async () => {
    const app = deps.app;
    deps.close();
    closed = true;
    const res = await app.request('/health');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'degraded', database: 'unreachable' });
  });
});
