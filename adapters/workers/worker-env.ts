import type { D1Database } from '@cloudflare/workers-types';

/** A Worker's bindings: the D1 database and the variables and secrets of its wrangler config. */
export interface WorkerEnv {
  DB: D1Database;
  [variable: string]: unknown;
}

/** The string-valued bindings (vars and secrets), as the configuration reads them. */
export function variables(env: WorkerEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(env)) if (typeof value === 'string') out[key] = value;
  return out;
}
