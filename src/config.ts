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
  SLACK_TRIAGE_CHANNEL: optionalString,
  SUPPORT_INBOX: optionalString.pipe(z.email().optional()),
  WIDGET_IDENTITY_SECRET: optionalString,
  CONVERSATION_TTL_HOURS: int(24, 1),
  CHAT_RATE_PER_MINUTE: int(60, 1),
  CHAT_RATE_BURST: int(20, 1),
  CHAT_MAX_BODY_BYTES: int(16 * 1024, 256),
});

export interface DeskConfig {
  port: number;
  dbPath: string;
  platform: { kind: 'embedded' } | { kind: 'http'; baseUrl: string; token: string; timeoutMs: number };
  autoRefundLimit: number;
  destinations: { slackChannel: string | null; supportInbox: string | null };
  chat: { identitySecret: string | null; ttlMs: number; ratePerMinute: number; rateBurst: number; maxBodyBytes: number };
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
  return {
    port: e.PORT,
    dbPath: e.SUPPORT_DB_PATH ?? DEFAULT_DB_PATH,
    platform: e.PLATFORM_API_URL
      ? { kind: 'http', baseUrl: e.PLATFORM_API_URL, token: e.PLATFORM_API_TOKEN ?? '', timeoutMs: e.PLATFORM_API_TIMEOUT_MS }
      : { kind: 'embedded' },
    autoRefundLimit: e.AUTO_REFUND_LIMIT,
    destinations: { slackChannel: e.SLACK_TRIAGE_CHANNEL ?? null, supportInbox: e.SUPPORT_INBOX ?? null },
    chat: {
      identitySecret: e.WIDGET_IDENTITY_SECRET ?? null,
      ttlMs: e.CONVERSATION_TTL_HOURS * 60 * 60 * 1000,
      ratePerMinute: e.CHAT_RATE_PER_MINUTE,
      rateBurst: e.CHAT_RATE_BURST,
      maxBodyBytes: e.CHAT_MAX_BODY_BYTES,
    },
  };
}
