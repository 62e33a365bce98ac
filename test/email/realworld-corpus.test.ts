import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmailRejectedError, EmailReport } from '../../src/email/email-report.ts';
import { parseEmailReport } from '../../src/email/parse-email.ts';
import { type EmailDesk, startEmailDesk } from './email-desk.ts';

const dir = fileURLToPath(new URL('../fixtures/email-realworld/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.eml'))
  .sort();

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Every file under a folder of the repository. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

describe('a fresh clone has what its tests read', () => {
  it('holds the corpus inside the repository, with its licence', () => {
    expect(relative(root, dir).startsWith('..')).toBe(false);
    expect(statSync(join(dir, 'LICENSE-mikel-mail')).size).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('MIT');
  });

  it('reads no path outside the repository (no code, test, script or benchmark names the shared folder next to it)', () => {
    const outside = ['..', 'shared'].join('/');
    const offenders = ['src', 'test', 'scripts', 'adapters', 'flows', 'bench']
      .filter((folder) => existsSync(join(root, folder)))
      .flatMap((folder) => filesUnder(join(root, folder)))
      .filter((file) => /\.(ts|js|mjs|json|toml)$/.test(file) && readFileSync(file, 'utf8').includes(outside))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });
});

describe('the real-world corpus (103 oddities of the Ruby mail library): never a crash, never dropped', () => {
  let desk: EmailDesk;
  beforeAll(async () => {
    desk = await startEmailDesk();
  });
  afterAll(() => desk.close());

  it('holds the 103 messages', () => {
    expect(files).toHaveLength(103);
  });

  it.each(files)('%s comes through as a parsed report or a clear rejection', async (name) => {
    const raw = readFileSync(dir + name);
    const parsed = await parseEmailReport(raw).then(
      (report) => ({ report, rejection: null }),
      (error: unknown) => {
        if (!(error instanceof EmailRejectedError)) throw error;
        return { report: null, rejection: error.reason };
      },
    );
    if (parsed.report) expect(EmailReport.parse(parsed.report)).toEqual(parsed.report);

    const outcome = await desk.intake.receive(raw);
    expect(['accepted', 'duplicate', 'ignored', 'rejected']).toContain(outcome.status);
    if (outcome.status === 'rejected') {
      // Kept with its reason, for staff to read.
      const letters = await desk.emailStore.listDeadLetters(500);
      expect(letters.some((l) => l.id === outcome.deadLetterId && l.reason === outcome.reason)).toBe(true);
    } else {
      expect(parsed.rejection).toBeNull();
      expect(await desk.emailStore.getMessage(outcome.messageId)).not.toBeNull();
    }
    if (parsed.report?.autoSubmitted) expect(outcome.status === 'ignored' || outcome.status === 'duplicate').toBe(true);
  });
});
