import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './adapters/db/schema.ts',
  out: './adapters/db/migrations',
});
