import chromium from '@sparticuz/chromium';
import { type Browser, type BrowserContext, chromium as playwright } from 'playwright-core';
import { FetchError } from '../errors.ts';
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

/** Flags that keep Chromium from calling home on a closed network (it otherwise stalls on lookups). */
const QUIET_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * One Chromium (from @sparticuz/chromium, the same binary Lambda uses) reused across a run, a fresh
 * context per origin, launched only when a page needs it.
 */
export class BrowserPool {
  private browser: Promise<Browser> | undefined;
  private readonly contexts = new Map<string, Promise<BrowserContext>>();
  private readonly map: OriginMap;
  renders = 0;

  constructor(
    private readonly o: { userAgent: string; timeoutMs: number; gate: HostGate; originMap?: OriginMap },
  ) {
    this.map = o.originMap ?? new OriginMap();
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
      ctx = this.launch().then((b) => b.newContext({ userAgent: this.o.userAgent, locale: 'zh-CN' }));
      this.contexts.set(origin, ctx);
    }
    return ctx;
  }

  /** Loads a page, lets its scripts run until the network is idle, and returns the resulting DOM. */
  async render(url: string): Promise<RenderResult> {
    const actual = this.map.toActual(url);
    const origin = new URL(actual).origin;
    return this.o.gate.run(origin, async () => {
      this.renders += 1;
      const page = await (await this.context(origin)).newPage();
      try {
        const response = await page.goto(actual, { waitUntil: 'networkidle', timeout: this.o.timeoutMs });
        const status = response?.status() ?? 0;
        if (status >= 400)
          throw new FetchError(`HTTP ${status} from ${url} (browser)`, url, 'blocked', status);
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
        await page.close();
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
