import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

/** An app served by `@hono/node-server` on a free port of 127.0.0.1, as `npm start` serves it. */
export interface ServedApp {
  url: string;
  /** Stops the server, dropping the keep-alive connections a test's fetch would hold open. */
  close(): Promise<void>;
  /** Drops every open connection (streams included) and keeps serving: the network failing under a client. */
  dropConnections(): void;
}

export async function serveApp(app: { fetch: Parameters<typeof serve>[0]['fetch'] }): Promise<ServedApp> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropConnections: () => {
      if ('closeAllConnections' in server) server.closeAllConnections();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
