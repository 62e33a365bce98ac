import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importPlatformData } from '../../adapters/db/import-platform-data.ts';
import { serveApp } from '../support/serve-app.ts';
import { loadConfig } from '../../src/config.ts';
import { seedDemoIfEmpty } from '../../adapters/db/seed-demo.ts';
import { openNodeDesk } from '../../adapters/node/node-desk.ts';

/*
 * The demo page at `/` signs the widget in as WIDGET_DEMO_EMAIL with the desk's real identity
 * secret. That is only harmless over the seeded demo data: anyone who opens the page can lift the
 * hash and act as that user. Each check runs the real app over HTTP on a real SQLite file, and a
 * "restart" is a new desk over the same file.
 */

const SECRET = 'demo-identity-test-secret';
const hashOf = (email: string) => createHmac('sha256', SECRET).update(email.toLowerCase()).digest('hex');
const rosaFile = () => JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/platform-import.json', import.meta.url)), 'utf8'));

let dir: string;
let dbPath: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'demo-identity-'));
  dbPath = join(dir, 'support.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Starts a desk on the file (seeding the demo into an empty one, as `npm start` does), reads `/`, stops it. */
async function demoPageOf(env: Record<string, string> = {}): Promise<string> {
  const deps = openNodeDesk(loadConfig({ SUPPORT_DB_PATH: dbPath, WIDGET_IDENTITY_SECRET: SECRET, ...env }));
  try {
    await seedDemoIfEmpty(deps.sqlite, deps.now());
    const server = await serveApp(deps.app);
    try {
      const page = await fetch(`${server.url}/`);
      expect(page.status).toBe(200);
      return await page.text();
    } finally {
      await server.close();
    }
  } finally {
    deps.close();
  }
}

/** Writes records into the file with the import (the CLI's `import`), outside any running desk. */
async function importInto(file: unknown) {
  const deps = openNodeDesk(loadConfig({ SUPPORT_DB_PATH: dbPath }));
  try {
    await importPlatformData(deps.sqlite, file);
  } finally {
    deps.close();
  }
}

const signedIn = (page: string, email: string) => page.includes(`user: {"email":"${email}","hash":"${hashOf(email)}"}`);
const anonymous = (page: string) => page.includes('user: null') && !page.includes('"hash"');

describe('the demo page at /', () => {
  it('is signed in as the demo account over the seeded demo data, also after a restart', async () => {
    expect(signedIn(await demoPageOf(), 'maya@example.com')).toBe(true);
    expect(signedIn(await demoPageOf(), 'maya@example.com')).toBe(true);
  });

  it('hands out no identity over imported records, whatever WIDGET_DEMO_EMAIL names', async () => {
    await importInto(rosaFile());
    expect(anonymous(await demoPageOf())).toBe(true);
    expect(anonymous(await demoPageOf({ WIDGET_DEMO_EMAIL: 'rosa.lind@example.com' }))).toBe(true);
  });

  it('hands out no identity once records are imported into the demo database, and stays so across restarts', async () => {
    expect(signedIn(await demoPageOf(), 'maya@example.com')).toBe(true);
    await importInto(rosaFile());
    expect(anonymous(await demoPageOf())).toBe(true);
    expect(anonymous(await demoPageOf({ WIDGET_DEMO_EMAIL: 'rosa.lind@example.com' }))).toBe(true);
  });

  it('hands out no identity once an import adds to a demo account (the data is no longer the seeded demo)', async () => {
    expect(signedIn(await demoPageOf(), 'maya@example.com')).toBe(true);
    await importInto({ ledger: [{ id: 'led_real_1', accountId: 'acc_maya', type: 'purchase', amount: 500, createdAt: '2026-11-20T10:00:00Z' }] });
    expect(anonymous(await demoPageOf())).toBe(true);
  });

  it('stays signed in after an import of an empty file (nothing was written)', async () => {
    expect(signedIn(await demoPageOf(), 'maya@example.com')).toBe(true);
    await importInto({});
    expect(signedIn(await demoPageOf(), 'maya@example.com')).toBe(true);
  });

  it('is signed in over any data when WIDGET_DEMO=on, and never when WIDGET_DEMO=off', async () => {
    await importInto(rosaFile());
    expect(signedIn(await demoPageOf({ WIDGET_DEMO: 'on', WIDGET_DEMO_EMAIL: 'rosa.lind@example.com' }), 'rosa.lind@example.com')).toBe(true);
    rmSync(dbPath);
    expect(anonymous(await demoPageOf({ WIDGET_DEMO: 'off' }))).toBe(true);
  });

  it('reflects an import made while the desk runs: the next page is anonymous', async () => {
    const deps = openNodeDesk(loadConfig({ SUPPORT_DB_PATH: dbPath, WIDGET_IDENTITY_SECRET: SECRET }));
    try {
      await seedDemoIfEmpty(deps.sqlite, deps.now());
      const server = await serveApp(deps.app);
      try {
        expect(signedIn(await (await fetch(`${server.url}/`)).text(), 'maya@example.com')).toBe(true);
        await importInto(rosaFile());
        expect(anonymous(await (await fetch(`${server.url}/`)).text())).toBe(true);
      } finally {
        await server.close();
      }
    } finally {
      deps.close();
    }
  });
});
