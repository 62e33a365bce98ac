import type { Studio } from '../core/platform-types.ts';
import type { OutboxItem, StoredMessage } from '../core/support-store.ts';

/** The audit action of a packet filed about a failure of an open incident (its evidence: `incidentId`). */
export const INCIDENT_LINKED = 'incident.linked';

export interface Incident {
  /** `INC-…` */
  id: string;
  studio: Studio;
  errorKey: string;
  error: string;
  status: 'open' | 'resolved';
  /** Epoch milliseconds of the first matching failure. */
  since: number;
  lastFailureAt: number;
  accounts: number;
  openedAt: number;
  resolvedAt: number | null;
  /** `quiet`, or the member of staff who resolved it (`slack:U123`). */
  resolvedBy: string | null;
  version: number;
  slack: { channel: string; ts: string } | null;
}

/** What `GET /api/status` shows of an incident: no account data. */
export interface PublicIncident {
  id: string;
  studio: Studio;
  error: string;
  since: string;
  accounts: number;
  status: 'open' | 'resolved';
}

/** A user who asked to be told when the incident is resolved. */
export interface IncidentWatcher {
  incidentId: string;
  /** lowercase email of a verified user, else the conversation id. */
  watcher: string;
  conversationId: string | null;
  /** Only a verified user's: mail goes to addresses the desk trusts. */
  email: string | null;
  askedAt: number;
  notifiedAt: number | null;
}

/** How a watcher is told, written with the mark that they were (once). */
export type WatcherNotice =
  | { kind: 'widget'; conversationId: string; message: StoredMessage }
  | { kind: 'mail'; outbox: OutboxItem };

/** The incidents' records (drizzle-incident-store.ts). Each write is atomic with the outbox rows it names. */
export interface IncidentStore {
  listOpen(): Promise<Incident[]>;
  /** Open ones, and those resolved since `resolvedSince`. */
  listForStatus(resolvedSince: number): Promise<Incident[]>;
  get(id: string): Promise<Incident | null>;
  /** Writes a new open incident; false when its studio and error have one open already. */
  open(incident: Incident, outbox: readonly OutboxItem[]): Promise<boolean>;
  /** Records new failures of an open incident (its count, last failure, version). */
  grow(id: string, change: { accounts: number; lastFailureAt: number; version: number }, outbox: readonly OutboxItem[]): Promise<void>;
  /** Resolves it if it is open; answers the incident as resolved, or null when it was not open. */
  resolve(id: string, by: string, at: number, outbox: (incident: Incident) => OutboxItem[]): Promise<Incident | null>;
  rememberSlackMessage(id: string, message: { channel: string; ts: string }): Promise<void>;
  /** Adds a watcher; asking twice keeps the first. */
  watch(watcher: Omit<IncidentWatcher, 'notifiedAt'>): Promise<void>;
  listWatchers(incidentId: string): Promise<IncidentWatcher[]>;
  /**
   * Tells a watcher (a message in their conversation, or mail through the outbox) and marks them
   * told, in one write; nothing is written when they were told already. True when told now.
   */
  notifyWatcher(incidentId: string, watcher: string, notice: WatcherNotice, at: number): Promise<boolean>;
}
