import { pooledRandomBytes } from '../core/ids.ts';
import type { FailedRun, GenerationError, Studio } from '../core/platform-types.ts';
import type { Clock, IdGenerator, PlatformData } from '../core/ports.ts';
import type { Packet } from '../core/support-packet.ts';
import type { OutboxItem } from '../core/support-store.ts';
import { type Detection, type IncidentSettings, detectIncidents } from './detect-incidents.ts';
import { message } from '../i18n/messages.ts';
import { errorKey } from './error-key.ts';
import type { Incident, IncidentStore, PublicIncident } from './incident-types.ts';

export interface IncidentServiceDeps {
  incidents: IncidentStore;
  platform: PlatformData;
  now: Clock;
  newId: IdGenerator;
  settings: IncidentSettings;
  /** Where the incident's one Slack message goes; null: no Slack. */
  slackChannel: string | null;
  /** How long a resolved incident stays on `/api/status`. */
  resolvedShownMs?: number;
  /** The language of a watcher's conversation, which they are told in (null, or none given: English). */
  localeOf?: (conversationId: string) => Promise<string | null>;
}

export interface SweepResult extends Detection {
  /** Ids of the incidents opened (a cluster another sweep opened at the same moment is not among them). */
  opened: string[];
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newIncidentId(): string {
  let id = 'INC-';
  for (const byte of pooledRandomBytes(8)) id += ALPHABET[byte & 31];
  return id;
}

/** What the user who asked is told when the incident is resolved, in their conversation's language. */
export function resolvedNotice(incident: Incident, locale: string | null = null): { subject: string; text: string } {
  const studio = message(locale, `studio.${incident.studio}`);
  return {
    subject: message(locale, 'incident.fixed_subject', { studio }),
    text: message(locale, 'incident.fixed', { studio, error: incident.error, id: incident.id }),
  };
}

/**
 * Incidents from the platform's own records: a sweep (Node's interval, the Workers' cron) opens,
 * grows and quietly resolves them; staff resolve them by hand; whoever asked is told once when it
 * is over. Each change queues the incident's one Slack message, posted then updated in place.
 */
export function createIncidentService(deps: IncidentServiceDeps) {
  const { incidents } = deps;
  const resolvedShownMs = deps.resolvedShownMs ?? 24 * 60 * 60 * 1000;

  const slackUpdate = (incident: Pick<Incident, 'id' | 'version'>): OutboxItem[] =>
    deps.slackChannel
      ? [
          {
            id: deps.newId('out'),
            kind: 'slack.incident',
            destination: deps.slackChannel,
            payload: { id: incident.id },
            dedupeKey: `incident:${incident.id}:slack:${incident.version}`,
            packetRef: null,
          },
        ]
      : [];

  /** Tells each watcher who was not told yet: in their conversation while it is kept, else by mail when verified. */
  async function notifyWatchers(incident: Incident): Promise<number> {
    const now = deps.now();
    let told = 0;
    for (const watcher of await incidents.listWatchers(incident.id)) {
      if (watcher.notifiedAt !== null) continue;
      const locale = watcher.conversationId && deps.localeOf ? await deps.localeOf(watcher.conversationId) : null;
      const { subject, text } = resolvedNotice(incident, locale);
      const widget = watcher.conversationId
        ? await incidents.notifyWatcher(
            incident.id,
            watcher.watcher,
            { kind: 'widget', conversationId: watcher.conversationId, message: { id: deps.newId('msg'), from: 'bot', text, at: now } },
            now,
          )
        : false;
      if (widget) {
        told++;
        continue;
      }
      if (!watcher.email) continue;
      const outbox: OutboxItem = {
        id: deps.newId('out'),
        kind: 'email.incident',
        destination: watcher.email,
        payload: { id: incident.id, subject, text },
        dedupeKey: `incident:${incident.id}:notify:${watcher.watcher}`,
        packetRef: null,
      };
      if (await incidents.notifyWatcher(incident.id, watcher.watcher, { kind: 'mail', outbox }, now)) told++;
    }
    return told;
  }

  async function resolve(id: string, by: string): Promise<Incident | null> {
    const resolved = await incidents.resolve(id, by, deps.now(), (incident) => slackUpdate(incident));
    if (resolved) await notifyWatchers(resolved);
    return resolved;
  }

  return {
    /** Reads the recent failures and opens, grows and resolves incidents accordingly. */
    async sweep(): Promise<SweepResult> {
      const none: SweepResult = { open: [], grow: [], quiet: [], opened: [] };
      if (!deps.platform.listFailures) return none;
      const now = deps.now();
      const open = await incidents.listOpen();
      const from = Math.min(now - deps.settings.windowMs, ...open.map((i) => i.since));
      const failures = await deps.platform.listFailures(from);
      const detection = detectIncidents(failures, open, deps.settings, now);
      const opened: string[] = [];
      for (const found of detection.open) {
        const incident: Incident = { id: newIncidentId(), ...found, status: 'open', openedAt: now, resolvedAt: null, resolvedBy: null, version: 0, slack: null };
        if (await incidents.open(incident, slackUpdate(incident))) opened.push(incident.id);
      }
      for (const grown of detection.grow) {
        const before = open.find((i) => i.id === grown.id);
        // The message changes with the count only: a new last failure alone updates nothing in Slack.
        const version = (before?.version ?? 0) + (grown.accounts !== before?.accounts ? 1 : 0);
        await incidents.grow(grown.id, { ...grown, version }, version !== before?.version ? slackUpdate({ id: grown.id, version }) : []);
      }
      for (const id of detection.quiet) await resolve(id, 'quiet');
      return { ...detection, opened };
    },

    /** Staff resolve an incident (`slack:U123`); null when it was not open. */
    resolve,

    /** What `GET /api/status` lists: open incidents, and those resolved lately. */
    async status(): Promise<PublicIncident[]> {
      const list = await incidents.listForStatus(deps.now() - resolvedShownMs);
      return list.map((i) => ({ id: i.id, studio: i.studio, error: i.error, since: new Date(i.since).toISOString(), accounts: i.accounts, status: i.status }));
    },

    /** The open incident a failed run belongs to, if any: the flow tells its user, a packet links to it. */
    async matching(run: { studio: Studio; error: GenerationError | null } | FailedRun): Promise<Incident | null> {
      const key = errorKey(run.error);
      return (await incidents.listOpen()).find((i) => i.studio === run.studio && i.errorKey === key) ?? null;
    },

    /** The open incident one of a packet's failed runs belongs to, if any (its findings, else its studio and error message). */
    async packetIncident(packet: Packet): Promise<Incident | null> {
      const failures: { studio: Studio; error: GenerationError | null }[] = (packet.findings?.runs ?? []).filter((r) => r.status === 'failed');
      if (failures.length === 0 && packet.studio && packet.errorMessage) failures.push({ studio: packet.studio, error: { message: packet.errorMessage } });
      if (failures.length === 0) return null;
      const open = await incidents.listOpen();
      if (open.length === 0) return null;
      for (const run of failures) {
        const key = errorKey(run.error);
        const found = open.find((i) => i.studio === run.studio && i.errorKey === key);
        if (found) return found;
      }
      return null;
    },

    /** A user asks to be told when the incident is resolved: in their conversation, else by mail (verified users only). */
    watch(incidentId: string, who: { conversationId: string | null; email: string | null }): Promise<void> {
      const watcher = who.email?.toLowerCase() ?? who.conversationId;
      if (!watcher) throw new Error('a watcher needs a conversation or a verified email');
      return incidents.watch({ incidentId, watcher, conversationId: who.conversationId, email: who.email?.toLowerCase() ?? null, askedAt: deps.now() });
    },

    /** The incidents open now (the console's list). */
    listOpen: () => incidents.listOpen(),
    get: (id: string) => incidents.get(id),
    rememberSlackMessage: (id: string, message: { channel: string; ts: string }) => incidents.rememberSlackMessage(id, message),
  };
}

export type IncidentService = ReturnType<typeof createIncidentService>;
