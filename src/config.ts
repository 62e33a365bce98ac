import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const int = (fallback: number, min = 0) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? String(fallback) : v))
    .pipe(z.string().regex(/^\d+$/, 'must be a whole number'))
    .transform(Number)
    .pipe(z.number().int().min(min));

/** Every setting of the desk, read once at the composition root. Grouped per integration. */
const Env = z.object({
  PORT: int(8787, 0),
  SUPPORT_DB_PATH: optionalString,
  PLATFORM_API_URL: optionalString.pipe(z.url().optional()),
  PLATFORM_API_TOKEN: optionalString,
  PLATFORM_API_TIMEOUT_MS: int(5000, 1),
  AUTO_REFUND_LIMIT: int(0, 0),
  AUTO_REFUND_WINDOW_HOURS: int(24, 1),
  SLACK_TRIAGE_CHANNEL: optionalString,
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_API_URL: optionalString.pipe(z.url().optional()),
  SUPPORT_INBOX: optionalString.pipe(z.email().optional()),
  WIDGET_IDENTITY_SECRET: optionalString,
  CONVERSATION_TTL_HOURS: int(24, 1),
  CHAT_RATE_PER_MINUTE: int(60, 1),
  CHAT_RATE_BURST: int(20, 1),
  CHAT_MAX_BODY_BYTES: int(16 * 1024, 256),
  CHAT_EVENTS_POLL_MS: int(1000, 50),
  CHAT_EVENTS_HEARTBEAT_MS: int(15_000, 100),
  CHAT_EVENTS_PER_CLIENT: int(4, 1),
  UNREAD_REPLY_MAIL_MINUTES: int(10, 0),
  WIDGET_ALLOWED_ORIGINS: optionalString,
  WIDGET_DEMO_EMAIL: optionalString.pipe(z.email().optional()),
  WIDGET_DEMO: optionalString.pipe(z.enum(['auto', 'on', 'off']).optional()),
  SMTP_URL: optionalString.pipe(z.url({ protocol: /^smtps?$/ }).optional()),
  SUPPORT_FROM: optionalString.pipe(z.email().optional()),
  INBOUND_EMAIL_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  TRUSTED_AUTHSERV_ID: optionalString,
  AUTO_REPLY_UNVERIFIED_PER_HOUR: int(20, 0),
  MAIL_API_URL: optionalString.pipe(z.url().optional()),
  MAIL_API_TOKEN: optionalString,
  CLAIM_LEASE_SECONDS: int(60, 1),
  OUTBOX_INTERVAL_MS: int(2000, 50),
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  INCIDENT_MIN_ACCOUNTS: int(5, 2),
  INCIDENT_WINDOW_MINUTES: int(15, 1),
  INCIDENT_QUIET_MINUTES: int(30, 1),
  INCIDENT_SWEEP_SECONDS: int(30, 1),
  PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
});

export interface DeskConfig {
  port: number;
  dbPath: string;
  platform: { kind: 'embedded' } | { kind: 'http'; baseUrl: string; token: string; timeoutMs: number };
  /** Credits refunded automatically per account over any `autoRefundWindowMs` at most (0: never). */
  autoRefundLimit: number;
  autoRefundWindowMs: number;
  destinations: { slackChannel: string | null; supportInbox: string | null };
  chat: {
    identitySecret: string | null;
    ttlMs: number;
    ratePerMinute: number;
    rateBurst: number;
    maxBodyBytes: number;
    /**
     * The live replies' event streams: how often each reads the store for new messages, how often
     * it sends a heartbeat, and how many one client (identity and address) may hold open at once.
     */
    events: { pollMs: number; heartbeatMs: number; perClient: number };
    /** A staff message the user's widget has not been given after this long is mailed to a verified user (0: never). */
    unreadMailMs: number;
  };
  /** The Slack app (triage): present when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set. */
  slack: { botToken: string; signingSecret: string; apiUrl: string; triageChannel: string } | null;
  /**
   * The help widget: origins allowed to call /api (CORS), the account the demo page at `/` signs in
   * as, and when it does: `auto` only over the seeded demo data, `on` always, `off` never.
   */
  widget: { allowedOrigins: '*' | string[]; demoEmail: string; demo: 'auto' | 'on' | 'off' };
  /** Email: outbound over SMTP from SUPPORT_FROM; inbound at /api/email/inbound when its secret is set. */
  email: {
    smtpUrl: string | null;
    /** On Workers (no SMTP): an HTTP mail API that takes the message as JSON, with a bearer token. */
    mailApi: { url: string; token: string | null } | null;
    from: string | null;
    inboundSecret: string | null;
    trustedAuthservId: string | null;
    /** Auto-replies an hour to senders whose address is not verified, all together (0: none). */
    autoReplyUnverifiedPerHour: number;
  };
  /**
   * How long claimed work is held — an outbox delivery. A process that died mid-way loses its claim
   * after this, and the work is taken up again.
   */
  leaseMs: number;
  /** How often Node's outbox relay looks for due deliveries. */
  outbox: { intervalMs: number };
  /** `GET /metrics` for Prometheus: on with METRICS_TOKEN (the bearer token it asks for), absent without. */
  metrics: { token: string | null };
  /**
   * Incidents: failures of one studio with one error from at least `minAccounts` accounts within
   * `windowMs` open one; it resolves after `quietMs` without a new one. Node sweeps every `sweepMs`
   * (Workers on their cron trigger, each minute).
   */
  incidents: { minAccounts: number; windowMs: number; quietMs: number; sweepMs: number };
  /**
   * The staff console at /desk: the address staff open it at (PUBLIC_URL, default
   * http://localhost:PORT), which sign-in links start with and whose origin its forms may come from.
   */
  console: { publicUrl: string };
}

/** The default database file of the server and the CLI. */
export const DEFAULT_DB_PATH = 'data/support.db';

/** Parses the environment; a bad or missing setting fails with the variable's name. */
export function loadConfig(env: Record<string, string | undefined>): DeskConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`configuration: ${issue?.path.join('.') ?? 'environment'}: ${issue?.message ?? 'invalid'}`);
  }
  const e = parsed.data;
  if (e.PLATFORM_API_URL && !e.PLATFORM_API_TOKEN) {
    throw new Error('configuration: PLATFORM_API_TOKEN is required when PLATFORM_API_URL is set');
  }
  const slack = slackConfig(e);
  return {
    port: e.PORT,
    dbPath: e.SUPPORT_DB_PATH ?? DEFAULT_DB_PATH,
    platform: e.PLATFORM_API_URL
      ? { kind: 'http', baseUrl: e.PLATFORM_API_URL, token: e.PLATFORM_API_TOKEN ?? '', timeoutMs: e.PLATFORM_API_TIMEOUT_MS }
      : { kind: 'embedded' },
    autoRefundLimit: e.AUTO_REFUND_LIMIT,
    autoRefundWindowMs: e.AUTO_REFUND_WINDOW_HOURS * 60 * 60 * 1000,
    destinations: { slackChannel: e.SLACK_TRIAGE_CHANNEL ?? null, supportInbox: e.SUPPORT_INBOX ?? null },
    chat: {
      identitySecret: e.WIDGET_IDENTITY_SECRET ?? null,
      ttlMs: e.CONVERSATION_TTL_HOURS * 60 * 60 * 1000,
      ratePerMinute: e.CHAT_RATE_PER_MINUTE,
      rateBurst: e.CHAT_RATE_BURST,
      maxBodyBytes: e.CHAT_MAX_BODY_BYTES,
      events: { pollMs: e.CHAT_EVENTS_POLL_MS, heartbeatMs: e.CHAT_EVENTS_HEARTBEAT_MS, perClient: e.CHAT_EVENTS_PER_CLIENT },
      unreadMailMs: e.UNREAD_REPLY_MAIL_MINUTES * 60_000,
    },
    slack,
    widget: {
      allowedOrigins: parseOrigins(e.WIDGET_ALLOWED_ORIGINS),
      demoEmail: e.WIDGET_DEMO_EMAIL ?? 'maya@example.com',
      demo: e.WIDGET_DEMO ?? 'auto',
    },
    email: emailConfig(e),
    leaseMs: e.CLAIM_LEASE_SECONDS * 1000,
    outbox: { intervalMs: e.OUTBOX_INTERVAL_MS },
    metrics: { token: e.METRICS_TOKEN ?? null },
    incidents: {
      minAccounts: e.INCIDENT_MIN_ACCOUNTS,
      windowMs: e.INCIDENT_WINDOW_MINUTES * 60_000,
      quietMs: e.INCIDENT_QUIET_MINUTES * 60_000,
      sweepMs: e.INCIDENT_SWEEP_SECONDS * 1000,
    },
    console: { publicUrl: publicUrl(e.PUBLIC_URL, e.PORT) },
  };
}

/** `PUBLIC_URL`: an origin (the console is served at its /desk), without a path. */
function publicUrl(value: string | undefined, port: number): string {
  if (value === undefined) return `http://localhost:${port}`;
  const url = new URL(value);
  if (url.pathname !== '/' || url.search || url.hash) throw new Error(`configuration: PUBLIC_URL: give the origin only (as https://support.example.com), not ${value}`);
  return url.origin;
}

/** `WIDGET_ALLOWED_ORIGINS`: `*` (the default) or a comma-separated list of origins. */
function parseOrigins(value: string | undefined): '*' | string[] {
  const origins = (value ?? '*').split(',').map((o) => o.trim().replace(/\/+$/, '')).filter((o) => o !== '');
  if (origins.length === 0 || origins.includes('*')) return '*';
  for (const origin of origins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) throw new Error(`configuration: WIDGET_ALLOWED_ORIGINS: not an origin: ${origin}`);
  }
  return origins;
}

/** The Slack app's settings: the token and the signing secret come together, with a triage channel. */
function slackConfig(e: z.infer<typeof Env>): DeskConfig['slack'] {
  const { SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_TRIAGE_CHANNEL: triageChannel } = e;
  if (!botToken && !signingSecret) return null;
  if (!botToken) throw new Error('configuration: SLACK_BOT_TOKEN is required when SLACK_SIGNING_SECRET is set');
  if (!signingSecret) throw new Error('configuration: SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set');
  if (!triageChannel) throw new Error('configuration: SLACK_TRIAGE_CHANNEL is required when SLACK_BOT_TOKEN is set');
  const apiUrl = e.SLACK_API_URL ?? 'https://slack.com/api/';
  return { botToken, signingSecret, triageChannel, apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` };
}

/** Email settings: sending needs both SMTP_URL and SUPPORT_FROM. */
function emailConfig(e: z.infer<typeof Env>): DeskConfig['email'] {
  if (e.SMTP_URL && !e.SUPPORT_FROM) throw new Error('configuration: SUPPORT_FROM is required when SMTP_URL is set');
  if (e.MAIL_API_URL && !e.SUPPORT_FROM) throw new Error('configuration: SUPPORT_FROM is required when MAIL_API_URL is set');
  return {
    smtpUrl: e.SMTP_URL ?? null,
    mailApi: e.MAIL_API_URL ? { url: e.MAIL_API_URL, token: e.MAIL_API_TOKEN ?? null } : null,
    from: e.SUPPORT_FROM ?? null,
    inboundSecret: e.INBOUND_EMAIL_SECRET ?? null,
    trustedAuthservId: e.TRUSTED_AUTHSERV_ID?.toLowerCase() ?? null,
    autoReplyUnverifiedPerHour: e.AUTO_REPLY_UNVERIFIED_PER_HOUR,
  };
}
