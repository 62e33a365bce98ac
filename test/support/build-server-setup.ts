import { buildServer } from '../../scripts/server-bundle.ts';

/** Vitest's global setup (node project): compiles the server once, as `npm start`'s prestart does. */
export default async function setup(): Promise<void> {
  await buildServer();
}
