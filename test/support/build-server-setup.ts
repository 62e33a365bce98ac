import { buildServer } from '../../scripts/build-server.ts';

/** Vitest's global setup (node project): compiles the server once, as `npm start`'s prestart does. */
export default async function setup(): Promise<void> {
  await buildServer();
}
