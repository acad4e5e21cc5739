import { BlockedByWafError, FetchError, RetryableFetchError, RobotsDeniedError } from '../errors.ts';
import { OriginMap } from './origin-map.ts';
import type { HostGate } from './politeness.ts';
import { RobotsCache } from './robots-cache.ts';

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

async function readCapped(res: Response, max: number, url: string): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? 'NaN');
  const tooLarge = () => new FetchError(`response exceeds the ${max}-byte cap`, url, 'too-large', res.status);
  if (declared > max) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!res.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > max) {
      // Stop reading at once: the rest of a 30 MB page is never downloaded.
      await res.body.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
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
  /** HTTP requests sent, robots.txt included (the bench's requests-per-body figure). */
  requests = 0;

  constructor(private readonly o: FetcherOptions) {
    this.map = o.originMap ?? new OriginMap();
    this.sleep = o.sleep ?? defaultSleep;
    this.robots =
      o.robots === false
        ? null
        : new RobotsCache({
            userAgent: o.userAgent,
            gate: o.gate,
            get: (actual) => this.exchange(actual, {}, actual),
          });
  }

  /** Throws RobotsDeniedError when robots.txt keeps us off this (canonical) URL. */
  async assertAllowed(url: string): Promise<void> {
    if (this.robots && !(await this.robots.allowed(this.map.toActual(url)))) throw new RobotsDeniedError(url);
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
      this.requests += 1;
      const headers: Record<string, string> = {
        'user-agent': this.o.userAgent,
        accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
        'accept-language': 'zh-CN,zh;q=0.9',
      };
      if (conditional.etag) headers['if-none-match'] = conditional.etag;
      if (conditional.lastModified) headers['if-modified-since'] = conditional.lastModified;
      const first = new AbortController();
      const timer = setTimeout(
        () => first.abort(new DOMException('no response headers in time', 'TimeoutError')),
        this.o.headersTimeoutMs ?? this.o.timeoutMs,
      );
      const signal = AbortSignal.any([first.signal, AbortSignal.timeout(this.o.timeoutMs)]);
      try {
        const res = await fetch(actual, { headers, redirect: 'manual', signal });
        clearTimeout(timer);
        const isRedirect = res.status >= 300 && res.status < 400;
        if (isRedirect || res.status === 304) await res.body?.cancel().catch(() => undefined);
        const bytes =
          isRedirect || res.status === 304 ? new Uint8Array() : await readCapped(res, this.o.maxBytes, url);
        return { status: res.status, headers: Object.fromEntries(res.headers.entries()), bytes };
      } catch (error) {
        throw classifyNetworkError(signal.aborted ? (signal.reason ?? error) : error, url);
      } finally {
        clearTimeout(timer);
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
