import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type DemoPortal, startDemoPortal } from '#seeds/portal/server.ts';
import { type ApiServer, serveApi } from '#shared/api/serve.ts';
import { loadConfig } from '#shared/config.ts';
import { runCycle } from '#shared/local/cycle.ts';
import { localDeadLetters } from '#shared/local/running-stores.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import type { LocalQueue } from '#shared/queue/local-queue.ts';

/**
 * The dashboard's browser tests: the embedded runtime after a cycle, its API (pages included) on loopback,
 * and a real Chromium (@sparticuz/chromium through playwright-core, as the crawler uses) to look at them.
 * Screenshots go to test-output/web/ (git-ignored) for a person to look at.
 */

export const ADMIN_KEY = 'web-test-admin-key-0123456789';
export const SHOTS = resolve('test-output/web');

export interface Served {
  rt: Runtime;
  api: ApiServer;
  close(): Promise<void>;
}

/** Serves the runtime's app (API and pages) on loopback with the test admin key; links in mails point here. */
export async function serve(rt: Runtime): Promise<ApiServer> {
  let base = '';
  const queues = [rt.queues.crawl, rt.queues.parse, rt.queues.alert] as unknown as LocalQueue<never>[];
  const api = await serveApi(rt.ctx, {
    adminToken: ADMIN_KEY,
    publicUrl: () => base,
    deadLetters: localDeadLetters(queues),
  });
  base = api.url;
  return api;
}

/** The demo portal's five bodies after one full cycle (`npm start -- --once`), judged on `today`. */
export async function startDemo(today: string): Promise<Served & { portal: DemoPortal }> {
  const dir = await mkdtemp(join(tmpdir(), 'nianbao-web-'));
  const portal = await startDemoPortal();
  const config = loadConfig({ NIANBAO_DATA_DIR: dir, NIANBAO_HOST_DELAY_MS: '0', NIANBAO_TODAY: today });
  const rt = await startRuntime({ config, originMap: portal.originMap });
  await runCycle(rt, { force: true });
  const api = await serve(rt);
  return {
    rt,
    api,
    portal,
    async close() {
      await api.close();
      await rt.close();
      await portal.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Chromium as the crawler launches it, without the crawler's guard proxy (the pages are our own). */
export async function launchBrowser(): Promise<Browser> {
  const [{ default: chromium }, { chromium: playwright }] = await Promise.all([
    import('@sparticuz/chromium'),
    import('playwright-core'),
  ]);
  const args = chromium.args.filter((a) => a !== '--single-process' && a !== '--disable-web-security');
  return playwright.launch({ executablePath: await chromium.executablePath(), args, headless: true });
}

/** A phone-sized (360 px) or desktop context. */
export function newContext(browser: Browser, width = 1200): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width, height: width < 500 ? 740 : 900 }, locale: 'zh-CN' });
}

/** Saves a full-page screenshot as test-output/web/<name>.png. */
export async function shoot(page: Page, name: string): Promise<string> {
  await mkdir(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Document width beyond the viewport (0: no horizontal scrolling). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Script errors and dialogs a page produced: a hostile report must produce none. */
export function watchScripts(page: Page): { dialogs: string[]; errors: string[] } {
  const seen = { dialogs: [] as string[], errors: [] as string[] };
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => seen.errors.push(e.message));
  return seen;
}
