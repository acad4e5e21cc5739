import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServer } from '#shared/api/serve.ts';
import { a11yViolations } from '#test/support/a11y-checks.ts';
import { crawlOnce, startCrawlRuntime, type TestRuntime } from '#test/support/crawl-runtime.ts';
import {
  horizontalOverflow,
  launchBrowser,
  newContext,
  serve,
  shoot,
  watchScripts,
} from '#test/support/web-harness.ts';
import { startWebPortal, type WebPortal } from '#test/support/web-portal.ts';

/**
 * The dashboard on a body with two years (test/support/web-portal.ts, crawled once on 2024-06-01): the
 * year-over-year view shows the figures that changed, and the 2023 report, whose text carries `<script>`
 * and `<img onerror>`, shows them as text on every page and runs nothing.
 */
describe('the dashboard on a two-year body with hostile text, in Chromium', () => {
  let portal: WebPortal;
  let t: TestRuntime;
  let api: ApiServer;
  let browser: Browser;
  let desktop: BrowserContext;
  let phone: BrowserContext;

  beforeAll(async () => {
    portal = await startWebPortal();
    t = await startCrawlRuntime([portal.body], { NIANBAO_TODAY: '2024-06-01' });
    await crawlOnce(t.rt);
    api = await serve(t.rt);
    browser = await launchBrowser();
    desktop = await newContext(browser);
    phone = await newContext(browser, 360);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await t?.close();
    await portal?.close();
  });

  it('shows the changed figures in the year-over-year view, linked from the body page', async () => {
    const page = await desktop.newPage();
    await page.goto(`${api.url}/bodies/${portal.body.id}`);
    await Promise.all([page.waitForURL(/\/compare\/2023$/), page.click('a:has-text("与2022年对比")')]);
    const rows = await page
      .locator('#figures tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('th code, td')].map((c) => c.textContent?.trim() ?? '')),
      );
    const byKey = new Map(rows.map((r) => [r[0], r.slice(1)]));
    expect(byKey.get('narrative.active.total')).toEqual(['300', '420', '+120 (+40.0%)', '有变化 changed']);
    expect(byKey.get('applications.new.total')).toEqual(['4', '9', '+5 (+125.0%)', '有变化 changed']);
    expect(byKey.get('applications.carried-out.total')).toEqual(['1', '0', '-1 (-100.0%)', '有变化 changed']);
    // Only changed figures are listed; the unchanged ones are counted in the caption.
    expect(rows.every((r) => r[4] !== '相同 same')).toBe(true);
    expect(await page.locator('.diff-add', { hasText: '义务教育阶段学校划片范围' }).count()).toBe(1);
    const exports = await page
      .locator('a:has-text("导出")')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(exports).toEqual([
      `/api/bodies/${portal.body.id}/compare/2023?format=md`,
      `/api/bodies/${portal.body.id}/compare/2023?format=html`,
      `/api/bodies/${portal.body.id}/compare/2023?format=docx`,
    ]);
    const md = await page.request.get(`${api.url}${exports[0]}`);
    expect(md.status()).toBe(200);
    await shoot(page, 'compare-2023');
    await page.close();
  });

  it('shows <script> and <img onerror> of a report as text and runs nothing, on every page that quotes it', async () => {
    for (const path of [
      `/reports/${portal.body.id}/2023`,
      `/bodies/${portal.body.id}`,
      `/bodies/${portal.body.id}/compare/2023`,
      `/search?q=${encodeURIComponent('唐河县教育局 2023')}`,
    ]) {
      const page = await desktop.newPage();
      const seen = watchScripts(page);
      await page.goto(`${api.url}${path}`);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(seen).toEqual({ dialogs: [], errors: [] });
      expect(await page.locator('main img').count()).toBe(0);
      expect(await page.locator('main script').count()).toBe(0);
      if (!path.startsWith('/search')) {
        const text = (await page.locator('main').textContent()) ?? '';
        expect(text).toContain('<script>window.__pwned=1;alert("xss")</script>');
        expect(text).toContain('<img src=x onerror="window.__pwned=2;alert(2)">');
        expect(await page.locator('main a[href^="javascript:"]').count()).toBe(0);
      }
      if (path.startsWith('/reports')) await shoot(page, 'report-hostile');
      await page.close();
    }
  }, 120_000);

  it('passes axe-core with no serious or critical violation and renders at 360 px without horizontal scrolling', async () => {
    const found: Record<string, unknown[]> = {};
    for (const path of [
      `/bodies/${portal.body.id}`,
      `/bodies/${portal.body.id}/compare/2023`,
      `/reports/${portal.body.id}/2023`,
    ]) {
      for (const context of [desktop, phone]) {
        const page = await context.newPage();
        await page.goto(`${api.url}${path}`);
        const v = await a11yViolations(page);
        if (v.length) found[`${path}@${context === phone ? 360 : 1200}`] = v;
        if (context === phone) {
          expect(await horizontalOverflow(page), path).toBe(0);
          await shoot(page, `phone${path.replace(/[^a-z0-9]+/gi, '-')}`);
        }
        await page.close();
      }
    }
    expect(found).toEqual({});
  }, 240_000);
});
