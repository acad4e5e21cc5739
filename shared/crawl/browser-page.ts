import type { Frame, Page, Response } from 'playwright-core';
import { UnsafeTargetError } from '../errors.ts';
import type { TargetGuard } from './ssrf.ts';

/** Listings need their scripts and data, not pictures: fewer requests to the host, less memory. */
const SKIPPED_RESOURCES = new Set(['image', 'media', 'font']);

/** Schemes a page may load without the network (the guard judges http and https). */
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:']);

export interface WatchOptions {
  /** Reloads an anti-bot challenge may take; more main-frame documents than 1 + this are aborted. */
  maxReloads: number;
  guard: TargetGuard;
  /** Decoded bytes the page may receive in all (documents, frames, scripts, XHR) before it is closed. */
  maxBytes: number;
}

/**
 * Watches one page: the statuses of its main-frame documents as they arrive (a challenge's reload that
 * beats us is not missed); every request judged by the SSRF guard (IP literal, then the addresses its
 * name resolves to) and aborted when unsafe, in any frame, of any kind; no pictures, fonts or media; at
 * most `maxReloads` reloads, so a wall that reloads forever cannot hammer the host; and the decoded bytes
 * received counted from Chromium's own network events (CDP Network.dataReceived), the page closed at once
 * when they pass `maxBytes`: a gzip bomb stops there, in Chromium and in this process.
 */
export async function watchPage(page: Page, o: WatchOptions) {
  const statuses: number[] = [];
  const navigations: string[] = [];
  let documents = 0;
  let exhausted = false;
  let refused: UnsafeTargetError | null = null;
  let received = 0;
  let over = false;
  let wake: (() => void) | undefined;
  /** Verdicts per origin for this page: one resolution per host, not per request. */
  const verdicts = new Map<string, Promise<{ host: string; reason: string } | null>>();
  const isMain = (frame: Frame) => frame === page.mainFrame();

  const verdict = (url: URL) => {
    let v = verdicts.get(url.origin);
    if (!v) {
      v = o.guard.assertResolved(url.href).then(
        () => null,
        (e: UnsafeTargetError) => ({ host: e.host, reason: e.reason }),
      );
      verdicts.set(url.origin, v);
    }
    return v;
  };

  page.on('request', (r) => {
    if (r.isNavigationRequest() && isMain(r.frame())) navigations.push(r.url());
  });
  page.on('response', (r: Response) => {
    if (!r.request().isNavigationRequest() || !isMain(r.frame())) return;
    statuses.push(r.status());
    wake?.();
  });
  await page.route('**/*', async (route) => {
    const req = route.request();
    const main = req.isNavigationRequest() && isMain(req.frame());
    if (main) {
      documents += 1;
      if (documents > 1 + o.maxReloads) {
        exhausted = true;
        wake?.();
        return route.abort('blockedbyclient').catch(() => undefined);
      }
    }
    if (SKIPPED_RESOURCES.has(req.resourceType())) return route.abort().catch(() => undefined);
    const url = new URL(req.url());
    if (!LOCAL_SCHEMES.has(url.protocol)) {
      const unsafe = /^https?:$/.test(url.protocol)
        ? await verdict(url)
        : { host: url.protocol, reason: 'not http(s)' };
      if (unsafe) {
        if (main) refused = new UnsafeTargetError(url.href, unsafe.host, unsafe.reason);
        return route.abort('blockedbyclient').catch(() => undefined);
      }
    }
    return route.continue().catch(() => undefined);
  });

  const cdp = await page.context().newCDPSession(page);
  cdp.on('Network.dataReceived', (e: { dataLength: number }) => {
    received += e.dataLength;
    if (received > o.maxBytes && !over) {
      over = true;
      wake?.();
      // Closing is the one stop that covers every stream at once; render() reports 'too-large'.
      void page.close().catch(() => undefined);
    }
  });
  // Our own session keeps no copies of bodies: it only counts them.
  await cdp.send('Network.enable', { maxTotalBufferSize: 0, maxResourceBufferSize: 0 });

  return {
    latest: () => statuses.at(-1) ?? 0,
    count: () => statuses.length,
    /** The main-frame navigation the guard refused, if any. */
    refused: () => refused,
    /** Main-frame navigation requests so far, redirects included (the proxy may have refused the last). */
    lastNavigation: () => navigations.at(-1),
    overBudget: () => over,
    received: () => received,
    /** True once more than `seen` documents arrived; false after the timeout, once reloads ran out or the page was closed. */
    next(seen: number, timeoutMs: number): Promise<boolean> {
      return new Promise((resolve) => {
        const check = () => {
          if (statuses.length > seen || exhausted || over) {
            clearTimeout(timer);
            wake = undefined;
            resolve(statuses.length > seen);
          }
        };
        const timer = setTimeout(() => {
          wake = undefined;
          resolve(statuses.length > seen);
        }, timeoutMs);
        wake = check;
        check();
      });
    },
  };
}

export type PageWatch = Awaited<ReturnType<typeof watchPage>>;

/**
 * A frame's document as page.content() gives it (doctype, then the root's outerHTML), serialised inside
 * Chromium and sent here only when at most `maxChars` long; otherwise its length (the caller reports
 * 'too-large'), so a huge DOM never becomes a string in this process. Chromium's own error page (a load
 * that failed or was aborted) is no document of the site: ''.
 */
export async function readDocument(frame: Frame, maxChars: number): Promise<string | { length: number }> {
  return frame.evaluate((max) => {
    if (location.protocol === 'chrome-error:') return '';
    let html = document.doctype ? new XMLSerializer().serializeToString(document.doctype) : '';
    if (document.documentElement) html += document.documentElement.outerHTML;
    return html.length > max ? { length: html.length } : html;
  }, maxChars);
}

/** Second-level labels under which a registrable name has three labels (`jzq.gov.cn`, `example.com.cn`). */
const SECOND_LEVEL = new Set(['gov', 'com', 'net', 'org', 'edu', 'ac', 'co', 'mil']);

/**
 * The site of a URL (scheme + registrable name) without the public-suffix list: an IP's site is the
 * IP; a name's is its last two labels, or three under a two-letter country code's gov/com/net/org/edu/ac
 * second level (`www.jzq.gov.cn` → `jzq.gov.cn`). Enough to tell a portal's own frames from another
 * site's; a PSL would be exact.
 */
export function siteOf(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (!/^https?:$/.test(u.protocol)) return null;
  const host = u.hostname;
  if (host.startsWith('[') || /^\d+(\.\d+){3}$/.test(host)) return `${u.protocol}//${host}`;
  const labels = host.replace(/\.$/, '').split('.');
  const n = labels.length > 2 && labels.at(-1)!.length === 2 && SECOND_LEVEL.has(labels.at(-2)!) ? 3 : 2;
  return `${u.protocol}//${labels.slice(-n).join('.')}`;
}

/** A frame's own URL, or for about:blank/about:srcdoc frames the nearest ancestor's (whose origin they take). */
export function effectiveUrl(frame: Frame): string {
  for (let f: Frame | null = frame; f; f = f.parentFrame()) if (!f.url().startsWith('about:')) return f.url();
  return frame.url();
}
