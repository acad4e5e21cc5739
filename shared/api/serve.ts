import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { StageContext } from '../stages/context.ts';
import { type ApiOptions, createApp } from './app.ts';

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The HTTP API of the embedded runtime: the same Hono app the api Lambda adapts, on loopback
 * (port 0 picks a free one).
 */
export function serveApi(
  ctx: StageContext,
  options: ApiOptions & { port?: number; hostname?: string } = {},
): Promise<ApiServer> {
  const hostname = options.hostname ?? '127.0.0.1';
  // Links use the configured public URL, else this server's own address once it listens (never a Host header).
  let listening: string | undefined;
  const app = createApp(ctx, {
    ...options,
    publicUrl: options.publicUrl ?? (() => listening ?? ctx.publicUrl),
  });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname }, (info: AddressInfo) => {
      listening = `http://${hostname}:${info.port}`;
      resolve({
        url: `http://${hostname}:${info.port}`,
        close: () =>
          new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done()))),
      });
    });
  });
}
