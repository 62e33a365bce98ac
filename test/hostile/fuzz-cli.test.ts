import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { seedDemoIfEmpty } from '../../adapters/db/seed-demo.ts';
import { openNodeDesk } from '../../adapters/node/node-desk.ts';
import { type CliRun, STACK_LINE, USAGE_LINE, cliInProcess, cliProcess, killCliProcesses } from './cli-harness.ts';
import { snapshotStore, storeChanges } from './store-snapshot.ts';

/*
 * The CLI under fuzzing (fast-check): arbitrary arguments, and import files of every wrong shape.
 * The CLI has an in-process entry (`runCli` of adapters/node/cli/main.ts), so the many runs go through it;
 * a handful of cases start the real process (`tsx adapters/node/cli/main.ts`, as `npm run cli` does).
 * Every run ends with exit 0, 1 (the command failed, with a message: for an import file, the record
 * and the field) or 2 (bad arguments, with the usage) — never a throw or a stack trace — and the
 * database (every row of every table, read from the file) is as it was.
 */

const RUNS = { garbageArgv: 200, argv: 120, jsonFiles: 100, mutatedFiles: 150 };
const fixture = (path: string) => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));
const COMMANDS = ['import', 'reconcile', 'packet', 'email', 'backup'];

let dir: string;
let db: string;
let files = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hostile-cli-'));
  db = join(dir, 'support.db');
  const deps = openNodeDesk(loadConfig({ SUPPORT_DB_PATH: db }));
  await seedDemoIfEmpty(deps.sqlite, Date.now());
  deps.close();
});
afterEach(() => killCliProcesses());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = () => ({ SUPPORT_DB_PATH: db });

/** A file in the test's folder with these contents. */
function file(contents: string | Uint8Array, name = `f${++files}`): string {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

/** What every run must be, whatever it was given. */
function expectClearEnd(run: CliRun, what: string) {
  expect([0, 1, 2], `${what}: ${JSON.stringify(run)}`).toContain(run.code);
  expect(run.out + run.err, what).not.toMatch(STACK_LINE);
  if (run.code === 2) {
    expect(run.err, what).toContain(USAGE_LINE);
    expect(run.out).toBe('');
  }
  if (run.code === 1) {
    expect(run.err.trim().length, what).toBeGreaterThan(0);
    expect(run.err).not.toContain(USAGE_LINE);
    expect(run.out).toBe('');
  }
}

describe('CLI arguments under fuzzing', () => {
  it(`answers arguments that name no command with exit 2 and the usage (${RUNS.garbageArgv} runs)`, async () => {
    const token = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom('--json', '--email', '--now', '--since', '--until', '-x', '--', '-', '--bogus', '--email=', '--json=1', '--now=2026-13-01', '-hx', '-jh', '--HELP', 'IMPORT', 'help', '\u0000', '-', '--=', '---'),
    );
    const argv = fc.array(token, { maxLength: 8 }).filter((args) => !args.some((a) => COMMANDS.includes(a) || a === '-h' || a === '--help' || a.startsWith('--db')));
    const before = snapshotStore(db);
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        const run = await cliInProcess(args, env());
        expect(run.code, JSON.stringify(args)).toBe(2);
        expectClearEnd(run, JSON.stringify(args));
      }),
      { numRuns: RUNS.garbageArgv },
    );
    expect(storeChanges(before, snapshotStore(db))).toEqual([]);
  });

  it(`ends every mix of commands, options and values with 0, 1 or 2, a message, and the store unchanged (${RUNS.argv} runs)`, async () => {
    const anyBytes = file(new Uint8Array([0xff, 0xfe, 0x00, 0x41, 0x0d, 0x0a, 0x80]), 'bytes.bin');
    mkdirSync(join(dir, 'folder'), { recursive: true });
    const email = fc.constantFrom('maya@example.com', 'MAYA@EXAMPLE.COM', 'nobody@example.com', '', 'maya@example.com%', '%', "' OR 1=1 --", 'acc_maya', 'maya@example.com\u0000');
    const time = fc.constantFrom('2026-11-24', '2026-11-24T10:00:00Z', '2026-11-24T10:00:00', '2026-02-31', '2026-11-24T10:00:00+99:99', '0000-01-01', '9999-12-31T23:59:59Z', 'yesterday', '1e12', '');
    const path = fc.constantFrom(
      fixture('eml/plain-report.eml'),
      fixture('eml/broken-mime.eml'),
      fixture('eml/no-from.eml'),
      fixture('platform-import-bad-spend.json'),
      fixture('platform-import-unknown-account.json'),
      join(dir, 'no-such-file.json'),
      join(dir, 'folder'),
      anyBytes,
      '',
    );
    const options = fc.array(
      fc.oneof(
        time.chain((t) => fc.constantFrom(['--since', t], ['--until', t], ['--now', t], [`--now=${t}`])),
        fc.constant(['--json']),
      ),
      { maxLength: 3 },
    );
    // Commands as a user would type them, then mangled: tokens dropped, doubled, swapped or stray ones added.
    const command = fc.oneof(
      path.map((p) => ['import', p]),
      fc.tuple(email, options).map(([e, o]) => ['reconcile', '--email', e, ...o.flat()]),
      fc.tuple(email, options).map(([e, o]) => ['packet', '--email', e, ...o.flat()]),
      fc.tuple(path, options).map(([p, o]) => ['email', 'parse', p, ...o.flat()]),
    );
    const stray = fc.oneof(fc.constantFrom('--bogus', '--', '-h', '--json', '--email', 'parse', 'import', '-x', '--now'), fc.string({ maxLength: 12 }).filter((x) => !x.startsWith('--db') && !x.startsWith('/')));
    const mangled = fc
      .tuple(command, fc.array(fc.tuple(fc.constantFrom('drop', 'double', 'swap', 'insert'), fc.nat(), stray), { maxLength: 3 }))
      .map(([args, edits]) => {
        const out = [...args];
        for (const [edit, at, token] of edits) {
          const i = at % (out.length + 1);
          if (edit === 'drop') out.splice(i, 1);
          else if (edit === 'double' && i < out.length) out.splice(i, 0, out[i] as string);
          else if (edit === 'swap' && i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1] as string, out[i] as string];
          else if (edit === 'insert') out.splice(i, 0, token);
        }
        return out;
      });
    const outcomes = new Set<number>();
    await fc.assert(
      fc.asyncProperty(mangled, async (args) => {
        const before = snapshotStore(db);
        const run = await cliInProcess(args, env());
        outcomes.add(run.code);
        expectClearEnd(run, JSON.stringify(args));
        expect(storeChanges(before, snapshotStore(db)), JSON.stringify(args)).toEqual([]);
      }),
      { numRuns: RUNS.argv },
    );
    // The mix reached every ending: done, failed, and bad arguments.
    expect([...outcomes].sort()).toEqual([0, 1, 2]);
  });

  it('names a --db that is no database, a folder or under a file: exit 1, and the file is left as it was', async () => {
    const notADatabase = file('just text, not SQLite', 'text.db');
    mkdirSync(join(dir, 'folder'), { recursive: true });
    for (const target of [notADatabase, join(dir, 'folder'), join(notADatabase, 'under-a-file.db')]) {
      for (const args of [['reconcile', '--email', 'maya@example.com'], ['packet', '--email', 'maya@example.com'], ['import', fixture('platform-import.json')], ['backup', join(dir, 'never.db')]]) {
        const run = await cliInProcess([...args, '--db', target], {});
        expect(run.code, `${args[0]} --db ${target}`).toBe(1);
        expectClearEnd(run, target);
        expect(run.err).toContain(`the database ${target} cannot be opened`);
      }
    }
    expect(readFileSync(notADatabase, 'utf8')).toBe('just text, not SQLite');
  });

  it('refuses a backup over an existing file, into a folder or a missing folder: exit 1, nothing overwritten, the store unchanged', async () => {
    const before = snapshotStore(db);
    const existing = file('precious', 'existing.db');
    for (const target of [existing, join(dir, 'folder'), join(dir, 'missing', 'folder', 'b.db'), join(existing, 'inside.db')]) {
      mkdirSync(join(dir, 'folder'), { recursive: true });
      const run = await cliInProcess(['backup', target], env());
      expect(run.code, target).toBe(1);
      expectClearEnd(run, target);
    }
    expect(readFileSync(existing, 'utf8')).toBe('precious');
    expect((await cliInProcess(['backup', 'a.db', 'b.db'], env())).code).toBe(2);
    expect(storeChanges(before, snapshotStore(db))).toEqual([]);
  });
});

describe('import files under fuzzing', () => {
  /** A valid file of new records (an account of its own, its runs and ledger), which the mutations break. */
  const validFile = () => ({
    accounts: [
      { id: 'acc_fz', email: 'fz@example.net', name: 'Fuzz', timezone: 'Europe/Oslo' },
      { id: 'acc_fy', email: 'fy@example.net', name: null },
    ],
    generations: [
      { id: 'gen_fz1', accountId: 'acc_fz', studio: 'video', prompt: 'a fjord', settings: { resolution: '4k' }, status: 'failed', error: { code: 'x', message: 'failed' }, createdAt: '2026-11-21T09:00:00+01:00', finishedAt: '2026-11-21T09:05:00+01:00' },
      { id: 'gen_fz2', accountId: 'acc_fz', studio: 'music', prompt: 'a loop', settings: {}, status: 'completed', createdAt: '2026-11-21T10:00:00Z', libraryItemId: 'lib_fz' },
    ],
    ledger: [
      { id: 'led_fz1', accountId: 'acc_fz', type: 'purchase', amount: 100, createdAt: '2026-11-20T09:00:00Z' },
      { id: 'led_fz2', accountId: 'acc_fz', type: 'spend', amount: -40, generationId: 'gen_fz1', createdAt: '2026-11-21T09:05:00+01:00' },
      { id: 'led_fz3', accountId: 'acc_fz', type: 'refund', amount: 40, generationId: 'gen_fz1', refundOf: 'led_fz2', createdAt: '2026-11-21T12:00:00Z' },
    ],
  });
  type Collection = 'accounts' | 'generations' | 'ledger';

  /** Values each field can never take (per platform-data.md's schemas). */
  const wrong: Record<Collection, Record<string, unknown[]>> = {
    accounts: {
      id: ['', 5, null, [], {}],
      email: ['not-an-email', '', 5, null, 'fz@', '@example.net', 'fz example.net'],
      name: [5, [], {}, true],
      timezone: ['', 5, []],
    },
    generations: {
      id: ['', 5, null],
      accountId: ['', 5, null],
      studio: ['painting', '', 5, null, 'VIDEO'],
      prompt: [5, null, [], {}],
      settings: ['4k', 5, [], { resolution: 5 }, { referenceImages: -1 }, { referenceImages: 1.5 }, { durationSeconds: -3 }],
      status: ['exploded', '', 5, null, 'FAILED'],
      error: ['failed', 5, {}, { message: 5 }, { code: 5, message: 'm' }],
      createdAt: ['yesterday', '', 5, null, '2026-11-21 09:00', '2026-11-21T09:00:00', '21/11/2026'],
      finishedAt: ['soon', 5, '', '2026-11-21'],
      libraryItemId: [5, [], {}],
    },
    ledger: {
      id: ['', 5, null],
      accountId: ['', 5, null],
      type: ['gift', '', 5, null, 'SPEND'],
      amount: [1.5, '10', null, 9_007_199_254_740_992, -9_007_199_254_740_992, true],
      generationId: [5, [], {}],
      refundOf: [5, {}],
      createdAt: ['yesterday', '', 5, null, '2026-11-20'],
      description: [5, [], {}],
    },
  };
  const required: Record<Collection, string[]> = {
    accounts: ['id', 'email'],
    generations: ['id', 'accountId', 'studio', 'prompt', 'status', 'createdAt'],
    ledger: ['id', 'accountId', 'type', 'amount', 'createdAt'],
  };

  type Mutation = { file: unknown; collection: Collection; index: number; field: string; what: string };

  /** One definite fault put into a valid file, and where the message must point. */
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    // A field given a value it can never take.
    fc
      .constantFrom(...(Object.keys(wrong) as Collection[]))
      .chain((collection) => fc.tuple(fc.constant(collection), fc.constantFrom(...Object.keys(wrong[collection])), fc.nat()))
      .chain(([collection, field, i]) =>
        fc.constantFrom(...(wrong[collection][field] ?? [])).map((value) => {
          const f = validFile();
          const records = f[collection] as Record<string, unknown>[];
          const index = i % records.length;
          (records[index] as Record<string, unknown>)[field] = value;
          return { file: f, collection, index, field, what: `${collection}[${index}].${field} = ${JSON.stringify(value)}` };
        }),
      ),
    // A required field left out.
    fc
      .constantFrom(...(Object.keys(required) as Collection[]))
      .chain((collection) => fc.tuple(fc.constant(collection), fc.constantFrom(...required[collection]), fc.nat()))
      .map(([collection, field, i]) => {
        const f = validFile();
        const records = f[collection] as Record<string, unknown>[];
        const index = i % records.length;
        delete (records[index] as Record<string, unknown>)[field];
        return { file: f, collection, index, field, what: `${collection}[${index}] without ${field}` };
      }),
    // A record that is no record at all.
    fc.tuple(fc.constantFrom<Collection>('accounts', 'generations', 'ledger'), fc.nat(), fc.constantFrom(null, 5, 'x', [], true)).map(([collection, i, value]) => {
      const f = validFile();
      const records = f[collection] as unknown[];
      const index = i % records.length;
      records[index] = value;
      return { file: f, collection, index, field: '(record)', what: `${collection}[${index}] = ${JSON.stringify(value)}` };
    }),
    // The same id twice in a collection: the second would overwrite the first.
    fc.constantFrom<Collection>('accounts', 'generations', 'ledger').map((collection) => {
      const f = validFile();
      const records = f[collection] as { id: string }[];
      (records[1] as { id: string }).id = (records[0] as { id: string }).id;
      return { file: f, collection, index: 1, field: 'id', what: `${collection}[1] with the id of ${collection}[0]` };
    }),
    // A run or an entry of an account that is nowhere; an email another account has; a spend with the wrong sign.
    fc.constantFrom<Collection>('generations', 'ledger').map((collection) => {
      const f = validFile();
      ((f[collection] as { accountId: string }[])[1] as { accountId: string }).accountId = 'acc_nowhere';
      return { file: f, collection, index: 1, field: 'accountId', what: `${collection}[1] of an unknown account` };
    }),
    fc.constantFrom('maya@example.com', 'MAYA@example.com', 'fy@example.net').map((email) => {
      const f = validFile();
      (f.accounts[0] as { email: string }).email = email;
      return { file: f, collection: 'accounts' as const, index: email.startsWith('fy') ? 1 : 0, field: 'email', what: `accounts[0].email = ${email} (taken)` };
    }),
    fc.integer({ min: 0, max: 1_000 }).map((amount) => {
      const f = validFile();
      (f.ledger[1] as { amount: number }).amount = amount;
      return { file: f, collection: 'ledger' as const, index: 1, field: 'amount', what: `a spend of +${amount}` };
    }),
    // Amounts past exact arithmetic once added up (each one is a safe integer).
    fc.constant(null).map(() => {
      const f = validFile();
      (f.ledger[0] as { amount: number }).amount = Number.MAX_SAFE_INTEGER;
      (f.ledger[2] as { amount: number }).amount = 1;
      return { file: f, collection: 'ledger' as const, index: 1, field: 'amount', what: 'amounts adding up past 2^53' };
    }),
  );

  it('rejects an id given twice in a collection, and amounts that add up past exact arithmetic, naming record and field (these were imported before)', async () => {
    const before = snapshotStore(db);
    const cases: [string, unknown, string][] = [
      ['the same account twice', { accounts: [{ id: 'acc_d', email: 'd@example.net' }, { id: 'acc_d', email: 'd@example.net' }] }, 'accounts[1] id "acc_d": field "id": the same id as accounts[0]'],
      ['one id, two emails', { accounts: [{ id: 'acc_d', email: 'd@example.net' }, { id: 'acc_d', email: 'e@example.net' }] }, 'accounts[1] id "acc_d": field "id"'],
      [
        'one run id, two prompts',
        { accounts: [{ id: 'acc_d', email: 'd@example.net' }], generations: [0, 1].map((i) => ({ id: 'gen_d', accountId: 'acc_d', studio: 'image', prompt: `p${i}`, status: 'failed', createdAt: '2026-11-21T09:00:00Z' })) },
        'generations[1] id "gen_d": field "id"',
      ],
      [
        'two purchases of 2^53 - 1 credits',
        { accounts: [{ id: 'acc_d', email: 'd@example.net' }], ledger: [0, 1].map((i) => ({ id: `led_d${i}`, accountId: 'acc_d', type: 'purchase', amount: Number.MAX_SAFE_INTEGER, createdAt: '2026-11-21T09:00:00Z' })) },
        'ledger[1] id "led_d1": field "amount": the amounts of account "acc_d" in this file add up to more than 9007199254740991 credits',
      ],
      [
        '1100 grants that would overflow SQLite\'s sum',
        { accounts: [{ id: 'acc_d', email: 'd@example.net' }], ledger: Array.from({ length: 1100 }, (_, i) => ({ id: `led_g${i}`, accountId: 'acc_d', type: 'grant', amount: Number.MAX_SAFE_INTEGER, createdAt: '2026-11-21T09:00:00Z' })) },
        'ledger[1] id "led_g1": field "amount"',
      ],
    ];
    for (const [what, contents, message] of cases) {
      const run = await cliInProcess(['import', file(JSON.stringify(contents))], env());
      expect(run, what).toMatchObject({ code: 1, out: '' });
      expect(run.err, what).toContain(message);
    }
    expect(storeChanges(before, snapshotStore(db))).toEqual([]);
  });

  it(`rejects every broken file naming the record and the field, exit 1, and writes nothing (${RUNS.mutatedFiles} runs)`, async () => {
    // The unbroken file imports (so each failure below is the mutation's).
    const scratch = join(dir, 'scratch.db');
    expect((await cliInProcess(['import', file(JSON.stringify(validFile()))], { SUPPORT_DB_PATH: scratch })).code).toBe(0);
    rmSync(scratch, { force: true });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ file: contents, collection, index, field, what }) => {
        const before = snapshotStore(db);
        const run = await cliInProcess(['import', file(JSON.stringify(contents))], env());
        expect(run.code, `${what}: ${run.err}`).toBe(1);
        expectClearEnd(run, what);
        expect(run.err, what).toContain(`${collection}[${index}]`);
        expect(run.err, what).toContain(`field "${field}`);
        expect(storeChanges(before, snapshotStore(db)), what).toEqual([]);
      }),
      { numRuns: RUNS.mutatedFiles },
    );
  });

  it(`answers any JSON or text as an import file with exit 1 naming the field or the file (or 0 for an empty file), and writes nothing (${RUNS.jsonFiles} runs)`, async () => {
    const contents = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.record({ accounts: fc.jsonValue({ maxDepth: 2 }), generations: fc.jsonValue({ maxDepth: 2 }), ledger: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.constantFrom('', '\ufeff{}', '{"accounts": [', '{"accounts": [{"id": "acc_maya", "email": "maya@example.com"}]} trailing', '{"__proto__": {"accounts": 5}}', 'NaN', '[]'),
    );
    await fc.assert(
      fc.asyncProperty(contents, async (text) => {
        const before = snapshotStore(db);
        const path = file(text);
        const run = await cliInProcess(['import', path], env());
        expectClearEnd(run, text.slice(0, 200));
        if (run.code === 0) expect(run.out).toBe(`imported 0 accounts, 0 generations, 0 ledger entries into ${db}`);
        else {
          expect(run.code).toBe(1);
          expect(run.err, text.slice(0, 200)).toMatch(new RegExp(`field "|^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
        }
        expect(storeChanges(before, snapshotStore(db)), text.slice(0, 200)).toEqual([]);
      }),
      { numRuns: RUNS.jsonFiles },
    );
  });
});

describe('the CLI as a process, with hostile input', () => {
  it('ends with a message and the right exit code, never a stack trace, and leaves the database and files as they were', async () => {
    const before = snapshotStore(db);
    const notADatabase = file('{"accounts": []}', 'not-a-database.json');
    // Three processes (each is a second or more of start-up): the rest is fuzzed in process above.
    const [garbage, wrongShape, badDb] = await Promise.all([
      cliProcess(['--e\u00e9', 'r\u00e9concile', '-x', '--now=\u00ff']),
      cliProcess(['import', file(JSON.stringify(validBrokenImport()), 'shape.json'), '--db', db]),
      cliProcess(['reconcile', '--email', 'maya@example.com', '--db', notADatabase]),
    ]);
    for (const [what, run] of Object.entries({ garbage, wrongShape, badDb })) expect(run.out + run.err, what).not.toMatch(STACK_LINE);
    expect(garbage).toMatchObject({ code: 2, out: '' });
    expect(garbage.err).toContain(USAGE_LINE);
    expect(wrongShape).toMatchObject({ code: 1, out: '' });
    expect(wrongShape.err).toContain('generations[0] id "gen_fz1": field "status"');
    expect(badDb).toMatchObject({ code: 1, out: '' });
    expect(badDb.err).toContain(`the database ${notADatabase} cannot be opened`);
    expect(readFileSync(notADatabase, 'utf8')).toBe('{"accounts": []}');
    expect(storeChanges(before, snapshotStore(db))).toEqual([]);
  }, 60_000);

  function validBrokenImport() {
    return {
      accounts: [{ id: 'acc_fz', email: 'fz@example.net' }],
      generations: [{ id: 'gen_fz1', accountId: 'acc_fz', studio: 'video', prompt: 'p', status: 5, createdAt: '2026-11-21T09:00:00Z' }],
    };
  }
});
