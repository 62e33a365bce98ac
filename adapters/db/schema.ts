import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/*
 * One schema for every SQLite the desk runs on (better-sqlite3 on Node, D1 on Workers).
 * Times are kept twice where they are queried by range: the platform's own ISO text (with the
 * offset the user saw) and epoch milliseconds for the indexes.
 */

// --- The platform's records, in embedded mode (platform-data.md) ---

export const accounts = sqliteTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    /** lowercase(email): the unique, case-insensitive key. */
    emailKey: text('email_key').notNull(),
    name: text('name'),
    timezone: text('timezone'),
    /** Sum of the account's ledger amounts, kept in the same transaction as every ledger write. */
    balance: integer('balance').notNull().default(0),
  },
  (t) => [uniqueIndex('accounts_email_key').on(t.emailKey)],
);

export const generations = sqliteTable(
  'generations',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    studio: text('studio', { enum: ['image', 'video', 'music', 'storyboard'] }).notNull(),
    prompt: text('prompt').notNull(),
    settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['queued', 'processing', 'completed', 'failed', 'canceled'] }).notNull(),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    createdAt: text('created_at').notNull(),
    createdAtMs: integer('created_at_ms').notNull(),
    finishedAt: text('finished_at'),
    libraryItemId: text('library_item_id'),
  },
  (t) => [
    index('generations_account_created').on(t.accountId, t.createdAtMs),
    // The few runs reconciliation examines in full, without reading past the completed ones.
    index('generations_account_problems')
      .on(t.accountId, t.createdAtMs)
      .where(sql`${t.status} <> 'completed'`),
    // The incident sweep reads the last minutes' failures of every account.
    index('generations_failed_created').on(t.createdAtMs).where(sql`${t.status} = 'failed'`),
  ],
);

export const ledger = sqliteTable(
  'ledger',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    type: text('type', { enum: ['purchase', 'grant', 'spend', 'refund', 'adjustment'] }).notNull(),
    amount: integer('amount').notNull(),
    generationId: text('generation_id'),
    refundOf: text('refund_of'),
    createdAt: text('created_at').notNull(),
    createdAtMs: integer('created_at_ms').notNull(),
    description: text('description'),
    /** Set on refunds written by the desk: the same key never writes twice. */
    idempotencyKey: text('idempotency_key'),
    /** A refund the desk's automatic policy issued (no one looked): counted against the account's limit. */
    automatic: integer('automatic', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    index('ledger_account_created').on(t.accountId, t.createdAtMs),
    uniqueIndex('ledger_idempotency_key').on(t.idempotencyKey),
  ],
);

/**
 * One row while the platform records are the demo data `npm start` seeded and nothing else: only
 * then may the demo page sign in as a demo account. An import that writes records deletes it.
 */
export const demoSeed = sqliteTable('demo_seed', {
  /** Always 1: the mark is there or not. */
  id: integer('id').primaryKey(),
  seededAt: integer('seeded_at').notNull(),
});

// --- The desk's own records ---

export const conversations = sqliteTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    channel: text('channel', { enum: ['widget', 'email', 'slack'] }).notNull(),
    /** lowercase email of a verified user; null for an anonymous one. */
    ownerEmail: text('owner_email'),
    /** The anonymous owner's token hash, so that only they can read the conversation. */
    ownerToken: text('owner_token'),
    state: text('state').notNull(),
    /** The flow's persisted snapshot (JSON). */
    snapshot: text('snapshot', { mode: 'json' }).$type<unknown>().notNull(),
    packetRef: text('packet_ref'),
    /** The language the desk speaks in it (en, fr, es, de, pt); null until asked for or told from a first message. */
    locale: text('locale'),
    /** Bumped on every turn: a write with a stale version is refused (two tabs, one conversation). */
    version: integer('version').notNull().default(0),
    /**
     * Held while one process hands the conversation off (files its packet): another process's
     * simultaneous Send waits rather than filing the case twice. Cleared by the turn's write.
     */
    handOffLockUntil: integer('hand_off_lock_until').notNull().default(0),
    /** The seq of the last message the user's widget was given (fetched or streamed): what they have read. */
    readSeq: integer('read_seq').notNull().default(-1),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [
    index('conversations_expires').on(t.expiresAt),
    index('conversations_owner').on(t.ownerEmail),
    index('conversations_packet').on(t.packetRef),
  ],
);

export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    from: text('from', { enum: ['bot', 'user', 'agent'] }).notNull(),
    text: text('text').notNull(),
    options: text('options', { mode: 'json' }).$type<{ id: string; label: string }[]>(),
    /** The staff member who wrote an 'agent' message, shown with it. */
    author: text('author'),
    at: integer('at').notNull(),
  },
  (t) => [uniqueIndex('messages_conversation_seq').on(t.conversationId, t.seq)],
);

export const packets = sqliteTable(
  'packets',
  {
    ref: text('ref').primaryKey(),
    /** lowercase account email, '' when unknown. */
    accountKey: text('account_key').notNull(),
    /** The sorted generation ids joined by ',', '' when the packet names no run. */
    runsKey: text('runs_key').notNull(),
    channel: text('channel', { enum: ['widget', 'email', 'slack'] }).notNull(),
    status: text('status', { enum: ['open', 'needs_info', 'refunded', 'resolved'] }).notNull(),
    /** The whole packet of support-packet.md (JSON). */
    data: text('data', { mode: 'json' }).$type<unknown>().notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('packets_account_runs')
      .on(t.accountKey, t.runsKey)
      .where(sql`${t.runsKey} <> '' AND ${t.accountKey} <> ''`),
    // The metrics count packets by channel, and the console reads a period's, without reading their data.
    index('packets_channel_created').on(t.channel, t.createdAt),
  ],
);

export const outbox = sqliteTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    /** What to deliver: 'slack.packet', 'email.packet', 'email.reply', … */
    kind: text('kind').notNull(),
    /** Where: a Slack channel, an email address. */
    destination: text('destination').notNull(),
    payload: text('payload', { mode: 'json' }).$type<unknown>().notNull(),
    /** One delivery per key, however often it is queued. */
    dedupeKey: text('dedupe_key').notNull(),
    packetRef: text('packet_ref'),
    status: text('status', { enum: ['pending', 'delivered', 'dead'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    /** A relay that claims a row holds it until then; a crashed relay's claim simply lapses. */
    leaseUntil: integer('lease_until').notNull().default(0),
    lastError: text('last_error'),
    externalId: text('external_id'),
    createdAt: integer('created_at').notNull(),
    deliveredAt: integer('delivered_at'),
  },
  (t) => [uniqueIndex('outbox_dedupe').on(t.dedupeKey), index('outbox_due').on(t.status, t.nextAttemptAt)],
);

export const auditLog = sqliteTable(
  'audit_log',
  {
    // The rowid: entries are never deleted, so ids only grow. (AUTOINCREMENT would add a write of
    // sqlite_sequence to every commit that audits.)
    id: integer('id').primaryKey(),
    at: integer('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    packetRef: text('packet_ref'),
    /** What the decision was based on, as it stood (JSON). */
    evidence: text('evidence', { mode: 'json' }).$type<unknown>(),
  },
  (t) => [index('audit_packet').on(t.packetRef)],
);

// --- Slack triage (src/triage, adapters/slack) ---

export const slackMessages = sqliteTable(
  'slack_messages',
  {
    /** One triage message per packet. */
    packetRef: text('packet_ref').primaryKey(),
    /** The channel's id, as Slack answered the post. */
    channel: text('channel').notNull(),
    /** The message's ts: its id in the channel, and the thread_ts of replies to it. */
    ts: text('ts').notNull(),
    postedAt: integer('posted_at').notNull(),
  },
  (t) => [uniqueIndex('slack_messages_channel_ts').on(t.channel, t.ts)],
);

export const triageOnce = sqliteTable('triage_once', {
  /** A decision or an event: `refund.approved:PKT-…:41`, `reply:C123:1700000000.000100`. */
  key: text('key').primaryKey(),
  /** 'running' while its effect is under way, 'done' once written: never again. */
  state: text('state', { enum: ['running', 'done'] }).notNull(),
  /** A running claim lapses then (its holder died), and the key may be claimed again. */
  leaseUntil: integer('lease_until').notNull(),
  at: integer('at').notNull(),
});

// --- Email intake (src/email, adapters/email) ---

export const emailMessages = sqliteTable(
  'email_messages',
  {
    /** The Message-ID header (or a hash of the message when it has none): each is processed once. */
    messageId: text('message_id').primaryKey(),
    /** lowercase sender address. */
    sender: text('sender'),
    status: text('status', { enum: ['accepted', 'ignored'] }).notNull(),
    reason: text('reason'),
    packetRef: text('packet_ref'),
    autoReplied: integer('auto_replied', { mode: 'boolean' }).notNull().default(false),
    receivedAt: integer('received_at').notNull(),
    finishedAt: integer('finished_at'),
  },
  (t) => [
    index('email_messages_packet').on(t.packetRef),
    // Covers the count of a sender's auto-replies since a moment (the loop guard) without reading rows.
    index('email_messages_sender_replies').on(t.sender, t.autoReplied, t.receivedAt),
  ],
);

export const emailDeadLetters = sqliteTable(
  'email_dead_letters',
  {
    id: text('id').primaryKey(),
    messageId: text('message_id'),
    sender: text('sender'),
    reason: text('reason').notNull(),
    detail: text('detail').notNull(),
    size: integer('size').notNull(),
    /** The first bytes of the message, base64. */
    rawBase64: text('raw_base64'),
    rawTruncated: integer('raw_truncated', { mode: 'boolean' }).notNull(),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [index('email_dead_letters_received').on(t.receivedAt)],
);

// --- Metrics (src/metrics) ---

/**
 * One row per conversation, kept after the conversation itself expires and is deleted: what the
 * metrics count (started, how each ended) without keeping its messages. Written by triggers on
 * `conversations` (migration 0011), so every write path (drizzle's batch, the prepared turn writer)
 * records it in the same statement.
 */
export const conversationLog = sqliteTable(
  'conversation_log',
  {
    id: text('id').primaryKey(),
    channel: text('channel', { enum: ['widget', 'email', 'slack'] }).notNull(),
    startedAt: integer('started_at').notNull(),
    /** How it ended, first time it did: null while it goes on. */
    outcome: text('outcome', { enum: ['resolved', 'handed_off', 'expired'] }),
    endedAt: integer('ended_at'),
    packetRef: text('packet_ref'),
  },
  // By outcome: each scrape counts the outcomes from the index alone.
  (t) => [index('conversation_log_started').on(t.startedAt), index('conversation_log_outcome').on(t.outcome)],
);

/** Counts of events that leave no row of their own (a duplicate delivery of an email): `key` → count. */
export const deskCounters = sqliteTable('desk_counters', {
  key: text('key').primaryKey(),
  value: integer('value').notNull().default(0),
});

// --- Incidents (src/incidents) ---

/**
 * A failure many accounts hit at once, found in the platform's own records: one studio, one error
 * (its code, else its normalised message). At most one open incident per studio and error.
 */
export const incidents = sqliteTable(
  'incidents',
  {
    /** `INC-…` */
    id: text('id').primaryKey(),
    studio: text('studio', { enum: ['image', 'video', 'music', 'storyboard'] }).notNull(),
    /** The error's code, or its message normalised (numbers and ids taken out): what failures are matched on. */
    errorKey: text('error_key').notNull(),
    /** The error as shown: its code, or its message as first seen. */
    error: text('error').notNull(),
    status: text('status', { enum: ['open', 'resolved'] }).notNull(),
    /** The first matching failure (epoch ms): the incident's "since". */
    since: integer('since').notNull(),
    lastFailureAt: integer('last_failure_at').notNull(),
    /** Accounts with a matching failure since `since`. */
    accounts: integer('accounts').notNull(),
    openedAt: integer('opened_at').notNull(),
    resolvedAt: integer('resolved_at'),
    /** `quiet` (no new failure for INCIDENT_QUIET_MINUTES), or the member of staff (`slack:U123`). */
    resolvedBy: text('resolved_by'),
    /** Bumped on every change: the key of its Slack message's next update. */
    version: integer('version').notNull().default(0),
    slackChannel: text('slack_channel'),
    slackTs: text('slack_ts'),
  },
  (t) => [
    uniqueIndex('incidents_open_cluster').on(t.studio, t.errorKey).where(sql`${t.status} = 'open'`),
    index('incidents_status').on(t.status, t.since),
  ],
);

/** Users who asked to be told when an incident is resolved: told once (`notifiedAt`). */
export const incidentWatchers = sqliteTable(
  'incident_watchers',
  {
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id),
    /** lowercase email of a verified user, or the conversation id of an anonymous one. */
    watcher: text('watcher').notNull(),
    conversationId: text('conversation_id'),
    /** Set for verified users only: mail goes only to an address the desk trusts. */
    email: text('email'),
    askedAt: integer('asked_at').notNull(),
    notifiedAt: integer('notified_at'),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.watcher] })],
);

// --- The staff console at /desk (src/console) ---

export const staff = sqliteTable('staff', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** lowercase: one member of staff per address. */
  email: text('email').notNull().unique(),
  createdAt: integer('created_at').notNull(),
});

export const staffSignInLinks = sqliteTable(
  'staff_sign_in_links',
  {
    /** SHA-256 (hex) of the link's token: the token itself is only ever in the link. */
    tokenHash: text('token_hash').primaryKey(),
    staffId: text('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    /** Set by the one sign-in the link allows. */
    usedAt: integer('used_at'),
  },
  (t) => [index('staff_sign_in_links_staff').on(t.staffId)],
);

export const staffSessions = sqliteTable(
  'staff_sessions',
  {
    /** SHA-256 (hex) of the session id the cookie holds. */
    idHash: text('id_hash').primaryKey(),
    staffId: text('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    /** The token every form of the session carries (CSRF): useless without the cookie. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('staff_sessions_staff').on(t.staffId)],
);
