import { describe, expect, it } from 'vitest';
import {
  afterLinkFailure,
  afterNotModified,
  backoffMs,
  dueLinks,
  inheritSummary,
  newWalk,
  nextListingPage,
  recordListingFailure,
  recordListingPage,
  summariseWalk,
} from '#shared/crawl/walk-plan.ts';
import type { CheckPage, LinkItem } from '#shared/store/records.ts';

const L = 'http://www.example.gov.cn/xxgk/ndbg/';
const at = '2026-04-02T00:00:00.000Z';
const page = (url: string, years: number[]): CheckPage => ({ url, at, status: 200, rendered: false, years });
const link = (url: string, year: number | null, over: Partial<LinkItem> = {}): LinkItem => ({
  url,
  bodyId: 'b',
  title: `${year ?? ''}年政府信息公开工作年度报告`,
  firstSeen: at,
  year,
  state: 'parsed',
  parseResult: 'report',
  attempts: 0,
  isReport: true,
  ...over,
});
const limits = { maxListingPages: 10, oldestYearInQuestion: 2025, fullWalk: true };
const none = { frames: [], pages: [], unread: [], years: [], newCandidates: 0 };

describe('the listing walk planner', () => {
  it('reads frames before pagination, each page once, and proves the whole listing read', () => {
    // Prepare: a TRS listing (index.html names index_1 and index_2) whose links live in a frame.
    let walk = newWalk('b', `${L}index.html`, at);
    // Act
    walk = recordListingPage(
      walk,
      page(`${L}index.html`, []),
      { ...none, frames: [`${L}list.html`], pages: [`${L}index_1.html`, `${L}index_2.html`] },
      limits,
    );
    const order = [...walk.queue];
    walk = recordListingPage(
      walk,
      page(`${L}list.html`, [2025, 2024]),
      { ...none, years: [2025, 2024] },
      limits,
    );
    walk = recordListingPage(
      walk,
      page(`${L}index_1.html`, [2023]),
      { ...none, pages: [`${L}index.html`, `${L}index_2.html`], years: [2023] },
      limits,
    );
    walk = recordListingPage(walk, page(`${L}index_2.html`, [2019]), { ...none, years: [2019] }, limits);
    // Assess
    expect(order).toEqual([`${L}list.html`, `${L}index_1.html`, `${L}index_2.html`]);
    expect(nextListingPage(walk)).toBeUndefined();
    const s = summariseWalk(walk, [], at);
    expect([s.complete, s.reachedEnd, s.oldestYear, s.newestYear, s.unread]).toEqual([
      true,
      true,
      2019,
      2025,
      [],
    ]);
    expect(s.pages.map((p) => p.url)).toEqual([
      `${L}index.html`,
      `${L}list.html`,
      `${L}index_1.html`,
      `${L}index_2.html`,
    ]);
  });

  it('keeps what could not be resolved, so the walk proves nothing', () => {
    const walk = recordListingPage(
      newWalk('b', `${L}index.html`, at),
      page(`${L}index.html`, [2025]),
      { ...none, unread: ['script pagination goPage() with no resolvable URL'], years: [2025] },
      limits,
    );
    const s = summariseWalk(walk, [], at);
    expect([s.complete, s.unread]).toEqual([
      false,
      [`${L}index.html: script pagination goPage() with no resolvable URL`],
    ]);
  });

  it('a failed page stays queued for the next crawl and the walk is incomplete', () => {
    let walk = recordListingPage(
      newWalk('b', `${L}index.html`, at),
      page(`${L}index.html`, [2025]),
      { ...none, pages: [`${L}index_1.html`], years: [2025] },
      limits,
    );
    walk = recordListingFailure(walk, `${L}index_1.html`, 'HTTP 500');
    expect(nextListingPage(walk)).toBe(`${L}index_1.html`);
    const s = summariseWalk(walk, [], at);
    expect(s.complete).toBe(false);
    expect(s.unread).toEqual([`${L}index_1.html: HTTP 500`, `${L}index_1.html: not read yet`]);
  });

  it('stops a later walk past the oldest year in question only when a page brings nothing new', () => {
    const later = { ...limits, fullWalk: false };
    const start = newWalk('b', `${L}index.html`, at);
    const older = { ...none, pages: [`${L}index_1.html`], years: [2024] };
    const stopped = recordListingPage(start, page(`${L}index.html`, [2024]), older, later);
    const followed = recordListingPage(
      start,
      page(`${L}index.html`, [2024]),
      { ...older, newCandidates: 1 },
      later,
    );
    const first = recordListingPage(start, page(`${L}index.html`, [2024]), older, limits);
    expect([stopped.queue, followed.queue, first.queue]).toEqual([
      [],
      [`${L}index_1.html`],
      [`${L}index_1.html`],
    ]);
    const s = summariseWalk(stopped, [], at);
    expect([s.complete, s.reachedEnd, s.oldestYear]).toEqual([true, false, 2024]);
  });

  it('never reads more than the page budget, and says so', () => {
    const pages = Array.from({ length: 20 }, (_, i) => `${L}index_${i + 1}.html`);
    const walk = recordListingPage(
      newWalk('b', `${L}index.html`, at),
      page(`${L}index.html`, []),
      { ...none, pages },
      { ...limits, maxListingPages: 3 },
    );
    expect(walk.queue).toEqual(pages.slice(0, 2));
    expect(summariseWalk(walk, [], at).unread).toContain(`more than 3 listing pages: ${pages[2]} not read`);
  });

  it('counts a year unsettled while its candidate failed, is dead, queued, or not a report', () => {
    const links = [
      link('a', 2025, { state: 'dead' }),
      link('b', 2024, { state: 'queued' }),
      link('c', 2023, { parseResult: 'not-a-report' }),
      link('d', 2022),
      link('e', null, { state: 'failed' }),
    ];
    const s = summariseWalk(newWalk('b', `${L}index.html`, at), links, at);
    expect([s.unsettledYears, s.unsettledUnknown]).toEqual([[2023, 2024, 2025], 1]);
  });

  it('a not-modified listing inherits the last full walk, with the links as they are now', () => {
    const walk = recordListingPage(
      newWalk('b', `${L}index.html`, at),
      page(`${L}index.html`, [2024]),
      none,
      limits,
    );
    const previous = summariseWalk(walk, [link('x', 2024, { state: 'failed' })], '2026-04-01T00:00:00.000Z');
    const later = '2026-04-03T00:00:00.000Z';
    const s = inheritSummary(
      previous,
      { url: `${L}index.html`, at: later, status: 304, rendered: false, years: [] },
      [link('x', 2024)],
      later,
    );
    expect(s).toMatchObject({ at: later, complete: true, unsettledYears: [], inheritedFrom: previous.at });
    expect(s.pages.map((p) => p.status)).toEqual([304]);
  });

  it('retries failing links with a growing backoff, and never before it has passed', () => {
    const now = new Date(at);
    const failed = afterLinkFailure(
      link('a', 2025, { state: 'new' }),
      { status: 404, errorClass: 'http-4xx', message: 'HTTP 404' },
      now,
    );
    expect(failed).toMatchObject({
      state: 'dead',
      attempts: 1,
      lastStatus: 404,
      nextAttemptAt: '2026-04-02T06:00:00.000Z',
    });
    expect(dueLinks([failed], now)).toEqual([]);
    expect(dueLinks([failed], new Date('2026-04-02T06:00:00.000Z'))).toEqual([failed]);
    expect([1, 2, 3, 10].map((n) => backoffMs(n) / 3_600_000)).toEqual([6, 12, 24, 168]);
    expect(dueLinks([link('n', 2025, { state: 'new' }), link('p', 2024)], now).map((l) => l.url)).toEqual([
      'n',
    ]);
  });

  it('fetches again, after the backoff, a page whose attachment failed or whose parse failed', () => {
    const now = new Date(at);
    const later = new Date('2026-04-03T00:00:00.000Z');
    const attachment = link('a', 2025, {
      parseResult: 'not-a-report',
      attachmentErrors: [{ url: 'http://x/downfile.jsp?filename=a.pdf', error: 'HTTP 500' }],
      attempts: 1,
      nextAttemptAt: '2026-04-02T06:00:00.000Z',
    });
    const failed = link('b', 2024, { parseResult: 'failed' });
    const notAReport = link('c', 2023, { parseResult: 'not-a-report' });
    expect(dueLinks([attachment, failed, notAReport], now).map((l) => l.url)).toEqual(['b']);
    expect(dueLinks([attachment, failed, notAReport], later).map((l) => l.url)).toEqual(['a', 'b']);
  });

  it('stops early only on a listing sorted newest first', () => {
    const later = { ...limits, fullWalk: false, oldestYearInQuestion: 2025 };
    const p1 = { ...none, pages: [`${L}index_1.html`], years: [2019, 2020, 2021] };
    const ascending = recordListingPage(
      newWalk('b', `${L}index.html`, at),
      page(`${L}index.html`, [2019, 2020, 2021]),
      p1,
      later,
    );
    const descending = recordListingPage(
      newWalk('b', `${L}index.html`, at),
      page(`${L}index.html`, [2021, 2020, 2019]),
      { ...p1, years: [2021, 2020, 2019] },
      later,
    );
    expect([ascending.queue, descending.queue]).toEqual([[`${L}index_1.html`], []]);
  });

  it('reads frames and further pages again behind a first page that answered 304', () => {
    const previous = summariseWalk(
      recordListingPage(
        recordListingPage(
          newWalk('b', `${L}index.html`, at),
          page(`${L}index.html`, []),
          { ...none, frames: [`${L}list.html`] },
          limits,
        ),
        page(`${L}list.html`, [2024]),
        { ...none, years: [2024] },
        limits,
      ),
      [],
      at,
    );
    const walk = afterNotModified(
      newWalk('b', `${L}index.html`, at),
      { url: `${L}index.html`, at, status: 304, rendered: false, years: [] },
      previous,
    );
    expect([walk.read.map((p) => p.status), walk.queue]).toEqual([[304], [`${L}list.html`]]);
  });
});
