import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { backupSqlite } from '../../db/backup-sqlite.ts';
import { importPlatformData } from '../../db/import-platform-data.ts';
import { type DeskConfig, loadConfig } from '../../../src/config.ts';
import { SIGN_IN_LINK_TTL_MS, createStaffAuth, randomSecret, sha256Hex } from '../../../src/console/staff-auth.ts';
import { DeskError } from '../../../src/core/errors.ts';
import { newId } from '../../../src/core/ids.ts';
import { reconcileWithPlatform, requireAccount } from '../../../src/core/reconcile-service.ts';
import { EmailRejectedError } from '../../../src/email/email-report.ts';
import { parseEmailReport } from '../../../src/email/parse-email.ts';
import { type NodeDesk, openNodeDesk } from '../node-desk.ts';
import { formatReconciliation } from './format-reconciliation.ts';
import { listPackets } from './list-packets.ts';

const USAGE = `usage: npm run cli -- <command> [options]

commands:
  import FILE [--allow-rewrite]       import platform records (all or nothing); a file that moves a
                                      stored run or ledger entry to another account, or changes an
                                      account's email, is refused unless --allow-rewrite
  reconcile --email E [--since ISO] [--until ISO] [--now ISO] [--json]
  packet --email E [--now ISO] [--json]
                                      a preview: the packet a report from that account would
                                      produce now (nothing is filed)
  packets [--limit N] [--json]        the packets filed, newest first, and where each was sent
  email parse FILE.eml [--json]       what the email intake reads in a message (email-report.md)
  backup FILE                         copy the live database to FILE (online, checked; FILE's folder
                                      must exist); safe while the server runs
  staff add NAME EMAIL [--sql]        add a member of staff to the console at /desk and print their
                                      one-time sign-in link (15 minutes; starts with $PUBLIC_URL);
                                      --sql: write nothing, print the SQL that does it on D1
                                      (wrangler d1 execute) and the link it makes
  staff link EMAIL                    print a new sign-in link for a member of staff
  staff list                          the staff, with their open sessions
  staff remove EMAIL                  remove a member of staff and end their sessions

every command takes --db PATH (default: $SUPPORT_DB_PATH or data/support.db)`;

/** A mistake in how the command was called: exit 2 with the usage. */
class UsageError extends Error {}

/**
 * A date (`2026-11-24`, midnight UTC) or a date-time with its zone (`Z` or an offset). A date-time
 * without a zone is refused: JavaScript would read it in the machine's local zone, and the same
 * command would then answer differently on another machine. Impossible dates (Feb 31) are refused too.
 */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseTime(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = ISO_TIME.exec(value);
  const ms = Date.parse(value);
  if (!m || Number.isNaN(ms)) throw new UsageError(`--${flag}: not an ISO 8601 time: ${value}`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) throw new UsageError(`--${flag}: no such date: ${value}`);
  if (value.includes('T') && m[4] === undefined) {
    throw new UsageError(`--${flag}: give the time zone (Z or an offset such as +01:00): ${value}`);
  }
  return ms;
}

/**
 * The desk over the database at `--db`. A path that is no SQLite database, a folder or cannot be
 * created is named in the message: "file is not a database" alone does not say which file.
 */
function openDeps(config: DeskConfig, options?: Parameters<typeof openNodeDesk>[1]): NodeDesk {
  try {
    return openNodeDesk(config, options);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code !== 'string') throw error;
    throw new DeskError('bad_request', `the database ${config.dbPath} cannot be opened: ${(error as Error).message}`, { cause: error });
  }
}

/** Runs one CLI command; answers the exit code. Output goes through the given writers. */
export async function runCli(
  argv: string[],
  io: { out: (s: string) => void; err: (s: string) => void; env: Record<string, string | undefined> },
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        db: { type: 'string' },
        email: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        now: { type: 'string' },
        json: { type: 'boolean', default: false },
        'allow-rewrite': { type: 'boolean', default: false },
        sql: { type: 'boolean', default: false },
        limit: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  }
  try {
    parsed = parse();
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }

  let deps: NodeDesk | undefined;
  try {
    const config = loadConfig({ ...io.env, ...(values.db !== undefined && { SUPPORT_DB_PATH: values.db }) });
    const now = parseTime('now', values.now) ?? Date.now();
    const needEmail = () => {
      if (!values.email) throw new UsageError(`${command} needs --email`);
      return values.email;
    };
    switch (command) {
      case 'import': {
        const file = rest[0];
        if (!file || rest.length > 1) throw new UsageError('import needs exactly one FILE');
        let data: unknown;
        try {
          // Editors on Windows save "UTF-8" with a byte-order mark, which JSON.parse refuses.
          data = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
        } catch (error) {
          throw new DeskError('invalid_import', `${file}: ${(error as Error).message}`);
        }
        deps = openDeps(config);
        if (!deps.embedded) throw new DeskError('bad_request', 'import writes the embedded store; unset PLATFORM_API_URL');
        const summary = await importPlatformData(deps.sqlite, data, { allowRewrite: values['allow-rewrite'] });
        io.out(`imported ${summary.accounts} accounts, ${summary.generations} generations, ${summary.ledger} ledger entries into ${config.dbPath}`);
        return 0;
      }
      case 'reconcile': {
        const email = needEmail();
        const from = parseTime('since', values.since);
        const to = parseTime('until', values.until);
        deps = openDeps(config, { now: () => now });
        const account = await requireAccount(deps.platform, email);
        const result = await reconcileWithPlatform(deps.platform, account, {
          now,
          ...(from !== undefined && { from }),
          ...(to !== undefined && { to }),
        });
        io.out(values.json ? JSON.stringify(result, null, 2) : formatReconciliation(result));
        return 0;
      }
      case 'packet': {
        const email = needEmail();
        deps = openDeps(config, { now: () => now });
        await requireAccount(deps.platform, email);
        const { packet, created } = await deps.packets.preview({ channel: 'email', accountEmail: email, verified: true });
        if (values.json) io.out(JSON.stringify(packet, null, 2));
        else {
          // Nothing is written: a new packet's ref is made up for this preview and never used again.
          io.out(
            created
              ? `Preview (not filed): new packet ${packet.ref} for ${packet.accountEmail}; a report filed would get its own ref`
              : `Preview (not filed): joins packet ${packet.ref} for ${packet.accountEmail}`,
          );
          io.out(`runs: ${packet.generationIds.join(', ') || '(none)'}   refund due: ${packet.findings?.refundDue ?? 0} credits`);
          io.out(`studio: ${packet.studio ?? '?'}   prompt: ${packet.prompt ?? '?'}   error: ${packet.errorMessage ?? '-'}`);
          io.out(`missing: ${packet.missing.join(', ') || 'nothing'}`);
        }
        return 0;
      }
      case 'email': {
        const [sub, file, ...extra] = rest;
        if (sub !== 'parse' || !file || extra.length > 0) throw new UsageError('email parse needs exactly one FILE.eml');
        let raw: Uint8Array;
        try {
          raw = readFileSync(file);
        } catch (error) {
          throw new DeskError('bad_request', `${file}: ${(error as Error).message}`);
        }
        try {
          const report = await parseEmailReport(raw);
          if (values.json) io.out(JSON.stringify(report, null, 2));
          else for (const [key, value] of Object.entries(report)) io.out(`${key.padEnd(14)} ${typeof value === 'string' ? value : JSON.stringify(value)}`);
          return 0;
        } catch (error) {
          // As the intake files it: a message the parser trips over is unparseable, with the reason why.
          const reason = error instanceof EmailRejectedError ? error.reason : 'unparseable';
          io.err(`rejected (${reason}): ${error instanceof Error ? error.message : String(error)}`);
          return 1;
        }
      }
      case 'backup': {
        const file = rest[0];
        if (!file || rest.length > 1) throw new UsageError('backup needs exactly one FILE');
        deps = openDeps(config);
        // SQLite's own answer for a missing folder is "unable to open database file".
        const folder = dirname(file);
        if (!existsSync(folder)) throw new DeskError('bad_request', `${file}: the folder ${folder} does not exist; create it first (mkdir -p ${folder})`);
        const result = await backupSqlite(deps.sqlite.sqlite, file);
        io.out(`backed up ${config.dbPath} to ${result.path}: ${result.pages} pages, ${result.bytes} bytes, integrity ok`);
        return 0;
      }
      case 'packets': {
        if (rest.length > 0) throw new UsageError('packets takes no FILE');
        const limit = values.limit === undefined ? 20 : Number(values.limit);
        if (!/^\d+$/.test(values.limit ?? '20') || limit < 1) throw new UsageError(`--limit: not a whole number above 0: ${values.limit}`);
        deps = openDeps(config);
        const listed = await listPackets(deps.sqlite, limit);
        if (values.json) io.out(JSON.stringify(listed.map((l) => l.packet), null, 2));
        else if (listed.length === 0) io.out(`no packets in ${config.dbPath}`);
        else for (const l of listed) io.out(l.line);
        return 0;
      }
      case 'staff': {
        if (values.sql) {
          const [sub, name, email, ...extra] = rest;
          if (sub !== 'add' || !name || !email || extra.length > 0) throw new UsageError('--sql goes with staff add NAME EMAIL');
          for (const line of await staffSql(checked('NAME', StaffName, name), checked('EMAIL', StaffEmail, email), config)) io.out(line);
          return 0;
        }
        deps = openDeps(config);
        return await runStaffCommand(rest, deps, config, io);
      }
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(error instanceof DeskError || error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    deps?.close();
  }
}

const StaffName = z.string().trim().min(1, 'is empty').max(100, 'is longer than 100 characters');
const StaffEmail = z.email('is not an email address');

/** A field of `staff`, checked: the message names it. */
function checked<T>(field: string, schema: z.ZodType<T>, value: string | undefined): T {
  const parsed = schema.safeParse(value ?? '');
  if (!parsed.success) throw new UsageError(`${field}: ${parsed.error.issues[0]?.message ?? 'invalid'}: ${value ?? ''}`);
  return parsed.data;
}

/** A string as an SQL literal. */
const sqlText = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * `staff add --sql`: for the desk on Workers, whose staff are in D1. The statements add the member
 * of staff (unless the address is there) and a sign-in link for whoever has the address; the link
 * works once the SQL has run, for 15 minutes from now.
 */
async function staffSql(name: string, email: string, config: DeskConfig): Promise<string[]> {
  const token = randomSecret();
  const now = Date.now();
  const address = sqlText(email.toLowerCase());
  const statements = [
    `INSERT INTO staff (id, name, email, created_at) VALUES (${sqlText(newId('stf'))}, ${sqlText(name)}, ${address}, ${now}) ON CONFLICT (email) DO NOTHING;`,
    `INSERT INTO staff_sign_in_links (token_hash, staff_id, created_at, expires_at) SELECT ${sqlText(await sha256Hex(token))}, id, ${now}, ${now + SIGN_IN_LINK_TTL_MS} FROM staff WHERE email = ${address} ON CONFLICT (token_hash) DO NOTHING;`,
  ];
  return [
    '-- run on the desk\'s D1 database, e.g. npx wrangler d1 execute prismposter-support --remote --file staff.sql',
    ...statements,
    `-- then sign in (works once, until ${new Date(now + SIGN_IN_LINK_TTL_MS).toISOString()}):`,
    `-- ${config.console.publicUrl}/desk/sign-in?token=${token}`,
  ];
}

/** `staff add|link|list|remove`: the console's members of staff and their sign-in links. */
async function runStaffCommand(args: string[], deps: NodeDesk, config: DeskConfig, io: { out: (s: string) => void }): Promise<number> {
  const [sub, ...rest] = args;
  const auth = createStaffAuth({ staff: deps.staffStore, now: deps.now, newId });
  const printLink = async (staffId: string, who: string) => {
    const link = await auth.issueSignInLink(staffId, config.console.publicUrl);
    io.out(`sign-in link for ${who} (works once, until ${new Date(link.expiresAt).toISOString()}):`);
    io.out(link.url);
  };
  switch (sub) {
    case 'add': {
      if (rest.length !== 2) throw new UsageError('staff add needs NAME and EMAIL (quote a NAME with spaces)');
      const name = checked('NAME', StaffName, rest[0]);
      const email = checked('EMAIL', StaffEmail, rest[1]);
      const { staff, created } = await auth.addStaff(name, email);
      io.out(created ? `added ${staff.name} <${staff.email}> to the console` : `${staff.email} is on the staff already (as ${staff.name}): a new link`);
      await printLink(staff.id, staff.email);
      return 0;
    }
    case 'link':
    case 'remove': {
      if (rest.length !== 1) throw new UsageError(`staff ${sub} needs exactly one EMAIL`);
      const email = checked('EMAIL', StaffEmail, rest[0]);
      const staff = await deps.staffStore.findStaffByEmail(email);
      if (!staff) throw new DeskError('not_found', `no member of staff with the address ${email}; add them: npm run cli -- staff add NAME EMAIL`);
      if (sub === 'link') await printLink(staff.id, staff.email);
      else {
        await deps.staffStore.removeStaff(staff.id);
        io.out(`removed ${staff.name} <${staff.email}>: their sessions are ended and their links void`);
      }
      return 0;
    }
    case 'list': {
      if (rest.length > 0) throw new UsageError('staff list takes nothing more');
      const list = await deps.staffStore.listStaff();
      const sessions = await deps.staffStore.countSessions(deps.now());
      if (list.length === 0) io.out('no staff yet; add someone: npm run cli -- staff add NAME EMAIL');
      for (const s of list) io.out(`${s.name}  <${s.email}>  added ${new Date(s.createdAt).toISOString()}  sessions ${sessions.get(s.id) ?? 0}`);
      return 0;
    }
    default:
      throw new UsageError('staff needs add, link, list or remove');
  }
}

/**
 * Whether this module is the script node was started with. Paths are compared, not URLs: a
 * checkout under a folder with a space (or `#`, `%`, non-ASCII) has an escaped `import.meta.url`.
 */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(resolve(script)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const code = await runCli(process.argv.slice(2), {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
    env: process.env,
  });
  process.exitCode = code;
}
