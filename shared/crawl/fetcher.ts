import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { BlockedByWafError, FetchError, RetryableFetchError, RobotsDeniedError } from '../errors.ts';
import { OriginMap } from './origin-map.ts';
import type { HostGate } from './politeness.ts';
import { RobotsCache, type RobotsStore } from './robots-cache.ts';

export interface FetchResult {
  /** Canonical URL asked for. */
  url: string;
  /** Canonical URL after redirects. */
  finalUrl: string;
  /** The URL actually requested, when a stand-in served a canonical origin. */
  fetchedFrom: string;
  status: number;
  headers: Record<string, string>;
  contentType: string | null;
  bytes: Uint8Array;
  fetchedAt: string;
  notModified: boolean;
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
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function retryAfterMs(value: string | undefined): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

async function readCapped(
  body: Readable,
  declaredLength: string | undefined,
  max: number,
  url: string,
  status: number,
): Promise<Uint8Array> {
  const tooLarge = () => new FetchError(`response exceeds the ${max}-byte cap`, url, 'too-large', status);
  if (Number(declaredLength ?? 'NaN') > max) {
    body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > max) {
      // Stop reading at once: the rest of a 30 MB page is never downloaded.
      body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/** Response headers as one string each (repeated ones joined, as fetch's Headers does). */
function flatHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function classifyNetworkError(error: unknown, url: string): FetchError {
  if (error instanceof FetchError) return error;
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
 * timeouts, a size cap, manual redirects, retries with backoff and jitter, WAF detection.
 */
export class HttpFetcher {
  private readonly map: OriginMap;
  private readonly robots: RobotsCache | null;
  private readonly sleep: (ms: number) => Promise<void>;
  /**
   * undici's own `request` rather than `fetch`: no WHATWG streams or Response objects per exchange, a
   * fraction of the allocation (the crawl bench's memory). Keep-alive connections, one per host in use.
   */
  private readonly dispatcher = new Agent({ keepAliveTimeout: 4_000, connections: 2 });

  constructor(private readonly o: FetcherOptions) {
    this.map = o.originMap ?? new OriginMap();
    this.sleep = o.sleep ?? defaultSleep;
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
      await this.assertAllowed(current);
      const actual = this.map.toActual(current);
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

  /** One request and its body, holding the host's gate for the whole exchange. */
  private exchange(actual: string, conditional: ConditionalHeaders, url: string): Promise<RawResponse> {
    return this.o.gate.run(new URL(actual).origin, async () => {
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
        const res = await request(actual, {
          method: 'GET',
          headers,
          signal: abort.signal,
          dispatcher: this.dispatcher,
        });
        clearTimeout(headersTimer);
        const status = res.statusCode;
        const flat = flatHeaders(res.headers);
        if ((status >= 300 && status < 400) || status === 304) {
          await res.body.dump().catch(() => undefined);
          return { status, headers: flat, bytes: new Uint8Array() };
        }
        const bytes = await readCapped(res.body, flat['content-length'], this.o.maxBytes, url, status);
        return { status, headers: flat, bytes };
      } catch (error) {
        throw classifyNetworkError(abort.signal.aborted ? (abort.signal.reason ?? error) : error, url);
      } finally {
        clearTimeout(headersTimer);
        clearTimeout(totalTimer);
      }
    });
  }

  private finish(url: string, canonical: string, actual: string, res: RawResponse): FetchResult {
    const { headers, bytes, status } = res;
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
      fetchedAt: (this.o.now?.() ?? new Date()).toISOString(),
      notModified: status === 304,
    };
  }
}
