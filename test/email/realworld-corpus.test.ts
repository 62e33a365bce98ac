import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmailRejectedError, EmailReport } from '../../src/email/email-report.ts';
import { parseEmailReport } from '../../src/email/parse-email.ts';
import { type EmailDesk, startEmailDesk } from './email-desk.ts';

const dir = fileURLToPath(new URL('../../../shared/corpus/email-realworld/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.eml'))
  .sort();

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
