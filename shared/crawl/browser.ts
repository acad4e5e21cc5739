import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { BlockedByWafError, FetchError } from '../errors.ts';
import { OriginMap } from './origin-map.ts';
import type { HostGate } from './politeness.ts';

export interface RenderResult {
  url: string;
  finalUrl: string;
  fetchedFrom: string;
  status: number;
  html: string;
  fetchedAt: string;
}

export interface BrowserPoolOptions {
  userAgent: string;
  timeoutMs: number;
  gate: HostGate;
  originMap?: OriginMap;
  /** Reloads an anti-bot challenge may take before the page counts as blocked. */
  maxChallengeReloads?: number;
}

/** Flags that keep Chromium from calling home on a closed network (it otherwise stalls on lookups). */
const QUIET_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Listings need their scripts and data, not pictures: fewer requests to the host, less memory. */
const SKIPPED_RESOURCES = new Set(['image', 'media', 'font']);

const WALL_STATUS = new Set([412, 521]);

/**
 * One Chromium (from @sparticuz/chromium, the same binary Lambda uses) reused across a run, a fresh
 * context per origin (its own cookies, so a challenge passed on one host proves nothing elsewhere),
 * launched only when a page needs it, closed with the runtime.
 */
export class BrowserPool {
  private browser: Promise<Browser> | undefined;
  private readonly contexts = new Map<string, Promise<BrowserContext>>();
  private readonly map: OriginMap;
  renders = 0;

  constructor(private readonly o: BrowserPoolOptions) {
    this.map = o.originMap ?? new OriginMap();
  }

  get launched(): boolean {
    return this.browser !== undefined;
  }

  private launch(): Promise<Browser> {
    this.browser ??= (async () => {
      // Loaded on first use: playwright-core alone costs ~90 MB of memory, and most crawls never need it.
      const [{ default: chromium }, { chromium: playwright }] = await Promise.all([
        import('@sparticuz/chromium'),
        import('playwright-core'),
      ]);
      const executablePath = await chromium.executablePath();
      // Without --single-process: in that mode Chromium's contexts share one cookie jar, so a challenge
      // cookie set by one host's page landed in another context and the wall was never passed.
      const args = chromium.args.filter((a) => a !== '--single-process');
      return playwright.launch({ executablePath, args: [...args, ...QUIET_ARGS], headless: true });
    })();
    return this.browser;
  }

  private context(origin: string): Promise<BrowserContext> {
    let ctx = this.contexts.get(origin);
    if (!ctx) {
      ctx = this.launch().then((b) => b.newContext({ userAgent: this.o.userAgent, locale: 'zh-CN' }));
      this.contexts.set(origin, ctx);
    }
    return ctx;
  }

  /**
   * Loads a page, lets its scripts run until the network is idle, and returns the resulting DOM. An
   * anti-bot challenge (412 瑞数, 521 加速乐) usually sets a cookie and reloads: we follow a few reloads;
   * a wall still standing after them is BlockedByWafError (blocked, never "no report").
   */
  async render(url: string): Promise<RenderResult> {
    const actual = this.map.toActual(url);
    const origin = new URL(actual).origin;
    return this.o.gate.run(origin, async () => {
      this.renders += 1;
      const page = await (await this.context(origin)).newPage();
      const maxReloads = this.o.maxChallengeReloads ?? 3;
      const docs = await watchPage(page, maxReloads);
      try {
        // 'domcontentloaded', not 'networkidle': a wall that keeps reloading never goes idle.
        await page.goto(actual, { waitUntil: 'domcontentloaded', timeout: this.o.timeoutMs });
        await page.waitForLoadState('networkidle', { timeout: this.o.timeoutMs }).catch(() => undefined);
        let seen = docs.count();
        let status = docs.latest();
        for (let reload = 0; WALL_STATUS.has(status) && reload < maxReloads; reload += 1) {
          // The challenge's own script sets its cookie and reloads; give it the time a person would wait.
          if (!(await docs.next(seen, Math.min(this.o.timeoutMs, 10_000)))) break;
          await page.waitForLoadState('networkidle', { timeout: this.o.timeoutMs }).catch(() => undefined);
          seen = docs.count();
          status = docs.latest();
        }
        if (WALL_STATUS.has(status)) {
          throw new BlockedByWafError(
            `anti-bot wall (HTTP ${status}) not passed by the browser at ${url}`,
            url,
            status,
            status === 412 ? 'ruishu' : 'jiasule',
          );
        }
        if (status >= 400)
          throw new FetchError(`HTTP ${status} from ${url} (browser)`, url, 'http-4xx', status);
        await page.waitForLoadState('networkidle', { timeout: this.o.timeoutMs }).catch(() => undefined);
        return {
          url,
          finalUrl: this.map.toCanonical(page.url()),
          fetchedFrom: page.url(),
          status,
          html: await page.content(),
          fetchedAt: new Date().toISOString(),
        };
      } catch (error) {
        if (error instanceof FetchError) throw error;
        throw new FetchError(
          `browser could not load ${url}: ${(error as Error).message}`,
          url,
          'timeout',
          null,
          {
            cause: error,
          },
        );
      } finally {
        await page.close().catch(() => undefined);
      }
    });
  }

  async close(): Promise<void> {
    const b = this.browser;
    this.browser = undefined;
    this.contexts.clear();
    if (b) await (await b).close();
  }
}

/**
 * Watches one page: the statuses of its main-frame documents as they arrive (a challenge's reload that
 * beats us is not missed), no pictures, fonts or media (a listing needs scripts and data, the host fewer
 * requests), and at most `maxReloads` reloads, so a wall that reloads forever cannot hammer the host.
 */
async function watchPage(page: Page, maxReloads: number) {
  const statuses: number[] = [];
  let documents = 0;
  let exhausted = false;
  let wake: (() => void) | undefined;
  page.on('response', (r: Response) => {
    if (!r.request().isNavigationRequest() || r.frame() !== page.mainFrame()) return;
    statuses.push(r.status());
    wake?.();
  });
  await page.route('**/*', (route) => {
    const req = route.request();
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) {
      documents += 1;
      if (documents > 1 + maxReloads) {
        exhausted = true;
        wake?.();
        return route.abort('blockedbyclient');
      }
    }
    return SKIPPED_RESOURCES.has(req.resourceType()) ? route.abort() : route.continue();
  });
  return {
    latest: () => statuses.at(-1) ?? 0,
    count: () => statuses.length,
    /** True once more than `seen` documents arrived; false after the timeout or once reloads ran out. */
    next(seen: number, timeoutMs: number): Promise<boolean> {
      return new Promise((resolve) => {
        const check = () => {
          if (statuses.length > seen || exhausted) {
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
