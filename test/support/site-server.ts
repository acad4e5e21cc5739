import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One request as a test site saw it: when it started and ended, what the client sent, and what this one
 * response sent back. Everything about a response is recorded on its own entry, never in a counter shared
 * by the site's requests, so a retry (a new request) is told apart from the attempt it repeats.
 */
export interface SiteRequest {
  path: string;
  start: number;
  end: number;
  /** Requests to this site in flight when this one arrived (itself included). */
  inFlight: number;
  cookie: string | undefined;
  userAgent: string | undefined;
  /** The status line sent, or null when none was (the socket was reset, or the client gave up first). */
  status: number | null;
  /** Body bytes this response handed to its socket (headers not counted). */
  bytesSent: number;
  /** The whole response was flushed; false when the client hung up (or the socket died) before its end. */
  completed: boolean;
}

export interface Site {
  /** `http://127.0.0.1:<port>` (or the host asked for). */
  origin: string;
  requests: SiteRequest[];
  /** The most requests this site ever had in flight at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

export type SiteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** A real HTTP server on loopback, port 0, instrumented for politeness checks. */
export async function startSite(
  handler: SiteHandler,
  options: { host?: string; listenHost?: string } = {},
): Promise<Site> {
  let inFlight = 0;
  const site: Site = { origin: '', requests: [], maxInFlight: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    inFlight += 1;
    site.maxInFlight = Math.max(site.maxInFlight, inFlight);
    const entry: SiteRequest = {
      path: req.url ?? '/',
      start: Date.now(),
      end: 0,
      inFlight,
      cookie: req.headers.cookie,
      userAgent: req.headers['user-agent'],
      status: null,
      bytesSent: 0,
      completed: false,
    };
    site.requests.push(entry);
    countBodyBytes(res, entry);
    res.once('finish', () => {
      entry.completed = true;
    });
    // 'close' fires when the response is done or the socket dies (a reset, an aborted download).
    res.once('close', () => {
      inFlight -= 1;
      entry.end = Date.now();
      entry.status = res.headersSent ? res.statusCode : null;
    });
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.listenHost ?? '127.0.0.1', () =>
      resolve((server.address() as AddressInfo).port),
    );
  });
  site.origin = `http://${options.host ?? '127.0.0.1'}:${port}`;
  site.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return site;
}

/** Counts the body bytes a handler writes into this response's own entry (write and end both). */
function countBodyBytes(res: ServerResponse, entry: SiteRequest): void {
  const count = (chunk: unknown, encoding: unknown) => {
    // A write after the client hung up goes nowhere: it is not counted as sent.
    if (res.destroyed || res.writableEnded) return;
    if (typeof chunk === 'string') {
      entry.bytesSent += Buffer.byteLength(
        chunk,
        typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
      );
    } else if (chunk instanceof Uint8Array) {
      entry.bytesSent += chunk.byteLength;
    }
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((...args: unknown[]) => {
    count(args[0], args[1]);
    return write(...args);
  }) as ServerResponse['write'];
  res.end = ((...args: unknown[]) => {
    if (typeof args[0] !== 'function') count(args[0], args[1]);
    return end(...args);
  }) as ServerResponse['end'];
}

/** Sends a page with a strong ETag and answers a matching If-None-Match with 304, as CMS servers do. */
export function sendPage(
  req: IncomingMessage,
  res: ServerResponse,
  bytes: Uint8Array,
  contentType: string,
  status = 200,
  extra: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  const etag = `"${createHash('sha1').update(bytes).digest('hex').slice(0, 16)}"`;
  if (status === 200 && req.headers['if-none-match'] === etag) {
    res.writeHead(304, { ETag: etag, ...extra }).end();
    return;
  }
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': bytes.byteLength,
    ETag: etag,
    ...extra,
  });
  res.end(bytes);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A minimal 年报 column: the report link among decoys, TRS-style paths. */
export function listingPageHtml(
  title: string,
  links: ReadonlyArray<{ href: string; title: string }>,
  charset = 'utf-8',
): string {
  const items = links.map((l) => `<li><a href="${l.href}" title="${l.title}">${l.title}</a></li>`).join('\n');
  return `<!DOCTYPE html><html><head><meta charset="${charset}"><title>${title}</title></head>
<body><div class="list"><ul>
${items}
</ul></div></body></html>`;
}
