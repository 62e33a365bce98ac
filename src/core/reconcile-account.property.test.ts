import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generationStatuses, studios, type Generation, type LedgerEntry } from './platform-types.ts';
import {
  ATTRIBUTION_WINDOW_MS,
  isStuck,
  reconcileAccount,
  type ReconcileInput,
  type ReconciliationResult,
} from './reconcile-account.ts';

// ---------------------------------------------------------------------------------------------
// Arbitraries. Times sit on a minute grid (plus, now and then, a stray millisecond) within a few
// hours, so that unlinked spends often fall within 10 minutes of several runs, sometimes at exactly
// equal distances (ties), and runs straddle the window edges and the stuck limits.
// ---------------------------------------------------------------------------------------------

const T0 = Date.parse('2026-11-20T00:00:00Z');
const MIN = 60_000;
const ACCOUNTS = ['acc_0', 'acc_1', 'acc_2'] as const;
const TARGET = 'acc_0';
const NUM_RUNS = 200;

const minuteTime = (lo: number, hi: number) =>
  fc
    .tuple(fc.integer({ min: lo, max: hi }), fc.constantFrom(0, 0, 0, 0, 0, 1, 30_000))
    .map(([minutes, ms]) => T0 + minutes * MIN + ms);

const rawGeneration = fc.record({
  account: fc.nat(),
  studio: fc.constantFrom(...studios),
  status: fc.constantFrom(...generationStatuses),
  resolution: fc.constantFrom(undefined, undefined, '1080p', '1024x1024', '4k', '2160p', '2048x1152'),
  createdAt: minuteTime(-30, 300),
  /** Minutes from createdAt to finishedAt, for runs that ended. */
  duration: fc.integer({ min: 0, max: 30 }),
  withError: fc.boolean(),
});

const ledgerKinds = ['linkedSpend', 'unlinkedSpend', 'unlinkedSpend', 'refundByRun', 'refundOf', 'refundBoth', 'purchase', 'grant', 'adjustment'] as const;
const rawEntry = fc.record({
  account: fc.nat(),
  kind: fc.constantFrom(...ledgerKinds),
  ref: fc.nat(),
  amount: fc.integer({ min: 1, max: 100 }),
  createdAt: minuteTime(-40, 420),
});

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;
type RawGeneration = ValueOf<typeof rawGeneration>;
type RawEntry = ValueOf<typeof rawEntry>;

interface Scenario {
  accounts: string[];
  input: ReconcileInput;
}

function build(
  accountCount: number,
  raws: RawGeneration[],
  rawLedger: RawEntry[],
  window: { from: number; to: number },
  now: number,
  stuckLimits: ReconcileInput['stuckLimits'],
): Scenario {
  const accounts = ACCOUNTS.slice(0, accountCount);
  const accountOf = (n: number) => accounts[n % accounts.length] as string;

  const generations: Generation[] = raws.map((r, i) => {
    const ended = r.status === 'completed' || r.status === 'failed' || r.status === 'canceled';
    return {
      id: `gen_${i}`,
      accountId: accountOf(r.account),
      studio: r.studio,
      prompt: `prompt ${i}`,
      settings: r.resolution ? { resolution: r.resolution } : {},
      status: r.status,
      error: r.status === 'failed' && r.withError ? { code: 'model_timeout', message: 'timed out' } : null,
      createdAt: new Date(r.createdAt).toISOString(),
      finishedAt: ended ? new Date(r.createdAt + r.duration * MIN).toISOString() : null,
    };
  });
  const gensOf = (account: string) => generations.filter((g) => g.accountId === account);

  // Spends first, so that refunds can name them; references always stay within the account.
  const ledger: LedgerEntry[] = [];
  const spendsOf = new Map<string, LedgerEntry[]>();
  rawLedger.forEach((r, i) => {
    const accountId = accountOf(r.account);
    const createdAt = new Date(r.createdAt).toISOString();
    const id = `led_${i}`;
    const own = gensOf(accountId);
    if (r.kind === 'linkedSpend' || r.kind === 'unlinkedSpend') {
      const target = r.kind === 'linkedSpend' && own.length > 0 ? own[r.ref % own.length] : undefined;
      const entry: LedgerEntry = { id, accountId, type: 'spend', amount: -r.amount, createdAt, ...(target ? { generationId: target.id } : {}) };
      ledger.push(entry);
      spendsOf.set(accountId, [...(spendsOf.get(accountId) ?? []), entry]);
    }
  });
  rawLedger.forEach((r, i) => {
    const accountId = accountOf(r.account);
    const createdAt = new Date(r.createdAt).toISOString();
    const id = `led_${i}`;
    const own = gensOf(accountId);
    const ownSpends = spendsOf.get(accountId) ?? [];
    const aRun = own.length > 0 ? own[r.ref % own.length] : undefined;
    const aSpend = ownSpends.length > 0 ? ownSpends[r.ref % ownSpends.length] : undefined;
    switch (r.kind) {
      case 'refundByRun':
        ledger.push({ id, accountId, type: 'refund', amount: r.amount, createdAt, ...(aRun ? { generationId: aRun.id } : {}) });
        break;
      case 'refundOf':
        ledger.push({ id, accountId, type: 'refund', amount: r.amount, createdAt, ...(aSpend ? { refundOf: aSpend.id } : {}) });
        break;
      case 'refundBoth': {
        const generationId = aSpend?.generationId ?? aRun?.id;
        ledger.push({
          id,
          accountId,
          type: 'refund',
          amount: r.amount,
          createdAt,
          ...(generationId ? { generationId } : {}),
          ...(aSpend ? { refundOf: aSpend.id } : {}),
        });
        break;
      }
      case 'purchase':
      case 'grant':
        ledger.push({ id, accountId, type: r.kind, amount: r.amount, createdAt });
        break;
      case 'adjustment':
        ledger.push({ id, accountId, type: 'adjustment', amount: r.ref % 2 === 0 ? r.amount : -r.amount, createdAt });
        break;
      default:
        break; // spends were added above
    }
  });

  const balance = ledger.filter((e) => e.accountId === TARGET).reduce((sum, e) => sum + e.amount, 0);
  return {
    accounts,
    input: { account: { id: TARGET, email: 'target@example.com' }, generations, ledger, balance, window, now, ...(stuckLimits ? { stuckLimits } : {}) },
  };
}

const scenario: fc.Arbitrary<Scenario> = fc
  .tuple(
    fc.integer({ min: 1, max: 3 }),
    fc.array(rawGeneration, { maxLength: 14 }),
    fc.array(rawEntry, { maxLength: 24 }),
    minuteTime(-10, 60),
    minuteTime(120, 300),
    minuteTime(60, 480),
    fc.option(
      fc.record({
        image: fc.integer({ min: 1, max: 30 }),
        music: fc.integer({ min: 1, max: 30 }),
        storyboard: fc.integer({ min: 1, max: 60 }),
        video: fc.integer({ min: 1, max: 120 }),
      }),
      { nil: undefined, freq: 4 },
    ),
  )
  .map(([count, gens, entries, from, to, now, limits]) => build(count, gens, entries, { from, to }, now, limits));

/** A scenario together with both of its input arrays in another order. */
const scenarioAndShuffle = scenario.chain((s) =>
  fc.tuple(
    fc.constant(s),
    fc.shuffledSubarray([...s.input.generations], { minLength: s.input.generations.length }),
    fc.shuffledSubarray([...s.input.ledger], { minLength: s.input.ledger.length }),
  ),
);

const options = { numRuns: NUM_RUNS, ...(process.env.FC_SEED && { seed: Number(process.env.FC_SEED) }) };

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

const ms = (iso: string) => Date.parse(iso);
const pending = (r: { status: string; stuck: boolean }) => (r.status === 'queued' || r.status === 'processing') && !r.stuck;

// ---------------------------------------------------------------------------------------------

describe('reconcileAccount properties', () => {
  it('outstanding ≥ 0 and = max(0, charged − refunded); charged and refunded add up the listed entries', () => {
    fc.assert(
      fc.property(scenario, ({ input }) => {
        const result = reconcileAccount(input);
        const byId = new Map(input.ledger.map((e) => [e.id, e]));
        for (const run of result.runs) {
          expect(run.outstanding).toBeGreaterThanOrEqual(0);
          expect(run.outstanding).toBe(Math.max(0, run.charged - run.refunded));
          expect(run.charged).toBe(run.spendIds.reduce((sum, id) => sum - (byId.get(id)?.amount ?? Number.NaN), 0));
          expect(run.refunded).toBe(run.refundIds.reduce((sum, id) => sum + (byId.get(id)?.amount ?? Number.NaN), 0));
          expect(new Set(run.refundIds).size).toBe(run.refundIds.length);
          for (const id of run.spendIds) expect(byId.get(id)?.type).toBe('spend');
          for (const id of run.refundIds) expect(byId.get(id)?.type).toBe('refund');
          for (const id of [...run.spendIds, ...run.refundIds]) expect(ms(byId.get(id)?.createdAt ?? '')).toBeLessThanOrEqual(input.now);
        }
      }),
      options,
    );
  });

  it('every spend is charged to at most one run, and never both to a run and in otherSpends', () => {
    fc.assert(
      fc.property(scenario, ({ input }) => {
        const result = reconcileAccount(input);
        const onRuns = result.runs.flatMap((r) => r.spendIds);
        const others = result.otherSpends.map((s) => s.ledgerId);
        expect(new Set(onRuns).size).toBe(onRuns.length);
        expect(new Set(others).size).toBe(others.length);
        const onRunSet = new Set(onRuns);
        for (const id of others) expect(onRunSet.has(id)).toBe(false);
      }),
      options,
    );
  });

  it("another account's ids never appear anywhere in the result", () => {
    fc.assert(
      fc.property(scenario, ({ input }) => {
        const foreign = new Set([
          ...input.generations.filter((g) => g.accountId !== TARGET).map((g) => g.id),
          ...input.ledger.filter((e) => e.accountId !== TARGET).map((e) => e.id),
          ...ACCOUNTS.filter((a) => a !== TARGET),
        ]);
        for (const s of strings(reconcileAccount(input))) expect(foreign.has(s)).toBe(false);
      }),
      options,
    );
  });

  it('the result does not depend on the order of the input arrays', () => {
    fc.assert(
      fc.property(scenarioAndShuffle, ([{ input }, generations, ledger]) => {
        expect(reconcileAccount({ ...input, generations, ledger })).toEqual(reconcileAccount(input));
      }),
      options,
    );
  });

  it('verdicts are consistent: refund_due ⇔ outstanding > 0 and not in progress; not_charged ⇒ charged = 0', () => {
    fc.assert(
      fc.property(scenario, ({ input }) => {
        const result = reconcileAccount(input);
        const gens = new Map(input.generations.map((g) => [g.id, g]));
        for (const run of result.runs) {
          const g = gens.get(run.generationId) as Generation;
          expect(run.stuck).toBe(isStuck(g, input.now, input.stuckLimits));
          expect(run.verdict === 'in_progress').toBe(pending(run));
          expect(run.verdict === 'refund_due').toBe(run.outstanding > 0 && !pending(run));
          if (run.verdict === 'not_charged') expect(run.charged).toBe(0);
          if (run.verdict === 'refunded') expect(run.charged > 0 && run.outstanding === 0).toBe(true);
          if (!pending(run) && run.charged === 0) expect(run.verdict).toBe('not_charged');
          expect(run.chargeEvidence === 'none').toBe(run.spendIds.length === 0);
        }
      }),
      options,
    );
  });

  it('totals: refundDue = sum of refund_due outstanding, failedRuns and stuckRuns count the runs', () => {
    fc.assert(
      fc.property(scenario, ({ input }) => {
        const result = reconcileAccount(input);
        const refundDue = result.runs.filter((r) => r.verdict === 'refund_due').reduce((sum, r) => sum + r.outstanding, 0);
        expect(result.totals).toEqual({
          refundDue,
          failedRuns: result.runs.filter((r) => r.status === 'failed').length,
          stuckRuns: result.runs.filter((r) => r.stuck).length,
        });
        expect(result.balance).toBe(input.balance);
      }),
      options,
    );
  });

  it('runs are exactly the non-completed runs of the account created in the window, newest first', () => {
    fc.assert(
      fc.property(scenario, ({ input }) => {
        const result = reconcileAccount(input);
        const expected = input.generations
          .filter((g) => g.accountId === TARGET && g.status !== 'completed')
          .filter((g) => ms(g.createdAt) >= input.window.from && ms(g.createdAt) <= input.window.to)
          .map((g) => g.id)
          .sort();
        expect(result.runs.map((r) => r.generationId).sort()).toEqual(expected);
        for (let i = 1; i < result.runs.length; i++) {
          expect(ms((result.runs[i - 1] as { createdAt: string }).createdAt)).toBeGreaterThanOrEqual(ms((result.runs[i] as { createdAt: string }).createdAt));
        }
      }),
      options,
    );
  });

  it('every spend of the account lands where reconciliation.md says (independent model of attribution)', () => {
    fc.assert(
      fc.property(scenario, ({ input }) => {
        const result = reconcileAccount(input);
        const { window, now } = input;
        const gens = input.generations.filter((g) => g.accountId === TARGET);
        const spends = input.ledger.filter((e) => e.accountId === TARGET && e.type === 'spend' && ms(e.createdAt) <= now);
        const linked = new Set(spends.map((s) => s.generationId).filter((id): id is string => !!id));
        const examined = new Set(result.runs.map((r) => r.generationId));
        const runWith = (id: string) => result.runs.find((r) => r.spendIds.includes(id));
        const otherWith = (id: string) => result.otherSpends.find((o) => o.ledgerId === id);

        for (const s of spends) {
          // Which run is the spend charged to? Linked: exactly its run. Unlinked: the closest
          // candidate within 10 minutes; a tie goes to the completed run, then to the smaller id.
          let allowed: (string | null)[];
          if (s.generationId) allowed = [s.generationId];
          else {
            const t = ms(s.createdAt);
            const candidates = gens
              .filter((g) => !linked.has(g.id))
              .map((g) => ({ g, d: Math.abs(ms(g.finishedAt ?? g.createdAt) - t) }))
              .filter((c) => c.d <= ATTRIBUTION_WINDOW_MS);
            const best = Math.min(...candidates.map((c) => c.d));
            const closest = candidates.filter((c) => c.d === best);
            const completed = closest.filter((c) => c.g.status === 'completed');
            const ids = (completed.length > 0 ? completed : closest).map((c) => c.g.id).sort();
            allowed = [ids[0] ?? null];
          }
          const run = runWith(s.id);
          const other = otherWith(s.id);
          const inWindow = ms(s.createdAt) >= window.from && ms(s.createdAt) <= window.to;
          if (run) {
            expect(allowed).toContain(run.generationId);
            expect(run.chargeEvidence).toBe(s.generationId ? 'linked' : 'inferred');
          } else {
            expect(allowed.some((id) => id !== null && examined.has(id))).toBe(false);
            if (inWindow) {
              expect(other).toBeDefined();
              expect(allowed).toContain(other?.generationId ?? null);
              const g = gens.find((x) => x.id === other?.generationId);
              expect(other?.studio ?? null).toBe(g?.studio ?? null);
              expect(other?.amount).toBe(s.amount);
            } else expect(other).toBeUndefined();
          }
        }
        // Nothing else shows up: only the account's spends up to now.
        const known = new Set(spends.map((s) => s.id));
        for (const id of [...result.runs.flatMap((r) => r.spendIds), ...result.otherSpends.map((o) => o.ledgerId)]) expect(known.has(id)).toBe(true);
      }),
      options,
    );
  });

  it('refunds count exactly when they name the run or a spend charged to it (and only up to now)', () => {
    fc.assert(
      fc.property(scenario, ({ input }) => {
        const result = reconcileAccount(input);
        const refunds = input.ledger.filter((e) => e.accountId === TARGET && e.type === 'refund' && ms(e.createdAt) <= input.now);
        for (const run of result.runs) {
          const expected = refunds
            .filter((r) => r.generationId === run.generationId || (!!r.refundOf && run.spendIds.includes(r.refundOf)))
            .map((r) => r.id)
            .sort();
          expect([...run.refundIds].sort()).toEqual(expected);
        }
      }),
      options,
    );
  });

  it('the generators do produce the interesting cases (ties, attribution, every verdict)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(scenario, ({ input }) => {
        const result = reconcileAccount(input);
        for (const r of result.runs) {
          seen.add(r.verdict);
          seen.add(`evidence:${r.chargeEvidence}`);
          if (r.stuck) seen.add('stuck');
        }
        if (result.otherSpends.some((o) => o.generationId !== null)) seen.add('otherSpend:run');
        if (result.otherSpends.some((o) => o.generationId === null)) seen.add('otherSpend:none');
        // An unlinked spend of the target at exactly equal distance from two runs.
        const gens = input.generations.filter((g) => g.accountId === TARGET);
        for (const s of input.ledger) {
          if (s.accountId !== TARGET || s.type !== 'spend' || s.generationId) continue;
          const ds = gens.map((g) => Math.abs(ms(g.finishedAt ?? g.createdAt) - ms(s.createdAt))).filter((d) => d <= ATTRIBUTION_WINDOW_MS);
          if (new Set(ds).size < ds.length) seen.add('tie');
        }
      }),
      { numRuns: NUM_RUNS, seed: 42 },
    );
    for (const k of ['refund_due', 'refunded', 'not_charged', 'in_progress', 'evidence:linked', 'evidence:inferred', 'evidence:none', 'stuck', 'otherSpend:run', 'otherSpend:none', 'tie']) {
      expect(seen, k).toContain(k);
    }
  });
});
