import { afterEach, describe, expect, it } from 'vitest';
import { DeskError } from '../../src/core/errors.ts';
import { defaultPlatformFixture, platformDataContract } from '../../test/contracts/platform-data-contract.ts';
import { startPlatformHttpServer } from '../../test/support/platform-http-server.ts';
import type { PlatformFixture } from '../../test/contracts/platform-data-contract.ts';
import type { PlatformHttpServer } from '../../test/support/platform-http-server.ts';
import { createHttpPlatformData } from './http-platform-data.ts';

const TOKEN = 'pp_test_7f3a9c';
const week = { since: Date.parse('2026-11-18T00:00:00+01:00'), until: Date.parse('2026-11-25T00:00:00+01:00') };

platformDataContract('http', async (fixture) => {
  const server = await startPlatformHttpServer({ fixture, token: TOKEN });
  return { platform: createHttpPlatformData({ baseUrl: server.url, token: TOKEN }), close: server.close };
});

describe('createHttpPlatformData: transport', () => {
  let server: PlatformHttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(fixture: PlatformFixture = defaultPlatformFixture): Promise<PlatformHttpServer> {
    server = await startPlatformHttpServer({ fixture, token: TOKEN });
    return server;
  }

  /** The DeskError a call rejects with. */
  async function failure(call: Promise<unknown>): Promise<DeskError> {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof DeskError)) throw new Error(`expected a DeskError, got ${String(error)}`);
    return error;
  }

  it('sends the bearer token, and a refund with its Idempotency-Key and JSON body', async () => {
    const { url, requests } = await start();
    const platform = createHttpPlatformData({ baseUrl: `${url}/`, token: TOKEN });
    await platform.getAccount('acc_mara');
    await platform.issueRefund('acc_mara', { generationId: 'gen_m2', amount: 40, reason: 'failed run' }, 'key-1');
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /accounts/acc_mara', 'POST /accounts/acc_mara/refunds']);
    expect(requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(requests[1]?.headers['idempotency-key']).toBe('key-1');
    expect(requests[1]?.headers['content-type']).toBe('application/json');
  });

  it('sends the range as ISO 8601 instants', async () => {
    const { url, requests } = await start();
    await createHttpPlatformData({ baseUrl: url, token: TOKEN }).listLedger('acc_mara', week);
    const query = new URL(requests[0]?.path ?? '', url).searchParams;
    expect(query.get('since')).toBe('2026-11-17T23:00:00.000Z');
    expect(query.get('until')).toBe('2026-11-24T23:00:00.000Z');
  });

  it('surfaces a refused token as a clear error', async () => {
    const { url } = await start();
    const error = await failure(createHttpPlatformData({ baseUrl: url, token: 'wrong' }).getAccount('acc_mara'));
    expect(error.code).toBe('platform_unavailable');
    expect(error.message).toBe(`platform API at ${url} answered 401 to GET /accounts/acc_mara: the platform API token was refused`);
  });

  it('times out a hanging platform within the configured timeout, naming the URL and the call', async () => {
    const { url, setMode } = await start();
    setMode('hang');
    const started = Date.now();
    const error = await failure(createHttpPlatformData({ baseUrl: url, token: TOKEN, timeoutMs: 200 }).listLedger('acc_mara', week));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(error.code).toBe('platform_unavailable');
    expect(error.message).toBe(`platform API at ${url} did not answer GET /accounts/acc_mara/ledger within 200 ms`);
  });

  it('reports a 500 with the status and the call', async () => {
    const { url, setMode } = await start();
    setMode('fail500');
    const error = await failure(createHttpPlatformData({ baseUrl: url, token: TOKEN }).listGenerations('acc_mara', week));
    expect(error.message).toBe(`platform API at ${url} answered 500 to GET /accounts/acc_mara/generations`);
    expect(error.details).toMatchObject({ status: 500 });
  });

  it('reports a body that is not JSON', async () => {
    const { url, setMode } = await start();
    setMode('garbage');
    const error = await failure(createHttpPlatformData({ baseUrl: url, token: TOKEN }).listGenerations('acc_mara', week));
    expect(error.message).toBe(`platform API at ${url} answered GET /accounts/acc_mara/generations with a body that is not JSON`);
  });

  it('names the record and the field of an answer that breaks the schema', async () => {
    const entry = { id: 'led_x', accountId: 'acc_mara', type: 'spend', amount: 5, createdAt: '2026-11-20T14:05:00+01:00' };
    const fetch = async (): Promise<Response> => Response.json({ entries: [entry], balance: 5 });
    const platform = createHttpPlatformData({ baseUrl: 'http://platform.test', token: TOKEN, fetch });
    const error = await failure(platform.listLedger('acc_mara', week));
    expect(error.message).toBe(
      'platform API at http://platform.test sent an invalid ledger entry in answer to GET /accounts/acc_mara/ledger: ' +
        'entries.0.amount: a spend must be negative (got 5)',
    );
  });

  it("refuses an answer that carries another account's records", async () => {
    const run = defaultPlatformFixture.generations.find((g) => g.accountId === 'acc_theo');
    const fetch = async (): Promise<Response> => Response.json({ generations: [run] });
    const platform = createHttpPlatformData({ baseUrl: 'http://platform.test', token: TOKEN, fetch });
    const error = await failure(platform.listGenerations('acc_mara', week));
    expect(error.message).toMatch(/sent a generation of another account \(acc_theo\)/);
  });

  it('says it could not reach a platform that refuses connections', async () => {
    const { url, close } = await start();
    await close();
    server = undefined;
    const error = await failure(createHttpPlatformData({ baseUrl: url, token: TOKEN }).getAccount('acc_mara'));
    expect(error.code).toBe('platform_unavailable');
    expect(error.message).toMatch(new RegExp(`^could not reach the platform API at ${url} for GET /accounts/acc_mara: .*ECONNREFUSED`));
  });

  it('encodes an email with + and spaces so the platform receives it unchanged', async () => {
    const plus = { id: 'acc_plus', email: 'mara+billing@example.com' };
    const { url, requests } = await start({ ...defaultPlatformFixture, accounts: [...defaultPlatformFixture.accounts, plus] });
    const platform = createHttpPlatformData({ baseUrl: url, token: TOKEN });
    expect((await platform.findAccountByEmail('Mara+Billing@example.com'))?.id).toBe('acc_plus');
    expect(await platform.findAccountByEmail(' mara klein+x @example.com')).toBeNull();
    expect(requests.map((r) => r.path)).toEqual([
      '/accounts?email=Mara%2BBilling%40example.com',
      '/accounts?email=%20mara%20klein%2Bx%20%40example.com',
    ]);
    expect(requests.map((r) => new URL(r.path, url).searchParams.get('email'))).toEqual([
      'Mara+Billing@example.com',
      ' mara klein+x @example.com',
    ]);
  });

  it('encodes ids as one path segment and refuses ids that URL parsing would resolve away', async () => {
    const { url, requests } = await start();
    const platform = createHttpPlatformData({ baseUrl: url, token: TOKEN });
    expect(await platform.getAccount('acc/../x y?')).toBeNull();
    expect(requests[0]?.path).toBe('/accounts/acc%2F..%2Fx%20y%3F');
    const error = await failure(platform.getAccount('..'));
    expect(error.code).toBe('bad_request');
  });
});
