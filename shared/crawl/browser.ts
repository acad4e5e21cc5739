import chromium from '@sparticuz/chromium';
import {
  type Browser,
  type BrowserContext,
  type Page,
  chromium as playwright,
  type Response,
} from 'playwright-core';
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
      const executablePath = await chromium.executablePath();
      return playwright.launch({ executablePath, args: [...chromium.args, ...QUIET_ARGS], headless: true });
    })();
    return this.browser;
  }

  private context(origin: string): Promise<BrowserContext> {
    let ctx = this.contexts.get(origin);
    if (!ctx) {
      ctx = this.launch().then(async (b) => {
        const c = await b.newContext({ userAgent: this.o.userAgent, locale: 'zh-CN' });
        await c.route('**/*', (route) =>
          SKIPPED_RESOURCES.has(route.request().resourceType()) ? route.abort() : route.continue(),
        );
        return c;
      });
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
      const docs = documentTracker(page);
      try {
        await page.goto(actual, { waitUntil: 'networkidle', timeout: this.o.timeoutMs });
        let seen = docs.count();
        let status = docs.latest();
        for (
          let reload = 0;
          WALL_STATUS.has(status) && reload < (this.o.maxChallengeReloads ?? 3);
          reload += 1
        ) {
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

/** Statuses of the main frame's documents as they arrive, so a reload that beats us is not missed. */
function documentTracker(page: Page) {
  const statuses: number[] = [];
  let waiter: (() => void) | undefined;
  page.on('response', (r: Response) => {
    if (!r.request().isNavigationRequest() || r.frame() !== page.mainFrame()) return;
    statuses.push(r.status());
    waiter?.();
  });
  return {
    latest: () => statuses.at(-1) ?? 0,
    count: () => statuses.length,
    /** Resolves true once more than `seen` documents have arrived, false after the timeout. */
    next(seen: number, timeoutMs: number): Promise<boolean> {
      if (statuses.length > seen) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(statuses.length > seen), timeoutMs);
        waiter = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
    },
  };
}
