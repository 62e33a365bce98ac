import { z } from 'zod';
import { joinPacket } from '../core/build-packet.ts';
import { type PacketDestinations, type PacketService, fillFromRuns } from '../core/packet-service.ts';
import type { Clock, IdGenerator, PlatformData } from '../core/ports.ts';
import { reconcileWithRecords } from '../core/reconcile-service.ts';
import { type Packet, Report, type ReportInput } from '../core/support-packet.ts';
import type { OutboxItem, PacketEffects, SupportStore } from '../core/support-store.ts';
import { matchRun, resolveLibraryIds, runWindow } from './match-run.ts';
import { type Locale, isLocale } from '../i18n/locales.ts';
import { guessLocale } from '../understanding/index.ts';
import type { ParsedEmail } from './parse-email.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** What a packet keeps of one message's text: a report is short; a pasted log or a spam page is cut. */
const MAX_TRANSCRIPT = 10_000;
const Email = z.email();

export interface FileEmailDeps {
  store: SupportStore;
  platform: PlatformData;
  packets: PacketService;
  now: Clock;
  newId: IdGenerator;
  destinations: PacketDestinations;
}

/** A report's packet, computed but not yet written: `effects` are what is written with it (the intake adds the auto-reply). */
export interface FiledEmail {
  packet: Packet;
  /** A new packet (its ref is fresh: nothing was ever sent about it). */
  created: boolean;
  /** Whether the account was looked at (a verified sender with an account). */
  accountFound: boolean;
  /**
   * The packet's deliveries to support and its audit entry, plus `extra` outbox rows: all written
   * with the packet at once. A new packet can lose a race to another report of the same case (then file again).
   */
  effects: (extra: OutboxItem[]) => PacketEffects;
}

/** The language the user wrote in, when sure (a few words at least; a close call is none). */
export function emailLocale(parsed: ParsedEmail): Locale | null {
  const guessed = guessLocale(parsed.ownText);
  return isLocale(guessed) ? guessed : null;
}

const clip = (text: string) =>
  text.length <= MAX_TRANSCRIPT ? text : `${text.slice(0, MAX_TRANSCRIPT)}\n[… ${text.length - MAX_TRANSCRIPT} more characters]`;

/** The channel-neutral report an email makes, before the account is looked at. */
function toReport(parsed: ParsedEmail, verified: boolean, now: number): ReportInput {
  const r = parsed.report;
  return {
    locale: emailLocale(parsed),
    channel: 'email',
    accountEmail: r.accountEmail && Email.safeParse(r.accountEmail).success ? r.accountEmail : null,
    verified,
    studio: r.studio,
    prompt: r.prompt,
    settings: r.settings,
    errorMessage: r.errorMessage,
    occurredAt: r.occurredAt,
    timezone: r.timezone,
    generationIds: r.generationIds,
    stepsTried: parsed.stepsTried,
    transcript: [{ from: 'user', text: clip(parsed.text), at: new Date(parsed.date ?? now).toISOString() }],
  };
}

/** The packet's deliveries to support (Slack, the support inbox): once when new, once per message that updates it. */
function deliveries(deps: FileEmailDeps, packet: Packet, created: boolean, messageId: string): OutboxItem[] {
  const items: OutboxItem[] = [];
  const { slackChannel, supportInbox } = deps.destinations;
  const suffix = created ? '' : `:update:${messageId}`;
  const item = (kind: string, destination: string, key: string): OutboxItem => ({
    id: deps.newId('out'),
    kind: created ? `${kind}.packet` : `${kind}.packet_update`,
    destination,
    payload: { ref: packet.ref },
    // The packet service's keys for a new packet: whichever writes first, support hears of it once.
    dedupeKey: `${packet.ref}:${key}${suffix}`,
    packetRef: packet.ref,
  });
  if (slackChannel) items.push(item('slack', slackChannel, 'slack'));
  if (supportInbox) items.push(item('email', supportInbox, 'email'));
  return items;
}

/** The run ids the report is about, from the account's own runs: Library links resolved, or the one run that fits. */
async function findRuns(deps: FileEmailDeps, parsed: ParsedEmail, report: ReportInput, accountId: string, now: number): Promise<string[]> {
  const ids = report.generationIds ?? [];
  const sentAt = parsed.date ?? now;
  if (ids.some((id) => !id.startsWith('gen_'))) {
    return resolveLibraryIds(ids, await deps.platform.listGenerations(accountId, { since: sentAt - 30 * DAY_MS, until: now }));
  }
  if (ids.length > 0) return ids;
  const occurredAt = report.occurredAt ? Date.parse(report.occurredAt) : null;
  const runs = await deps.platform.listGenerations(accountId, runWindow(occurredAt, sentAt));
  const run = matchRun(runs, { studio: report.studio ?? null, occurredAt, sentAt });
  return run ? [run.id] : [];
}

/**
 * Files an email report. A reply quoting a packet's ref (from the packet's own address, and proven
 * when the packet is verified) joins that packet and fills its gaps. Otherwise a verified sender's
 * account is looked up, the run the text describes is found among its own runs, and the packet
 * service builds the packet (new, or joined by case). The packet, its deliveries and the auto-reply
 * are then written in one atomic write, with the message marked filed (`EmailStore.fileMessage`):
 * no crash can leave a packet without its answer, or a message filed twice.
 */
export async function fileEmailReport(deps: FileEmailDeps, parsed: ParsedEmail, trusted: boolean, messageId: string): Promise<FiledEmail> {
  const now = deps.now();
  const sender = parsed.report.from.toLowerCase();
  const existing = parsed.report.packetRef ? await deps.store.getPacket(parsed.report.packetRef) : null;
  if (existing && existing.accountEmail?.toLowerCase() === sender && (trusted || !existing.verified)) {
    return joinByRef(deps, parsed, existing, trusted, messageId, now);
  }

  const report = toReport(parsed, trusted && parsed.report.accountEmail?.toLowerCase() === sender, now);
  const account = report.verified && report.accountEmail ? await deps.platform.findAccountByEmail(report.accountEmail) : null;
  if (account) {
    if (!parsed.zoneNamed && account.timezone) report.timezone = account.timezone;
    report.generationIds = await findRuns(deps, parsed, report, account.id, now);
  }
  const { packet, created } = await deps.packets.preview(report);
  const audit = { actor: `email:${sender}`, action: created ? 'packet.created' : 'packet.joined', packetRef: packet.ref };
  return {
    packet,
    created,
    accountFound: account !== null,
    effects: (extra) => ({
      outbox: [...deliveries(deps, packet, created, messageId), ...extra],
      audit: [{ ...audit, at: deps.now(), evidence: { messageId, findings: packet.findings, missing: packet.missing } }],
      now: deps.now(),
    }),
  };
}

async function joinByRef(deps: FileEmailDeps, parsed: ParsedEmail, existing: Packet, trusted: boolean, messageId: string, now: number): Promise<FiledEmail> {
  let report = Report.parse({
    ...toReport(parsed, trusted, now),
    accountEmail: existing.accountEmail,
    generationIds: parsed.report.generationIds.length > 0 ? parsed.report.generationIds : existing.generationIds,
  });
  const account = trusted && existing.accountEmail ? await deps.platform.findAccountByEmail(existing.accountEmail) : null;
  let reconciliation = null;
  if (account) {
    // The case's own run fills what neither the packet nor this reply says.
    const { result, generations } = await reconcileWithRecords(deps.platform, account, { now });
    reconciliation = result;
    report = fillFromRuns(report, generations, account.timezone);
  }
  const packet = joinPacket(existing, report, reconciliation);
  return {
    packet,
    created: false,
    accountFound: account !== null,
    effects: (extra) => ({
      outbox: [...deliveries(deps, packet, false, messageId), ...extra],
      audit: [{ at: deps.now(), actor: `email:${parsed.report.from.toLowerCase()}`, action: 'packet.joined', packetRef: packet.ref, evidence: { messageId, missing: packet.missing } }],
      now: deps.now(),
    }),
  };
}
