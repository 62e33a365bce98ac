import { maskSecrets } from './mask-secrets.ts';
import type { ReconciliationResult } from './reconcile-account.ts';
import type { Findings, MissingField, Packet, Report, Step, TranscriptEntry } from './support-packet.ts';

/** Which of the things support needs are still unknown, in the order they are asked for. */
export function computeMissing(p: Pick<Packet, 'accountEmail' | 'studio' | 'prompt' | 'occurredAt'>): MissingField[] {
  const missing: MissingField[] = [];
  if (!p.accountEmail) missing.push('accountEmail');
  if (!p.studio) missing.push('studio');
  if (!p.prompt) missing.push('prompt');
  if (!p.occurredAt) missing.push('timestamp');
  return missing;
}

/** The case's key: the same runs of the same account are one case. Empty when there is no key. */
export function caseKey(accountEmail: string | null, generationIds: readonly string[]) {
  return {
    accountKey: accountEmail?.toLowerCase() ?? '',
    runsKey: [...new Set(generationIds)].sort().join(','),
  };
}

/**
 * The case key of a packet or a report. Only a verified sender speaks for the account: an unverified
 * report names an email it has not proven, so it must neither join the account's packet (and be
 * answered with its findings, or write into it) nor block it. Its key has no account, so it is no case.
 */
export function packetCaseKey(p: { accountEmail: string | null; verified: boolean; generationIds: readonly string[] }) {
  return caseKey(p.verified ? p.accountEmail : null, p.generationIds);
}

/** The reconciliation restricted to the case's runs, with `refundDue` in credits. */
export function findingsFor(result: ReconciliationResult, generationIds: readonly string[]): Findings {
  const wanted = new Set(generationIds);
  const runs = result.runs.filter((r) => wanted.has(r.generationId));
  const refundDue = runs.filter((r) => r.verdict === 'refund_due').reduce((sum, r) => sum + r.outstanding, 0);
  return {
    ...result,
    runs,
    totals: {
      refundDue,
      failedRuns: runs.filter((r) => r.status === 'failed').length,
      stuckRuns: runs.filter((r) => r.stuck).length,
    },
    refundDue,
  };
}

const maskTranscript = (entries: readonly TranscriptEntry[]): TranscriptEntry[] =>
  boundTranscript(entries.map((e) => ({ ...e, text: maskSecrets(e.text) })));

/** At most this many transcript entries in a packet: a case written to hundreds of times stays readable and small. */
export const MAX_TRANSCRIPT_ENTRIES = 200;
/** Of a long transcript, the first entries (how the case began) are kept with the latest ones. */
const KEPT_FIRST = 20;
export const TRANSCRIPT_GAP = 'Earlier messages are left out here: this case has more than 200. The first ones and the latest are kept.';

/**
 * Keeps a transcript within MAX_TRANSCRIPT_ENTRIES: the first entries, a note where the rest were
 * left out, and the latest ones. Every join rewrites the packet, so it must not grow without end.
 */
export function boundTranscript(entries: readonly TranscriptEntry[]): TranscriptEntry[] {
  if (entries.length <= MAX_TRANSCRIPT_ENTRIES) return [...entries];
  const first = entries.slice(0, KEPT_FIRST).filter((e) => e.text !== TRANSCRIPT_GAP);
  const latest = entries.slice(entries.length - (MAX_TRANSCRIPT_ENTRIES - KEPT_FIRST - 1));
  const gapAt = entries[KEPT_FIRST]?.at ?? latest[0]?.at ?? new Date(0).toISOString();
  return [...first, { from: 'bot', text: TRANSCRIPT_GAP, at: gapAt }, ...latest.filter((e) => e.text !== TRANSCRIPT_GAP)];
}

/**
 * A new packet from a report and, when the sender was verified, the account's reconciliation.
 * An unverified report carries no account data: its findings are null.
 */
export function buildPacket(
  report: Report,
  reconciliation: ReconciliationResult | null,
  meta: { ref: string; now: number },
): Packet {
  const generationIds = [...new Set(report.generationIds)].sort();
  const fields = {
    accountEmail: report.accountEmail,
    studio: report.studio,
    prompt: report.prompt === null ? null : maskSecrets(report.prompt),
    occurredAt: report.occurredAt,
  };
  const missing = computeMissing(fields);
  return {
    ref: meta.ref,
    channel: report.channel,
    ...fields,
    verified: report.verified,
    settings: report.settings,
    errorMessage: report.errorMessage,
    timezone: report.timezone,
    generationIds,
    stepsTried: uniqueSteps(report.stepsTried),
    findings: report.verified && reconciliation ? findingsFor(reconciliation, generationIds) : null,
    missing,
    transcript: maskTranscript(report.transcript),
    // Incomplete until support knows who, where, what and when: then it waits on the user.
    status: missing.length > 0 ? 'needs_info' : 'open',
    createdAt: new Date(meta.now).toISOString(),
    ...(report.locale && { locale: report.locale }),
  };
}

/*
 * A channel sends the whole conversation each time it files (a hand-off retried after an error
 * sends it again): entries already in the packet, same sender, time and text, are not added twice.
 */
function appendNew(existing: readonly TranscriptEntry[], incoming: readonly TranscriptEntry[]): TranscriptEntry[] {
  const key = (e: TranscriptEntry) => JSON.stringify([e.from, e.at, e.text]);
  const seen = new Set(existing.map(key));
  return [...existing, ...incoming.filter((e) => !seen.has(key(e)))];
}

function uniqueSteps(steps: readonly Step[]): Step[] {
  const order: Step[] = ['retry', 'simplify', 'checked_credits'];
  return order.filter((s) => steps.includes(s));
}

/**
 * A second report about the same runs joins the first packet: gaps are filled, steps and
 * transcript are added, the findings are brought up to date. The ref, channel and creation time stay.
 */
export function joinPacket(existing: Packet, report: Report, reconciliation: ReconciliationResult | null): Packet {
  const incoming = buildPacket(report, reconciliation, { ref: existing.ref, now: Date.parse(existing.createdAt) });
  const fields = {
    accountEmail: existing.accountEmail ?? incoming.accountEmail,
    studio: existing.studio ?? incoming.studio,
    prompt: existing.prompt ?? incoming.prompt,
    occurredAt: existing.occurredAt ?? incoming.occurredAt,
  };
  const missing = computeMissing(fields);
  return {
    ...existing,
    ...fields,
    verified: existing.verified || incoming.verified,
    settings: existing.settings ?? incoming.settings,
    errorMessage: existing.errorMessage ?? incoming.errorMessage,
    timezone: existing.timezone ?? incoming.timezone,
    stepsTried: uniqueSteps([...existing.stepsTried, ...incoming.stepsTried]),
    findings: incoming.findings ?? existing.findings,
    missing,
    transcript: boundTranscript(appendNew(existing.transcript, incoming.transcript)),
    status: existing.status === 'needs_info' && missing.length === 0 ? 'open' : existing.status,
    // The language the case was first told in stays the case's.
    ...(!existing.locale && incoming.locale && { locale: incoming.locale }),
  };
}
