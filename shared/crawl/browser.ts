import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BlockedByWafError, FetchError, InfrastructureError, type UnsafeTargetError } from '../errors.ts';
import { effectiveUrl, type PageWatch, readDocument, siteOf, watchPage } from './browser-page.ts';
import { GuardProxy } from './browser-proxy.ts';
import type { EgressProxy } from './egress-proxy.ts';
import { FETCH_DEFAULTS } from './fetcher.ts';
import { OriginMap } from './origin-map.ts';
import type { HostGate } from './politeness.ts';
import { TargetGuard } from './ssrf.ts';

export interface RenderedFrame {
  /** Canonical URL of the frame's document. */
  url: string;
  /** Its DOM after scripts ran; empty for a frame of another site (not read) or one that failed. */
  html: string;
}

export interface RenderResult {
  url: string;
  finalUrl: string;
  fetchedFrom: string;
  status: number;
  html: string;
  /**
   * Every child frame (iframe/frame, nested ones too) in the order Chromium lists them. Listings put their
   * links in `<iframe src="list.html">`: a frame of the page's own site is read like the page; another
   * site's is listed with empty html.
   */
  frames: RenderedFrame[];
  fetchedAt: string;
}

export interface BrowserPoolOptions {
  userAgent: string;
  timeoutMs: number;
  gate: HostGate;
  originMap?: OriginMap;
  /** Reloads an anti-bot challenge may take before the page counts as blocked. */
  maxChallengeReloads?: number;
  /**
   * Exact origins (`http://127.0.0.1:43123`) that may be private; every other private, loopback,
   * link-local… target is refused (ssrf.ts), in any frame, request or redirect. Origin-map stand-ins too.
   */
  allowPrivateOrigins?: readonly string[];
  /**
   * Decoded bytes one render may receive (all its requests), and the most characters its documents may
   * serialise to; over it the render fails with FetchError 'too-large'. Default: the fetcher's 20 MB.
   */
  maxBytes?: number;
  /** A Chromium binary instead of @sparticuz/chromium's. */
  executablePath?: string;
  /** The operator's egress proxy (NIANBAO_HTTP_PROXY): the guard proxy tunnels every connection through it. */
  egressProxy?: EgressProxy;
}

/** Flags that keep Chromium from calling home on a closed network (it otherwise stalls on lookups). */
const QUIET_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * @sparticuz/chromium's flags we do not take. --single-process: its contexts share one cookie jar, so a
 * challenge cookie set by one host's page landed in another context and the wall was never passed.
 * --disable-web-security: it lets any page's script read any origin's answers, which turns a single
 * request the guard missed into data carried off; real visitors' browsers keep it on, and so do we.
 */
const DROPPED_ARGS = new Set(['--single-process', '--disable-web-security']);

const WALL_STATUS = new Set([412, 521]);

/**
 * One Chromium (from @sparticuz/chromium, the same binary Lambda uses) reused across a run, a fresh
 * context per origin (its own cookies, so a challenge passed on one host proves nothing elsewhere),
 * launched only when a page needs it, closed with the runtime. All its connections go through a SOCKS5
 * proxy in this process that applies the SSRF guard (browser-proxy.ts).
 */
export class BrowserPool {
  private browser: Promise<{ browser: Browser; proxy: GuardProxy }> | undefined;
  private readonly contexts = new Map<string, Promise<BrowserContext>>();
  private readonly map: OriginMap;
  private readonly guard: TargetGuard;
  private readonly maxBytes: number;
  /** The running proxy, once a launch succeeded: it knows which connections it refused. */
  private proxy: GuardProxy | undefined;
  renders = 0;

  constructor(private readonly o: BrowserPoolOptions) {
    this.map = o.originMap ?? new OriginMap();
    const standIn = (origin: string) => this.map.toCanonical(`${origin}/`) !== `${origin}/`;
    this.guard = new TargetGuard({ allowPrivateOrigins: o.allowPrivateOrigins, trusted: standIn });
    this.maxBytes = o.maxBytes ?? FETCH_DEFAULTS.maxBytes;
  }

  get launched(): boolean {
    return this.browser !== undefined;
  }

  /** Chromium and its proxy; InfrastructureError when either cannot start (tried again on the next render). */
  private launch(): Promise<{ browser: Browser; proxy: GuardProxy }> {
    this.browser ??= (async () => {
      let proxy: GuardProxy;
      try {
        proxy = await GuardProxy.start(this.guard, this.o.timeoutMs, this.o.egressProxy);
      } catch (error) {
        throw new InfrastructureError(`browser proxy could not listen: ${String(error)}`, 'browser-proxy', {
          cause: error,
        });
      }
      try {
        // Loaded on first use: playwright-core alone costs ~90 MB of memory, and most crawls never need it.
        const [{ default: chromium }, { chromium: playwright }] = await Promise.all([
          import('@sparticuz/chromium'),
          import('playwright-core'),
        ]);
        const executablePath = this.o.executablePath ?? (await chromium.executablePath());
        const args = chromium.args.filter((a) => !DROPPED_ARGS.has(a));
        const browser = await playwright.launch({
          executablePath,
          args: [...args, ...QUIET_ARGS],
          headless: true,
          // Loopback too (Playwright adds <-loopback>): every connection is judged by the proxy.
          proxy: { server: proxy.url },
        });
        browser.once('disconnected', () => {
          this.forget();
          void proxy.close();
        });
        this.proxy = proxy;
        return { browser, proxy };
      } catch (error) {
        await proxy.close();
        throw new InfrastructureError(`Chromium could not launch: ${(error as Error).message}`, 'chromium', {
          cause: error,
        });
      }
    })();
    // A failed launch is not remembered: the next render tries again (the error is retryable).
    this.browser.catch(() => this.forget());
    return this.browser;
  }

  private forget(): void {
    this.browser = undefined;
    this.proxy = undefined;
    this.contexts.clear();
  }

  private context(origin: string): Promise<BrowserContext> {
    let ctx = this.contexts.get(origin);
    if (!ctx) {
      ctx = this.launch().then(({ browser }) =>
        // Service workers blocked: their requests would bypass the page's request interception.
        browser.newContext({ userAgent: this.o.userAgent, locale: 'zh-CN', serviceWorkers: 'block' }),
      );
      this.contexts.set(origin, ctx);
      ctx.catch(() => this.contexts.delete(origin));
    }
    return ctx;
  }

  private async newPage(origin: string): Promise<Page> {
    const ctx = await this.context(origin);
    try {
      return await ctx.newPage();
    } catch (error) {
      this.contexts.delete(origin);
      throw new InfrastructureError(
        `Chromium could not open a page: ${(error as Error).message}`,
        'chromium',
        {
          cause: error,
        },
      );
    }
  }

  /**
   * Loads a page, lets its scripts run until the network is idle, and returns the resulting DOM and its
   * frames'. An anti-bot challenge (412 瑞数, 521 加速乐) usually sets a cookie and reloads: we follow a few
   * reloads; a wall still standing after them is BlockedByWafError (blocked, never "no report"). An unsafe
   * target is UnsafeTargetError (the page itself) or an aborted request (anything it asks for); more than
   * `maxBytes` is FetchError 'too-large'; Chromium failing to start is InfrastructureError.
   */
  async render(url: string): Promise<RenderResult> {
    const actual = this.map.toActual(url);
    const origin = new URL(actual).origin;
    // Refused before any page is opened: the page's own address is the first thing a link can abuse.
    await this.guard.assertResolved(actual, url);
    return this.o.gate.run(origin, async () => {
      this.renders += 1;
      const page = await this.newPage(origin);
      let watch: PageWatch | undefined;
      try {
        watch = await watchPage(page, {
          maxReloads: this.o.maxChallengeReloads ?? 3,
          guard: this.guard,
          maxBytes: this.maxBytes,
        });
        return await this.load(page, watch, url, actual);
      } catch (error) {
        throw this.failure(error, watch, url);
      } finally {
        await page.close().catch(() => undefined);
      }
    });
  }

  private async load(page: Page, docs: PageWatch, url: string, actual: string): Promise<RenderResult> {
    const idle = () =>
      page.waitForLoadState('networkidle', { timeout: this.o.timeoutMs }).catch(() => undefined);
    // 'domcontentloaded', not 'networkidle': a wall that keeps reloading never goes idle.
    await page.goto(actual, { waitUntil: 'domcontentloaded', timeout: this.o.timeoutMs });
    await idle();
    let seen = docs.count();
    let status = docs.latest();
    for (let reload = 0; WALL_STATUS.has(status) && reload < (this.o.maxChallengeReloads ?? 3); reload += 1) {
      // The challenge's own script sets its cookie and reloads; give it the time a person would wait.
      if (!(await docs.next(seen, Math.min(this.o.timeoutMs, 10_000)))) break;
      await idle();
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
    if (status >= 400) throw new FetchError(`HTTP ${status} from ${url} (browser)`, url, 'http-4xx', status);
    await idle();
    let budget = this.maxBytes;
    const html = await readDocument(page.mainFrame(), budget);
    if (typeof html !== 'string') throw this.tooLarge(url, `its DOM is ${html.length} characters`);
    budget -= html.length;
    const site = siteOf(page.url());
    const frames: RenderedFrame[] = [];
    for (const frame of page.frames()) {
      if (frame === page.mainFrame() || frame.isDetached()) continue;
      const own = site !== null && siteOf(effectiveUrl(frame)) === site;
      const read = own ? await readDocument(frame, budget).catch(() => '') : '';
      if (typeof read !== 'string') throw this.tooLarge(url, `its frames pass the cap at ${frame.url()}`);
      budget -= read.length;
      frames.push({ url: this.map.toCanonical(frame.url()), html: read });
    }
    if (docs.overBudget()) throw this.tooLarge(url, '');
    return {
      url,
      finalUrl: this.map.toCanonical(page.url()),
      fetchedFrom: page.url(),
      status,
      html,
      frames,
      fetchedAt: new Date().toISOString(),
    };
  }

  private tooLarge(url: string, why: string): FetchError {
    const detail = why ? `: ${why}` : ` (more than ${this.maxBytes} decoded bytes received)`;
    return new FetchError(
      `browser render of ${url} exceeds the ${this.maxBytes}-byte cap${detail}`,
      url,
      'too-large',
    );
  }

  /** What a failed render was, in the project's error types. */
  private failure(error: unknown, watch: PageWatch | undefined, url: string): Error {
    if (watch?.overBudget()) return this.tooLarge(url, '');
    const refused = watch?.refused();
    if (refused) return refused;
    if (error instanceof FetchError || error instanceof InfrastructureError) return error;
    // A redirect the route handler never saw, refused by the proxy: reported like any unsafe target.
    const last = watch?.lastNavigation();
    // The egress proxy down or refusing our credentials: our fault, retried, never the portal's.
    const egress = last ? (this.proxy?.egressFailureFor(last) ?? null) : null;
    if (egress) return egress;
    const byProxy = last ? this.proxyRefusal(last) : null;
    if (byProxy) return byProxy;
    return new FetchError(
      `browser could not load ${url}: ${(error as Error).message}`,
      url,
      'timeout',
      null,
      {
        cause: error,
      },
    );
  }

  private proxyRefusal(url: string): UnsafeTargetError | null {
    return this.proxy?.refusalFor(url) ?? null;
  }

  async close(): Promise<void> {
    const b = this.browser;
    this.forget();
    if (!b) return;
    const launched = await b.catch(() => null);
    if (!launched) return;
    await launched.browser.close();
    await launched.proxy.close();
  }
}
