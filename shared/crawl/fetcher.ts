import { BlockedByWafError, FetchError, RetryableFetchError } from '../errors.ts';
import { OriginMap } from './origin-map.ts';
import type { HostGate } from './politeness.ts';

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
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  retries: number;
  backoffBaseMs: number;
  gate: HostGate;
  originMap?: OriginMap;
  now?: () => Date;
}

export interface ConditionalHeaders {
  etag?: string | undefined;
  lastModified?: string | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function retryAfterMs(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

async function readCapped(res: Response, max: number, url: string): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? 'NaN');
  if (declared > max) {
    await res.body?.cancel();
    throw new FetchError(
      `response of ${declared} bytes exceeds the ${max}-byte cap`,
      url,
      'too-large',
      res.status,
    );
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (!res.body) return new Uint8Array();
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > max) {
      await res.body.cancel().catch(() => undefined);
      throw new FetchError(`response exceeds the ${max}-byte cap`, url, 'too-large', res.status);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function classifyNetworkError(error: unknown, url: string): FetchError {
  const cause = (error as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code ?? '';
  const name = (error as { name?: string }).name ?? '';
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT') {
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

/** Plain HTTP with timeouts, a size cap, manual redirects, retries with backoff and jitter, WAF detection. */
export class HttpFetcher {
  private readonly map: OriginMap;
  requests = 0;

  constructor(private readonly o: FetcherOptions) {
    this.map = o.originMap ?? new OriginMap();
  }

  async fetch(url: string, conditional: ConditionalHeaders = {}): Promise<FetchResult> {
    let attempt = 0;
    for (;;) {
      try {
        return await this.fetchOnce(url, conditional);
      } catch (error) {
        if (!(error instanceof RetryableFetchError) || attempt >= this.o.retries) throw error;
        const backoff = this.o.backoffBaseMs * 2 ** attempt * (0.5 + Math.random());
        await sleep(Math.min(30_000, Math.max(backoff, error.retryAfterMs ?? 0)));
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
      const origin = new URL(actual).origin;
      const res = await this.o.gate.run(origin, () => this.request(actual, conditional, url));
      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        const location = res.headers.get('location');
        await res.body?.cancel();
        if (!location)
          throw new FetchError(`redirect without Location from ${current}`, url, 'redirects', res.status);
        current = this.map.toCanonical(new URL(location, actual).href);
        continue;
      }
      return this.finish(url, current, actual, res);
    }
    throw new FetchError(`more than ${this.o.maxRedirects} redirects from ${url}`, url, 'redirects');
  }

  private async request(actual: string, conditional: ConditionalHeaders, url: string): Promise<Response> {
    this.requests += 1;
    const headers: Record<string, string> = {
      'user-agent': this.o.userAgent,
      accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
      'accept-language': 'zh-CN,zh;q=0.9',
    };
    if (conditional.etag) headers['if-none-match'] = conditional.etag;
    if (conditional.lastModified) headers['if-modified-since'] = conditional.lastModified;
    try {
      return await fetch(actual, {
        headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
    } catch (error) {
      throw classifyNetworkError(error, url);
    }
  }

  private async finish(url: string, canonical: string, actual: string, res: Response): Promise<FetchResult> {
    const headers = Object.fromEntries(res.headers.entries());
    let bytes: Uint8Array;
    try {
      bytes = res.status === 304 ? new Uint8Array() : await readCapped(res, this.o.maxBytes, url);
    } catch (error) {
      if (error instanceof FetchError) throw error;
      throw classifyNetworkError(error, url);
    }
    const body = () => Buffer.from(bytes.subarray(0, 65536)).toString('latin1');
    if (res.status === 412 && body().includes('$_ts')) {
      throw new BlockedByWafError(`anti-bot challenge (瑞数, HTTP 412) at ${url}`, url, 412, 'ruishu');
    }
    if (res.status === 521 && (headers['x-via-jsl'] !== undefined || /jsl|__jsl_clearance/i.test(body()))) {
      throw new BlockedByWafError(`anti-bot challenge (加速乐, HTTP 521) at ${url}`, url, 521, 'jiasule');
    }
    if (res.status >= 500 || res.status === 429) {
      const retry = retryAfterMs(res.headers.get('retry-after'));
      throw new RetryableFetchError(`HTTP ${res.status} from ${url}`, url, 'http-5xx', res.status, retry);
    }
    if (res.status >= 400)
      throw new FetchError(`HTTP ${res.status} from ${url}`, url, 'http-4xx', res.status);
    return {
      url,
      finalUrl: canonical,
      fetchedFrom: actual,
      status: res.status,
      headers,
      contentType: res.headers.get('content-type'),
      bytes,
      fetchedAt: (this.o.now?.() ?? new Date()).toISOString(),
      notModified: res.status === 304,
    };
  }
}
