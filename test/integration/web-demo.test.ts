import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SITES } from '#seeds/portal/sites.ts';
import { openAdminSession } from '#shared/api/admin-token.ts';
import { listChecks } from '#shared/store/crawl-state.ts';
import { a11yViolations } from '#test/support/a11y-checks.ts';
import { readMailbox } from '#test/support/mailbox.ts';
import {
  ADMIN_KEY,
  horizontalOverflow,
  launchBrowser,
  newContext,
  type Served,
  shoot,
  startDemo,
  watchScripts,
} from '#test/support/web-harness.ts';

/**
 * The dashboard after the demo cycle (`npm start -- --once` on 2026-11-24), in a real Chromium: what a
 * journalist sees on the scoreboard, a body and a report, the subscribe form through to the confirmation
 * link, and the admin's re-crawl button. Each page is also checked for accessibility and for horizontal
 * scrolling at 360 px; screenshots in test-output/web/.
 */
const TODAY = '2026-11-24';

/** The demo bodies' reports: 2025 is due for all five (missing), each older year only where a report is. */
const EXPECTED: Record<number, Record<string, string>> = {
  2025: {
    吉州区人民政府: 'missing',
    靖远县人力资源和社会保障局: 'missing',
    铁岭市人民政府: 'missing',
    唐河县人民政府: 'missing',
    榆次区人民政府: 'missing',
  },
  2018: {
    吉州区人民政府: 'none',
    靖远县人力资源和社会保障局: 'none',
    铁岭市人民政府: 'none',
    唐河县人民政府: 'on-time',
    榆次区人民政府: 'none',
  },
  2017: {
    吉州区人民政府: 'on-time',
    靖远县人力资源和社会保障局: 'none',
    铁岭市人民政府: 'undated',
    唐河县人民政府: 'none',
    榆次区人民政府: 'none',
  },
  2016: {
    吉州区人民政府: 'none',
    靖远县人力资源和社会保障局: 'on-time',
    铁岭市人民政府: 'none',
    唐河县人民政府: 'none',
    榆次区人民政府: 'none',
  },
  2011: {
    吉州区人民政府: 'none',
    靖远县人力资源和社会保障局: 'none',
    铁岭市人民政府: 'none',
    唐河县人民政府: 'none',
    榆次区人民政府: 'on-time',
  },
};

/** The bodies table as shown: body name → outcome (the row's data-outcome), visible rows only. */
async function bodiesShown(page: Page): Promise<Record<string, string>> {
  const rows = await page.locator('#bodies tbody tr:visible').all();
  const out: Record<string, string> = {};
  for (const row of rows) {
    const name = (await row.locator('th a').first().textContent())?.trim() ?? '';
    out[name] = (await row.getAttribute('data-outcome')) ?? '';
  }
  return out;
}

describe('the dashboard after the demo cycle, in Chromium', () => {
  let served: Served;
  let browser: Browser;
  let desktop: BrowserContext;
  let url: string;
  /** A signed-in admin's session id (what the login's cookie holds). */
  const session = () => openAdminSession(served.rt.ctx.repo, ADMIN_KEY, new Date());

  beforeAll(async () => {
    served = await startDemo(TODAY);
    url = served.api.url;
    browser = await launchBrowser();
    desktop = await newContext(browser);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('shows the five demo bodies with the outcome of each year, and filters to one province', async () => {
    const page = await desktop.newPage();
    for (const [year, expected] of Object.entries(EXPECTED)) {
      await page.goto(`${url}/?year=${year}`);
      expect(await bodiesShown(page)).toEqual(expected);
    }
    await page.goto(`${url}/`);
    expect(await page.locator('#year').inputValue()).toBe('2025');
    const totals = page.locator('#jurisdictions tfoot td');
    expect(await totals.allTextContents()).toEqual(['5', '0', '0', '0', '5', '0', '0', '5', '0', '0']);
    expect(await page.locator('a', { hasText: 'CSV' }).getAttribute('href')).toBe(
      '/api/export/scoreboard.csv?year=2025&scope=*',
    );
    await shoot(page, 'scoreboard-2025');

    // The scope selector: 江西省 only.
    await page.selectOption('#scope', '36');
    await Promise.all([page.waitForURL(/scope=36/), page.click('form[action="/"] button[type=submit]')]);
    expect(await bodiesShown(page)).toEqual({ 吉州区人民政府: 'missing' });
    expect(await page.locator('#jurisdictions tbody th').allTextContents()).toEqual(['吉安市']);
    expect(await page.locator('a', { hasText: 'CSV' }).getAttribute('href')).toBe(
      '/api/export/scoreboard.csv?year=2025&scope=36',
    );
    const csv = await page.request.get(`${url}/api/export/scoreboard.csv?year=2025&scope=36`);
    expect(csv.status()).toBe(200);
    await shoot(page, 'scoreboard-jiangxi');

    // The table's own filter (the script): typing a province keeps its rows.
    await page.goto(`${url}/?year=2017`);
    await page.fill('#filter-bodies', '辽宁');
    expect(await bodiesShown(page)).toEqual({ 铁岭市人民政府: 'undated' });
    expect(await page.locator('output[data-filter-count=bodies]').textContent()).toBe('1 / 5');
    await shoot(page, 'scoreboard-2017-filtered');
    await page.close();
  });

  it("shows seed 004's arith.percent findings on its body page with the quoted evidence", async () => {
    const page = await desktop.newPage();
    await page.goto(`${url}/bodies/140702`);
    const findings = page.locator('article.finding', { hasText: 'arith.percent' });
    expect(await findings.count()).toBe(2);
    const text = (await findings.allTextContents()).join('\n');
    expect(text).toContain('即日办结33060件,即日办结率为100%');
    expect(text).toContain('57条,占总数的3.2%');
    expect(text).toContain('33060 / 41859 = 79.0%');
    expect(text).toContain('57 / 2450 = 2.3%');
    const evidence = await findings.first().locator('a', { hasText: '证据页' }).getAttribute('href');
    expect(evidence).toBe('/evidence/140702:2011:arith.percent:0#q1');
    expect(await page.locator('#years tbody tr').count()).toBe(2);
    await shoot(page, 'body-140702');
    // The missing 2025 report's finding links its evidence package and a draft complaint letter.
    const missing = page.locator('article.finding', { hasText: 'deadline.missing' });
    const letter = await missing.locator('a', { hasText: 'Markdown' }).getAttribute('href');
    expect(letter).toBe('/evidence/deadline.missing%2F140702%2F2025/letter.md');
    const draft = await page.request.get(`${url}${letter}`);
    expect(draft.status()).toBe(200);
    expect(await draft.text()).toContain('榆次区人民政府');
    expect(await findings.first().locator('a', { hasText: 'Markdown' }).count()).toBe(0);
    // Its evidence page (the alerts' page) opens with the quote.
    await Promise.all([
      page.waitForURL(/\/evidence\//),
      findings.first().locator('a', { hasText: '证据页' }).click(),
    ]);
    expect(await page.textContent('body')).toContain('即日办结33060件,即日办结率为100%');
    await page.close();
  });

  it('highlights "3.2%" and "即日办结率为100%" in the report with the computed values', async () => {
    const page = await desktop.newPage();
    await page.goto(`${url}/reports/140702/2011`);
    const marks = await page.locator('mark.flag').allTextContents();
    expect(marks.some((m) => m.includes('即日办结率为100%'))).toBe(true);
    expect(marks.some((m) => m.includes('3.2%'))).toBe(true);
    const percent = page
      .locator('mark.flag', { hasText: '3.2%' })
      .locator('xpath=following-sibling::span[1]');
    expect(await percent.textContent()).toContain('57 / 2450 = 2.3%, stated 3.2%');
    const sameDay = page
      .locator('mark.flag', { hasText: '即日办结率为100%' })
      .locator('xpath=following-sibling::span[1]');
    expect(await sameDay.textContent()).toContain('33060 / 41859 = 79.0%, stated 100%');
    await page.locator('mark.flag', { hasText: '3.2%' }).scrollIntoViewIfNeeded();
    await shoot(page, 'report-140702-2011');
    await page.close();
  });

  it('the subscribe form leads to a confirmation e-mail in the sink, and its link confirms', async () => {
    const page = await desktop.newPage();
    await page.goto(`${url}/bodies/360802`);
    await Promise.all([
      page.waitForURL(/\/subscribe\?scope=360802/),
      page.click('a:has-text("订阅该机关的提醒")'),
    ]);
    expect(await page.locator('#scope').inputValue()).toBe('360802');
    await page.fill('#email', 'reporter@example.org');
    await Promise.all([page.waitForLoadState(), page.click('form[action="/subscribe"] button[type=submit]')]);
    await expect.poll(() => page.locator('p.ok').textContent()).toContain('已发送确认邮件');
    await shoot(page, 'subscribe-sent');
    const mail = (await readMailbox(served.rt.mailDir!)).find((m) => m.to === 'reporter@example.org');
    expect(mail?.subject).toContain('确认');
    const link = /https?:\/\/\S+\/subscriptions\/confirm\?\S+/.exec(mail?.text ?? '')?.[0];
    expect(link?.startsWith(url)).toBe(true);
    const res = await page.goto(link!);
    expect(res?.status()).toBe(200);
    await Promise.all([page.waitForLoadState(), page.click('form[method="post"] button[type=submit]')]);
    await expect.poll(() => page.textContent('body')).toContain('订阅已确认');
    await shoot(page, 'subscribe-confirmed');
    await page.close();
  });

  it('an admin re-crawl from the page gives a fresh crawl record; ten presses at once queue one crawl', async () => {
    const page = await desktop.newPage();
    await page.goto(`${url}/admin`);
    expect(await page.locator('#key').count()).toBe(1);
    await page.fill('#key', ADMIN_KEY);
    await Promise.all([page.waitForURL(`${url}/admin`), page.click('form[action="/admin/login"] button')]);
    const cookie = (await desktop.cookies()).find((c) => c.name === 'nb_admin');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin' });
    expect(cookie?.value).toMatch(/^nbs_/);
    await shoot(page, 'admin');

    const before = (await listChecks(served.rt.ctx.repo, '360802', 1))[0]?.at ?? '';
    await page.selectOption('#recrawl-body', '360802');
    await Promise.all([
      page.waitForURL(`${url}/admin`),
      page.click('form[action="/admin/do/recrawl"] button'),
    ]);
    expect(await page.locator('p[role=status]').textContent()).toContain('已排队 1 个抓取');
    await served.rt.settle();
    const after = (await listChecks(served.rt.ctx.repo, '360802', 1))[0];
    expect((after?.at ?? '') > before).toBe(true);
    // The listing is unchanged since the cycle: the fresh check is a 304, logged like any other.
    expect(['read', 'not-modified']).toContain(after?.outcome);

    // Ten presses in a burst (the form's own fields, posted as the button would, all at once), while the
    // crawl consumer is held: the crawl cannot run (and end the pending re-crawl) between two presses.
    served.rt.events.reset();
    await page.selectOption('#recrawl-body', '411328');
    const release = served.rt.queues.crawl.hold();
    const statuses = await page.evaluate(async () => {
      const form = document.querySelector('form[action="/admin/do/recrawl"]') as HTMLFormElement;
      const body = new URLSearchParams(new FormData(form) as unknown as Record<string, string>);
      const presses = Array.from({ length: 10 }, () =>
        fetch(form.action, { method: 'POST', body, credentials: 'same-origin', redirect: 'manual' }),
      );
      return (await Promise.all(presses)).map((r) => r.type === 'opaqueredirect' || r.ok);
    });
    expect(statuses).toEqual(Array(10).fill(true));
    expect((await served.rt.queues.crawl.measure()).waiting).toBe(1);
    release();
    await served.rt.settle();
    expect(served.rt.events.crawls.filter((c) => c.bodyId === '411328')).toHaveLength(1);
    await page.close();
  }, 120_000);

  it('lists a dead letter on the admin page and requeues it from there', async () => {
    // A delivery that failed for good (an alert already delivered: handling it again sends nothing twice).
    served.rt.queues.alert.deadLetters.push({
      body: { type: 'alert', alertId: 'deadline.missing/360802/2025' },
      receiveCount: 5,
      error: 'SMTP 451 try later (test)',
    });
    const context = await newContext(browser);
    await context.addCookies([{ name: 'nb_admin', value: await session(), url: `${url}/admin` }]);
    const page = await context.newPage();
    await page.goto(`${url}/admin`);
    const row = page.locator('tr', { hasText: 'SMTP 451 try later (test)' });
    expect(await row.count()).toBe(1);
    await Promise.all([page.waitForURL(`${url}/admin`), row.locator('button').click()]);
    expect(await page.locator('p[role=status]').textContent()).toContain('1 requeued');
    await served.rt.settle();
    expect(served.rt.queues.alert.deadLetters).toHaveLength(0);
    await shoot(page, 'admin-requeued');
    await context.close();
  });

  it('shows queue depths and proposes a new portal’s registry entry from its home page, saving nothing', async () => {
    const context = await newContext(browser);
    await context.addCookies([{ name: 'nb_admin', value: await session(), url: `${url}/admin` }]);
    const page = await context.newPage();
    await page.goto(`${url}/admin`);
    const queues = page.locator('table', { has: page.locator('caption', { hasText: '队列深度' }) });
    expect(await queues.locator('tbody tr').count()).toBe(3);
    const site = DEMO_SITES.find((s) => s.key === '003')!;
    const registered = served.rt.ctx.registry.size;
    await page.fill('#discover-url', `${site.origin}/`);
    await Promise.all([page.waitForLoadState(), page.click('form[action="/admin/do/discover"] button')]);
    await expect.poll(() => page.locator('#proposal-title').count()).toBe(1);
    expect(await page.locator('section.card', { hasText: '拟议条目' }).textContent()).toContain(
      `${site.origin}${site.listingPath}`,
    );
    expect(JSON.parse(await page.locator('#entry').inputValue())).toMatchObject({ id: '411328' });
    // 唐河县 is registered already: the page says that saving replaces its entry.
    expect(await page.locator('section.card p.notice').textContent()).toContain(
      '已登记 411328 唐河县人民政府',
    );
    expect(served.rt.ctx.registry.size).toBe(registered);
    expect(await a11yViolations(page)).toEqual([]);
    await shoot(page, 'admin-discover');
    await context.close();
  }, 120_000);

  it('answers bad input with a page that names it, escaped, and unknown bodies or reports with 404', async () => {
    const cases: Array<[string, number, string]> = [
      ['/?year=abcd', 400, '&quot;abcd&quot; 不是有效的年度'],
      ['/?scope=%3Cscript%3Ex', 400, '&quot;&lt;script&gt;x&quot; 不是地区代码或机关编号'],
      ['/bodies/nope', 404, 'unknown body nope'],
      ['/reports/140702/2012', 404, 'no 2012 report of 140702 is stored'],
      ['/reports/140702/1999', 400, 'report years start at 2008'],
      ['/bodies/140702/compare/2024', 404, 'no 2024 or 2023 report of 140702 is stored'],
    ];
    for (const [path, status, text] of cases) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(status);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain(text);
    }
  });

  it('refuses an admin action without the key, or posted from another site', async () => {
    const res = await fetch(`${url}/admin/do/recrawl`, {
      method: 'POST',
      body: new URLSearchParams({ bodyId: '360802' }),
      headers: { origin: 'https://evil.example', cookie: `nb_admin=${ADMIN_KEY}` },
    });
    expect(res.status).toBe(403);
    const anonymous = await fetch(`${url}/admin/do/recrawl`, {
      method: 'POST',
      body: new URLSearchParams({ bodyId: '360802' }),
      headers: { origin: url },
    });
    expect(anonymous.status).toBe(401);
  });

  it('passes axe-core with no serious or critical violation and renders at 360 px without horizontal scrolling', async () => {
    // Fresh contexts signed in as an admin (the cookie the login sets), one desktop, one phone.
    const wide = await newContext(browser);
    const phone = await newContext(browser, 360);
    for (const context of [wide, phone])
      await context.addCookies([{ name: 'nb_admin', value: await session(), url: `${url}/admin` }]);
    const pages = {
      scoreboard: '/',
      'scoreboard-2017': '/?year=2017',
      body: '/bodies/140702',
      report: '/reports/140702/2011',
      method: '/method',
      search: '/search?q=%E5%94%90%E6%B2%B3%E5%8E%BF',
      subscribe: '/subscribe',
      admin: '/admin',
    };
    const found: Record<string, unknown[]> = {};
    const overflow: Record<string, number> = {};
    for (const [name, path] of Object.entries(pages)) {
      for (const context of [wide, phone]) {
        const page = await context.newPage();
        const scripts = watchScripts(page);
        const res = await page.goto(`${url}${path}`);
        expect(res?.status(), path).toBe(200);
        expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
        const violations = await a11yViolations(page);
        if (violations.length) found[`${name}@${context === phone ? 360 : 1200}`] = violations;
        if (context === phone) {
          overflow[name] = await horizontalOverflow(page);
          await shoot(page, `phone-${name}`);
        }
        expect(scripts.errors).toEqual([]);
        await page.close();
      }
    }
    expect(found).toEqual({});
    expect(Object.entries(overflow).filter(([, o]) => o !== 0)).toEqual([]);
    // The check itself finds what it should: an unlabelled field and an image without alt text.
    const probe = await wide.newPage();
    await probe.setContent(
      '<!doctype html><html lang="en"><title>t</title><main><input><img src="data:,"></main></html>',
    );
    expect((await a11yViolations(probe)).map((v) => v.rule).sort()).toEqual(['image-alt', 'label']);
    await wide.close();
    await phone.close();
  }, 300_000);
});
