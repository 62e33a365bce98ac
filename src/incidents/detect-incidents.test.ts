import { describe, expect, it } from 'vitest';
import type { FailedRun } from '../core/platform-types.ts';
import { detectIncidents } from './detect-incidents.ts';
import { errorKey, normaliseMessage } from './error-key.ts';
import type { Incident } from './incident-types.ts';

const T = Date.parse('2026-11-24T10:00:00.000Z');
const MIN = 60_000;
const settings = { minAccounts: 5, windowMs: 15 * MIN, quietMs: 30 * MIN };

const run = (account: number, minutesAgo: number, error: FailedRun['error'], studio: FailedRun['studio'] = 'video'): FailedRun => ({
  generationId: `gen_${account}_${minutesAgo}`,
  accountId: `acc_${account}`,
  studio,
  error,
  createdAt: new Date(T - minutesAgo * MIN).toISOString(),
});

const openIncident = (over: Partial<Incident> = {}): Incident => ({
  id: 'INC-1',
  studio: 'video',
  errorKey: 'code:model_timeout',
  error: 'model_timeout',
  status: 'open',
  since: T - 20 * MIN,
  lastFailureAt: T - 10 * MIN,
  accounts: 5,
  openedAt: T - 9 * MIN,
  resolvedAt: null,
  resolvedBy: null,
  version: 0,
  slack: null,
  ...over,
});

describe('incident detection', () => {
  it('opens one incident when five accounts fail in one studio with one code within the window', () => {
    const timeout = { code: 'model_timeout', message: 'Generation failed: model timeout' };
    const failures = [1, 2, 3, 4, 5, 6].map((a) => run(a, 10 - a, timeout));
    // One account failing twice counts once; another studio's failure is another cluster.
    failures.push(run(1, 1, timeout), run(7, 2, timeout, 'image'));
    expect(detectIncidents(failures, [], settings, T)).toEqual({
      open: [{ studio: 'video', errorKey: 'code:model_timeout', error: 'model_timeout', since: T - 9 * MIN, lastFailureAt: T - MIN, accounts: 6 }],
      grow: [],
      quiet: [],
    });
  });

  it('opens none for five accounts with five different errors, or four accounts, or failures older than the window', () => {
    const five = [1, 2, 3, 4, 5].map((a) => run(a, 1, { code: `err_${a}`, message: 'x' }));
    expect(detectIncidents(five, [], settings, T).open).toEqual([]);
    const four = [1, 2, 3, 4].map((a) => run(a, 1, { code: 'same', message: 'x' }));
    expect(detectIncidents(four, [], settings, T).open).toEqual([]);
    const spread = [1, 2, 3, 4, 5].map((a) => run(a, a * 5, { code: 'same', message: 'x' }));
    expect(detectIncidents(spread, [], settings, T).open).toEqual([]);
  });

  it('matches messages without a code once ids and numbers are taken out', () => {
    expect(normaliseMessage('Render failed for job 8f3a9c2d1e (after 30s).')).toBe(normaliseMessage('render FAILED for job 77aa01bb92 (after 45s)'));
    expect(errorKey({ message: 'Out of memory on node gpu-17' })).toBe(errorKey({ code: null, message: 'Out of memory on node gpu-4' }));
    expect(errorKey({ code: 'Model_Timeout', message: 'a' })).toBe(errorKey({ code: 'model_timeout', message: 'b' }));
    const failures = [1, 2, 3, 4, 5].map((a) => run(a, 1, { message: `Render failed for job ${a}${a}f3a9c2d1e after ${a * 7}s` }));
    expect(detectIncidents(failures, [], settings, T).open).toHaveLength(1);
  });

  it('grows an open incident with the accounts failed since it began, and resolves it after the quiet time', () => {
    const timeout = { code: 'model_timeout', message: 'm' };
    const failures = [1, 2, 3, 4, 5, 6, 7].map((a) => run(a, 19 - a, timeout));
    expect(detectIncidents(failures, [openIncident()], settings, T)).toEqual({ open: [], grow: [{ id: 'INC-1', accounts: 7, lastFailureAt: T - 10 * MIN }], quiet: [] });
    expect(detectIncidents([], [openIncident({ lastFailureAt: T - 31 * MIN })], settings, T).quiet).toEqual(['INC-1']);
    expect(detectIncidents([], [openIncident({ lastFailureAt: T - 29 * MIN })], settings, T).quiet).toEqual([]);
  });
});
