import { buildServer } from './server-bundle.ts';

/** `npm start`'s prestart: compiles the server into dist/server/node.mjs (see server-bundle.ts). */
await buildServer();
