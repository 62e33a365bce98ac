import { applyD1Migrations, env } from 'cloudflare:test';

// Every test file starts from drizzle-kit's schema, as `wrangler d1 migrations apply` would leave it.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
