import { readFile } from 'node:fs/promises';
import { loadConfig } from '../config.ts';
import { decodeBody } from '../crawl/decode.ts';
import { egressProxyOption } from '../crawl/egress-proxy.ts';
import { FETCH_DEFAULTS, HttpFetcher } from '../crawl/fetcher.ts';
import { HostGate } from '../crawl/politeness.ts';
import type { Body } from '../domain/body.ts';
import type { ParseResult } from '../domain/report.ts';
import { parseReport } from '../parse/parse-report.ts';
import { sha256Hex } from '../store/archive.ts';
import { readRegistry } from './registry-file.ts';

export interface ReadPage {
  text: string;
  html: boolean;
  /** Where it came from: the URL fetched (after redirects) or the file path. */
  url: string;
  sha256: string;
}

const looksLikeHtml = (text: string): boolean =>
  /<(html|head|body|meta|div|p|table)[\s>]/i.test(text.slice(0, 4096));

/**
 * One page for the one-off commands (`parse`, `check`): a saved file, or a URL fetched with the crawler's
 * fetcher (timeouts, size cap, retries, WAF detection, the project's user agent). Decoded like a crawled
 * page: header, then <meta charset>, then sniffing; gb2312/gbk as gb18030.
 */
export async function readPage(target: string): Promise<ReadPage> {
  if (/^https?:\/\//i.test(target)) {
    const config = loadConfig();
    const fetcher = new HttpFetcher({
      userAgent: config.NIANBAO_USER_AGENT,
      timeoutMs: config.NIANBAO_FETCH_TIMEOUT_MS,
      ...FETCH_DEFAULTS,
      gate: new HostGate(0, 1),
      allowPrivateOrigins: config.NIANBAO_ALLOW_PRIVATE_ORIGINS,
      ...egressProxyOption(config.NIANBAO_HTTP_PROXY),
      // A person asking for one page is not a crawler; robots.txt governs the pipeline's crawls.
      robots: false,
    });
    const res = await fetcher.fetch(target);
    const decoded = decodeBody(res.bytes, res.contentType);
    const html = !res.contentType || /html/i.test(res.contentType) || looksLikeHtml(decoded.text);
    return { text: decoded.text, html, url: res.finalUrl, sha256: sha256Hex(res.bytes) };
  }
  const bytes = new Uint8Array(await readFile(target));
  const text = decodeBody(bytes, null).text;
  return {
    text,
    html: /\.x?html?$/i.test(target) || looksLikeHtml(text),
    url: target,
    sha256: sha256Hex(bytes),
  };
}

/** The registry when it can be read; a missing or broken file means "unmatched issuer", not a failure. */
export async function optionalRegistry(path: string): Promise<Body[]> {
  try {
    return (await readRegistry(path)).bodies;
  } catch {
    return [];
  }
}

/** Reads and parses one page; `sourceUrl` names where a saved file was served from. */
export async function parsePage(
  target: string,
  options: { sourceUrl?: string | undefined; registry: readonly Body[] },
): Promise<ParseResult> {
  const page = await readPage(target);
  const url = options.sourceUrl ?? (/^https?:/.test(page.url) ? page.url : `file://${page.url}`);
  const base = { url, sha256: page.sha256, registry: options.registry };
  return parseReport(page.html ? { ...base, html: page.text } : { ...base, text: page.text });
}
