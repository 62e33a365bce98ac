import { z } from 'zod';
import { DeskError } from '../../src/core/errors.ts';
import { Account, FailedRun, Generation, LedgerEntry } from '../../src/core/platform-types.ts';
import type { TimeRange } from '../../src/core/platform-types.ts';
import type { PlatformData } from '../../src/core/ports.ts';

/** Settings of the HTTP client of the platform (platform-data.md, "The HTTP contract"). */
export interface HttpPlatformDataOptions {
  /** e.g. `https://platform.internal/api`; a trailing slash is ignored. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token: string;
  /** Per call, covering the connection, the headers and the body. Default 5000. */
  timeoutMs?: number;
  /** Injected for tests; defaults to the runtime's `fetch` (Node and Workers alike). */
  fetch?: typeof globalThis.fetch;
}

const GenerationList = z.object({ generations: z.array(Generation) });
const FailureList = z.object({ failures: z.array(FailedRun) });
const LedgerPage = z.object({ entries: z.array(LedgerEntry), balance: z.number().int() });

/** What one invalid item of a list is called in an error message, by the list's key. */
const itemNouns: Record<string, string> = { generations: 'generation', entries: 'ledger entry', failures: 'failed run' };

interface Call {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * `PlatformData` over HTTP. Every answer is validated with the platform-types schemas; every failure
 * (timeout, refused connection, non-2xx, bad body) is a `DeskError('platform_unavailable')` whose message
 * says what could not be reached or checked. Only `fetch` and `AbortSignal`, so it runs on Workers too.
 */
export function createHttpPlatformData(options: HttpPlatformDataOptions): PlatformData {
  const { token, timeoutMs = 5000 } = options;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  // Called as a plain function: Workers throw "Illegal invocation" for a fetch detached onto an object.
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const api = `platform API at ${baseUrl}`;
  const fail = (message: string, cause?: unknown, details?: Record<string, unknown>): DeskError =>
    new DeskError('platform_unavailable', message, { cause, details: { baseUrl, ...details } });

  /** The JSON body of a 2xx answer; `undefined` (which JSON cannot spell) for a 404 when `notFoundIsNull`. */
  async function send(call: Call, notFoundIsNull = false): Promise<unknown> {
    // The label leaves out the query: it would put the user's email into logs.
    const label = `${call.method} ${call.path}`;
    const query = Object.entries(call.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
    const url = baseUrl + call.path + (query.length > 0 ? `?${query.join('&')}` : '');
    const init: RequestInit = {
      method: call.method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...call.headers },
      signal: AbortSignal.timeout(timeoutMs),
    };
    if (call.body !== undefined) init.body = JSON.stringify(call.body);
    let response: Response;
    let text: string;
    try {
      response = await doFetch(url, init);
    } catch (cause) {
      if (isTimeout(cause)) throw fail(`${api} did not answer ${label} within ${timeoutMs} ms`, cause);
      throw fail(`could not reach the ${api} for ${label}: ${reason(cause)}`, cause);
    }
    try {
      text = await response.text();
    } catch (cause) {
      if (isTimeout(cause)) throw fail(`${api} did not finish its answer to ${label} within ${timeoutMs} ms`, cause);
      throw fail(`${api} broke off its answer to ${label}: ${reason(cause)}`, cause);
    }
    const { status } = response;
    if (status === 404 && notFoundIsNull) return undefined;
    if (!response.ok) {
      const hint = status === 401 || status === 403 ? ': the platform API token was refused' : '';
      throw fail(`${api} answered ${status} to ${label}${hint}`, undefined, { status });
    }
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw fail(`${api} answered ${label} with a body that is not JSON`, cause, { status });
    }
  }

  /** Parses an answer; the message names the record kind and the first offending fields. */
  function check<T>(schema: z.ZodType<T>, body: unknown, noun: string, label: string): T {
    const result = schema.safeParse(body);
    if (result.success) return result.data;
    const { issues } = result.error;
    const [list, index] = issues[0]?.path ?? [];
    const what = typeof list === 'string' && typeof index === 'number' ? (itemNouns[list] ?? noun) : noun;
    const fields = issues.slice(0, 3).map((i) => (i.path.length > 0 ? `${i.path.map(String).join('.')}: ` : '') + i.message);
    const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
    throw fail(`${api} sent an invalid ${what} in answer to ${label}: ${fields.join('; ')}${more}`, result.error);
  }

  /** Another account's records must never reach a conversation, even if the platform mixes them up. */
  function checkOwner(records: readonly { accountId: string }[], accountId: string, noun: string, label: string): void {
    const foreign = records.find((r) => r.accountId !== accountId);
    if (foreign) throw fail(`${api} sent a ${noun} of another account (${foreign.accountId}) in answer to ${label}`);
  }

  const accountPath = (id: string): string => `/accounts/${segment(id)}`;
  const range = ({ since, until }: TimeRange) => ({ since: new Date(since).toISOString(), until: new Date(until).toISOString() });

  return {
    async findAccountByEmail(email) {
      const body = await send({ method: 'GET', path: '/accounts', query: { email } }, true);
      if (body === undefined) return null;
      const account = check(Account, body, 'account', 'GET /accounts');
      if (account.email.toLowerCase() !== email.toLowerCase()) throw fail(`${api} answered GET /accounts with an account of another email`);
      return account;
    },
    async getAccount(id) {
      const path = accountPath(id);
      const body = await send({ method: 'GET', path }, true);
      if (body === undefined) return null;
      const account = check(Account, body, 'account', `GET ${path}`);
      if (account.id !== id) throw fail(`${api} answered GET ${path} with another account (${account.id})`);
      return account;
    },
    async listGenerations(accountId, timeRange) {
      const path = `${accountPath(accountId)}/generations`;
      const body = await send({ method: 'GET', path, query: range(timeRange) });
      const { generations } = check(GenerationList, body, 'generation list', `GET ${path}`);
      checkOwner(generations, accountId, 'generation', `GET ${path}`);
      return generations;
    },
    async listFailures(since) {
      const body = await send({ method: 'GET', path: '/failures', query: { since: new Date(since).toISOString() } });
      return check(FailureList, body, 'failure list', 'GET /failures').failures;
    },
    async listLedger(accountId, timeRange) {
      const path = `${accountPath(accountId)}/ledger`;
      const body = await send({ method: 'GET', path, query: range(timeRange) });
      const page = check(LedgerPage, body, 'ledger', `GET ${path}`);
      checkOwner(page.entries, accountId, 'ledger entry', `GET ${path}`);
      return page;
    },
    async issueRefund(accountId, refund, idempotencyKey) {
      const path = `${accountPath(accountId)}/refunds`;
      const headers = { 'content-type': 'application/json', 'idempotency-key': idempotencyKey };
      const body = await send({ method: 'POST', path, headers, body: refund });
      const entry = check(LedgerEntry, body, 'refund entry', `POST ${path}`);
      checkOwner([entry], accountId, 'refund entry', `POST ${path}`);
      return entry;
    },
  };
}

/** One URL path segment; `.` and `..` would be resolved away by URL parsing, so they cannot be ids. */
function segment(id: string): string {
  if (id === '' || id === '.' || id === '..') throw new DeskError('bad_request', `not a platform id: "${id}"`);
  return encodeURIComponent(id);
}

/** `AbortSignal.timeout` rejects with a `TimeoutError` (some runtimes report an `AbortError`). */
function isTimeout(error: unknown): boolean {
  const name = typeof error === 'object' && error !== null && 'name' in error ? error.name : undefined;
  return name === 'TimeoutError' || name === 'AbortError';
}

/** The most telling text of a network error: undici hides it in `cause` (`connect ECONNREFUSED …`). */
function reason(error: unknown): string {
  const inner = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (!(inner instanceof Error)) return String(inner);
  const code = 'code' in inner && typeof inner.code === 'string' ? inner.code : undefined;
  return inner.message || code || inner.name;
}
