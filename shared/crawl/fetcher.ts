import { Agent, buildConnector, type Dispatcher, ProxyAgent, request } from 'undici';
import { BlockedByWafError, FetchError, RetryableFetchError, RobotsDeniedError } from '../errors.ts';
import { readDecoded } from './content-encoding.ts';
import { type EgressProxy, egressFailure } from './egress-proxy.ts';
import { OriginMap } from './origin-map.ts';
import { type PeerRecord, withPeerRecord } from './peer-record.ts';
import type { HostGate } from './politeness.ts';
import { RobotsCache, type RobotsStore } from './robots-cache.ts';
import { findUnsafeAddress, type LookupAll, TargetGuard } from './ssrf.ts';

export interface FetchResult {
  /** Canonical URL asked for. */
  url: string;
  /** Canonical URL after redirects. */
  finalUrl: string;
  /** The URL actually requested, when a stand-in served a canonical origin. */
  fetchedFrom: string;
  status: number;
  /**
   * As the server sent them. When the body was decoded, `content-encoding` (and `content-length`) still
   * describe the bytes on the wire, and `x-nianbao-decoded-from` says which codings were removed.
   */
  headers: Record<string, string>;
  contentType: string | null;
  /** The page's bytes, Content-Encoding undone. */
  bytes: Uint8Array;
  /** The Content-Encoding codings removed from the bytes (`gzip`), when any was applied. */
  decodedFrom?: string;
  fetchedAt: string;
  notModified: boolean;
  /**
   * The final hop's peer: IP address and port connected to, TLS protocol, cipher and server certificate
   * (peer-record.ts). Null when it could not be recorded; a recording failure never fails the fetch.
   */
  peer: PeerRecord | null;
}

export interface FetcherOptions {
  userAgent: string;
  /** Whole request, headers and body. */
  timeoutMs: number;
  /** Until the response headers arrive (connect included): a dead host fails fast. Default: timeoutMs. */
  headersTimeoutMs?: number;
  maxBytes: number;
  maxRedirects: number;
  retries: number;
  backoffBaseMs: number;
  /** A Retry-After longer than this gives up for this cycle instead of holding a worker. Default 60 s. */
  maxRetryAfterMs?: number;
  gate: HostGate;
  originMap?: OriginMap;
  now?: () => Date;
  /** robots.txt honoured (default true). */
  robots?: boolean;
  /** Where robots.txt answers are kept between runs (the table); in memory only without it. */
  robotsStore?: RobotsStore;
  onRobotsStoreError?: (error: unknown) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /**
   * Exact origins (`http://127.0.0.1:43123`) that may be private: the SSRF guard refuses every other
   * loopback, private, link-local… target (ssrf.ts). The stand-ins `originMap` names are trusted too.
   */
  allowPrivateOrigins?: readonly string[];
  /** Resolves names for the guard, which judges every answer (default dns.lookup); tests give a table. */
  lookup?: LookupAll;
  /**
   * The operator's egress proxy (NIANBAO_HTTP_PROXY): every request goes through it as a CONNECT tunnel.
   * The guard then judges each target before the tunnel is asked for (egress-proxy.ts says what the
   * proxy's second resolution leaves to its own policy); the proxy failing is our fault, not the portal's.
   */
  egressProxy?: EgressProxy;
  /**
   * PEM trust anchors replacing Node's bundled CA list for https (tls.connect's `ca`). Tests only: a loopback
   * HTTPS server's own certificate. Unset in both runtimes.
   */
  ca?: string | string[];
}

/** The crawler's limits, shared by every runtime: a 20 MB cap, 5 redirects, 2 retries from a 500 ms backoff. */
export const FETCH_DEFAULTS = {
  maxBytes: 20 * 1024 * 1024,
  maxRedirects: 5,
  retries: 2,
  backoffBaseMs: 500,
} as const;

export interface ConditionalHeaders {
  etag?: string | undefined;
  lastModified?: string | undefined;
}

/** What one HTTP exchange produced, body read inside the host gate. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  bytes: Uint8Array;
  /** Content-Encoding codings removed from `bytes`, or null. */
  decodedFrom?: string | null;
  /** Who answered (peer-record.ts); null when not recorded. */
  peer?: PeerRecord | null;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function retryAfterMs(value: string | undefined): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** Response headers as one string each (repeated ones joined, as fetch's Headers does). */
function flatHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function classifyNetworkError(error: unknown, url: string): FetchError {
  if (error instanceof FetchError) return error;
  const unsafe = findUnsafeAddress(error);
  if (unsafe) return unsafe.toTargetError(url);
  const cause = (error as { cause?: { code?: string; name?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code ?? '';
  const name = (error as { name?: string }).name ?? '';
  if (
    ['TimeoutError', 'AbortError'].includes(name) ||
    cause?.name === 'TimeoutError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  ) {
    return new RetryableFetchError(`timed out fetching ${url}`, url, 'timeout', null, null, { cause: error });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new FetchError(`DNS lookup failed for ${url}`, url, 'dns', null, { cause: error });
  }
  return new RetryableFetchError(
    `network error (${code || name}) fetching ${url}`,
    url,
    'network',
    null,
    null,
    {
      cause: error,
    },
  );
}

/**
 * Plain HTTP with robots.txt, per-host politeness (the whole exchange, body included, holds the host),
 * timeouts, a size cap on the decoded body, Content-Encoding decoding, manual redirects, retries with
 * backoff and jitter, WAF detection, and the SSRF guard: every hop (redirects, robots.txt, attachments)
 * is refused with UnsafeTargetError when it names or resolves to a private address (ssrf.ts).
 */
export class HttpFetcher {
  private readonly map: OriginMap;
  private readonly robots: RobotsCache | null;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly guard: TargetGuard;
  /**
   * undici's own `request` rather than `fetch`: no WHATWG streams or Response objects per exchange, a
   * fraction of the allocation (the crawl bench's memory). Keep-alive connections, one per host in use.
   */
  private readonly dispatcher: Dispatcher;

  constructor(private readonly o: FetcherOptions) {
    this.map = o.originMap ?? new OriginMap();
    this.sleep = o.sleep ?? defaultSleep;
    // A stand-in the origin map names is configuration, as trusted as the allow-list.
    const standIn = (origin: string) => this.map.toCanonical(`${origin}/`) !== `${origin}/`;
    this.guard = new TargetGuard({
      allowPrivateOrigins: o.allowPrivateOrigins,
      trusted: standIn,
      lookup: o.lookup,
    });
    // Names are resolved and checked where the socket connects (no resolve-then-connect race); allowed
    // origins connect unchecked (`localhost:43123` may be allowed). IP literals never reach a lookup:
    // `exchange` checks them first.
    // No TLS session resumption: a resumed session presents no certificate, and each connection's record
    // (peer-record.ts) names the certificate it was shown. Connections are kept alive, so few handshakes.
    const tls = { maxCachedSessions: 0, ...(o.ca ? { ca: o.ca } : {}) };
    const guarded = buildConnector({ lookup: this.guard.lookup, ...tls });
    const plain = buildConnector({ ...tls });
    this.dispatcher = o.egressProxy
      ? new ProxyAgent({
          uri: o.egressProxy.url.href,
          keepAliveTimeout: 4_000,
          connections: 2,
          requestTls: tls,
          ...(o.egressProxy.authorization ? { token: o.egressProxy.authorization } : {}),
        })
      : new Agent({
          keepAliveTimeout: 4_000,
          connections: 2,
          connect: (opts, callback) =>
            (this.guard.allows(`${opts.protocol}//${opts.host ?? opts.hostname}`) ? plain : guarded)(
              opts,
              callback,
            ),
        });
    this.robots =
      o.robots === false
        ? null
        : new RobotsCache({
            userAgent: o.userAgent,
            gate: o.gate,
            get: (url) => this.exchange(this.map.toActual(url), {}, url),
            gateOrigin: (origin) => new URL(this.map.toActual(`${origin}/`)).origin,
            clock: () => (o.now?.() ?? new Date()).getTime(),
            ...(o.robotsStore ? { store: o.robotsStore } : {}),
            ...(o.onRobotsStoreError ? { onStoreError: o.onRobotsStoreError } : {}),
          });
  }

  /** Finishes the robots.txt cache's writes and closes the kept-alive connections. */
  async close(): Promise<void> {
    await this.flush();
    await this.dispatcher.close();
  }

  /** Waits for the robots.txt cache's writes still in flight (end of a Lambda invocation). */
  async flush(): Promise<void> {
    await this.robots?.flush();
  }

  /** Throws RobotsDeniedError when robots.txt keeps us off this (canonical) URL. */
  async assertAllowed(url: string): Promise<void> {
    if (this.robots && !(await this.robots.allowed(url))) throw new RobotsDeniedError(url);
  }

  async fetch(url: string, conditional: ConditionalHeaders = {}): Promise<FetchResult> {
    let attempt = 0;
    for (;;) {
      try {
        return await this.fetchOnce(url, conditional);
      } catch (error) {
        if (!(error instanceof RetryableFetchError) || attempt >= this.o.retries) throw error;
        const jitter = 0.5 + (this.o.random ?? Math.random)();
        const wait = Math.max(this.o.backoffBaseMs * 2 ** attempt * jitter, error.retryAfterMs ?? 0);
        // Asked to come back much later: give up for this cycle rather than hold a worker.
        if (wait > (this.o.maxRetryAfterMs ?? 60_000)) throw error;
        await this.sleep(wait);
        attempt += 1;
      }
    }
  }

  private async fetchOnce(url: string, conditional: ConditionalHeaders): Promise<FetchResult> {
    const visited = new Set<string>();
    let current = url;
    for (let hop = 0; hop <= this.o.maxRedirects; hop += 1) {
      if (visited.has(current)) throw new FetchError(`redirect loop at ${current}`, url, 'redirects');
      visited.add(current);
      const actual = this.map.toActual(current);
      // Before robots.txt: asking an unsafe host for its robots.txt would already be the request refused.
      this.guard.assertLiteral(actual, current);
      await this.assertAllowed(current);
      const res = await this.exchange(actual, conditional, url);
      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        const location = res.headers.location;
        if (!location)
          throw new FetchError(`redirect without Location from ${current}`, url, 'redirects', res.status);
        current = this.map.toCanonical(new URL(location, actual).href);
        continue;
      }
      return this.finish(url, current, actual, res);
    }
    throw new FetchError(`more than ${this.o.maxRedirects} redirects from ${url}`, url, 'redirects');
  }

  /**
   * One request and its body, holding the host's gate for the whole exchange. An unsafe target is
   * UnsafeTargetError naming `actual` (the URL refused, not the one first asked for).
   */
  private exchange(actual: string, conditional: ConditionalHeaders, url: string): Promise<RawResponse> {
    this.guard.assertLiteral(actual);
    return this.o.gate.run(new URL(actual).origin, async () => {
      // Through a proxy no socket of ours reaches the target: its name is judged here, every address.
      if (this.o.egressProxy) await this.guard.assertResolved(actual, url);
      const headers: Record<string, string> = {
        'user-agent': this.o.userAgent,
        accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
        'accept-language': 'zh-CN,zh;q=0.9',
      };
      if (conditional.etag) headers['if-none-match'] = conditional.etag;
      if (conditional.lastModified) headers['if-modified-since'] = conditional.lastModified;
      const abort = new AbortController();
      const timeout = (what: string) => () =>
        abort.abort(new DOMException(`${what} in time from ${actual}`, 'TimeoutError'));
      const headersTimer = setTimeout(
        timeout('no response headers'),
        this.o.headersTimeoutMs ?? this.o.timeoutMs,
      );
      const totalTimer = setTimeout(timeout('no complete response'), this.o.timeoutMs);
      try {
        const { result: res, peer } = await withPeerRecord(
          actual,
          () =>
            request(actual, { method: 'GET', headers, signal: abort.signal, dispatcher: this.dispatcher }),
          this.o.egressProxy ? 'proxy' : undefined,
        );
        clearTimeout(headersTimer);
        const status = res.statusCode;
        const flat = flatHeaders(res.headers);
        if ((status >= 300 && status < 400) || status === 304) {
          await res.body.dump().catch(() => undefined);
          return { status, headers: flat, bytes: new Uint8Array(), peer };
        }
        const body = await readDecoded(res.body, flat, this.o.maxBytes, url, status);
        if (body.decodedFrom) flat['x-nianbao-decoded-from'] = body.decodedFrom;
        return { status, headers: flat, bytes: body.bytes, decodedFrom: body.decodedFrom, peer };
      } catch (error) {
        const unsafe = findUnsafeAddress(error);
        if (unsafe) throw unsafe.toTargetError(actual);
        if (this.o.egressProxy) {
          const ours = egressFailure(error, this.o.egressProxy);
          if (ours) throw ours;
        }
        throw classifyNetworkError(abort.signal.aborted ? (abort.signal.reason ?? error) : error, url);
      } finally {
        clearTimeout(headersTimer);
        clearTimeout(totalTimer);
      }
    });
  }

  private finish(url: string, canonical: string, actual: string, res: RawResponse): FetchResult {
    const { headers, bytes, status, decodedFrom, peer } = res;
    const body = () => Buffer.from(bytes.subarray(0, 65536)).toString('latin1');
    if (status === 412 && body().includes('$_ts')) {
      throw new BlockedByWafError(`anti-bot challenge (瑞数, HTTP 412) at ${url}`, url, 412, 'ruishu');
    }
    if (status === 521 && (headers['x-via-jsl'] !== undefined || /jsl|__jsl_clearance/i.test(body()))) {
      throw new BlockedByWafError(`anti-bot challenge (加速乐, HTTP 521) at ${url}`, url, 521, 'jiasule');
    }
    if (status >= 500 || status === 429) {
      const cls = status === 429 ? 'rate-limited' : 'http-5xx';
      const retry = retryAfterMs(headers['retry-after']);
      throw new RetryableFetchError(`HTTP ${status} from ${url}`, url, cls, status, retry);
    }
    if (status >= 400) throw new FetchError(`HTTP ${status} from ${url}`, url, 'http-4xx', status);
    return {
      url,
      finalUrl: canonical,
      fetchedFrom: actual,
      status,
      headers,
      contentType: headers['content-type'] ?? null,
      bytes,
      ...(decodedFrom ? { decodedFrom } : {}),
      fetchedAt: (this.o.now?.() ?? new Date()).toISOString(),
      notModified: status === 304,
      peer: peer ?? null,
    };
  }
}
