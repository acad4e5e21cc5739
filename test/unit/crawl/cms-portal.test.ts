import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import contentDisposition from 'content-disposition';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyLink, titleYear } from '#shared/crawl/discover.ts';
import { readListing } from '#shared/crawl/listing-read.ts';
import { parseAttachment } from '#shared/parse/attachments.ts';
import { parseReport } from '#shared/parse/parse-report.ts';
import { CMS_SITES, type CmsPortal, type CmsSite, startCmsPortal } from '#test/support/cms-portal.ts';
import { reportPage, type SiteInfo } from '#test/support/cms-portal-pages.ts';
import { reportDocx, reportPdf, reportTitle } from '#test/support/cms-report.ts';

describe('the CMS portal report generator', () => {
  const site: SiteInfo = {
    org: '吉州区人民政府',
    code: '360802',
    family: 'trs',
    listingPath: '/zwgk/ndbg/index.html',
  };

  it('writes detail pages that parse as reports of their year, dated by their CMS meta block', () => {
    for (const year of [2018, 2021, 2024]) {
      const url = `http://127.0.0.1/zwgk/ndbg/${year + 1}01/t${year + 1}0120_1.html`;
      const parsed = parseReport({ html: reportPage(site, { org: site.org, year }), url });
      expect(parsed.kind, String(year)).toBe('report');
      if (parsed.kind !== 'report') continue;
      expect({
        title: parsed.title,
        year: parsed.year,
        date: parsed.publishedAt.date,
        missing: parsed.missingSections,
      }).toEqual({
        title: `吉州区人民政府${year}年政府信息公开工作年度报告`,
        year,
        date: `${year + 1}-01-20`,
        missing: [],
      });
    }
  });

  it('writes DOCX and PDF attachments that parse as the same report', async () => {
    const spec = { org: '景泰县人民政府', year: 2024 };
    for (const [type, bytes] of [
      ['docx', await reportDocx(spec)],
      ['pdf', reportPdf(spec)],
    ] as const) {
      const parsed = await parseAttachment({
        bytes,
        type,
        url: `http://127.0.0.1/f.${type}`,
        pageUrl: 'http://127.0.0.1/',
      });
      expect(parsed.kind === 'report' ? [parsed.year, parsed.title] : parsed.reason, type).toEqual([
        2024,
        reportTitle(spec),
      ]);
    }
  });
});

/** Walks a listing with the reader (frames and pages by GET), collecting the years its report links name. */
async function walk(start: string): Promise<{ years: number[]; unread: string[]; read: number }> {
  const queue = [start];
  const seen = new Set(queue);
  const years = new Set<number>();
  const unread: string[] = [];
  while (queue.length > 0 && seen.size < 40) {
    const url = queue.shift()!;
    const res = await fetch(url);
    expect(res.status, url).toBe(200);
    const read = readListing(await res.text(), url);
    for (const link of read.links) {
      const year = titleYear(link.title);
      if (link.region === 'content' && classifyLink(link) === 'report' && year) years.add(year);
    }
    unread.push(...read.unread);
    for (const next of [...read.frames, ...read.pages]) {
      if (!seen.has(next)) queue.push(next);
      seen.add(next);
    }
  }
  return { years: [...years].sort((a, b) => b - a), unread, read: seen.size };
}

const get = (url: string, init?: RequestInit) => fetch(url, { redirect: 'manual', ...init });

describe('startCmsPortal()', () => {
  let portal: CmsPortal;
  const site = (name: CmsSite['name']): CmsSite => portal.sites[name];

  beforeAll(async () => {
    portal = await startCmsPortal();
  });
  afterAll(async () => {
    await portal.close();
  });

  it('starts one loopback origin per site, with valid, distinct bodies of known divisions', () => {
    const origins = new Set(Object.values(portal.sites).map((s) => s.origin));
    expect(origins.size).toBe(CMS_SITES.length);
    expect(portal.bodies).toHaveLength(CMS_SITES.length + 1);
    expect(new Set(portal.bodies.map((b) => b.id)).size).toBe(portal.bodies.length);
    for (const s of Object.values(portal.sites)) {
      for (const body of s.bodies) {
        expect(body.listingUrl.startsWith(`${s.origin}/`), s.name).toBe(true);
        expect([body.render, body.parents.length > 0], s.name).toEqual(['auto', true]);
      }
    }
    expect(site('shared').bodies.map((b) => [b.id, b.name, b.level])).toEqual([
      ['360823', '峡江县人民政府', 'county'],
      ['360823-zfb', '峡江县人民政府办公室', 'department'],
    ]);
  });

  it('serves every listing, and report pages (or their attachments) that parse as reports of their year', async () => {
    for (const s of Object.values(portal.sites)) {
      for (const body of s.bodies) expect((await get(body.listingUrl)).status, body.listingUrl).toBe(200);
      expect([...s.reports.keys()].sort(), s.name).toEqual([...s.expectedYears].sort());
      for (const [year, path] of s.reports) {
        const res = await get(s.origin + path);
        expect(res.status, `${s.name} ${path}`).toBe(200);
        const page = parseReport({ html: await res.text(), url: s.origin + path });
        const file = s.attachments.get(year);
        if (!file) {
          expect(page.kind === 'report' && page.year, `${s.name} ${year}`).toBe(year);
          continue;
        }
        // The detail page only links its attachment: the report is the file.
        expect(page.kind, `${s.name} ${year}`).toBe('not-a-report');
        const download = await get(s.origin + file);
        const type = s.name === 'attach-disposition' ? 'pdf' : 'docx';
        const bytes = new Uint8Array(await download.arrayBuffer());
        const parsed = await parseAttachment({ bytes, type, url: s.origin + file, pageUrl: s.origin + path });
        expect(parsed.kind === 'report' && parsed.year, `${s.name} ${year}`).toBe(year);
      }
    }
  });

  it('holds the expected years where the listing reader can reach them, and says when it cannot', async () => {
    const trsFrom = site('trs').log.length;
    for (const s of Object.values(portal.sites)) {
      for (const body of s.bodies) {
        const walked = await walk(body.listingUrl);
        if (s.needsBrowser) {
          expect(walked.years, s.name).toEqual([]);
          expect(walked.unread, s.name).toEqual([
            'links written by script (document.write / innerHTML) that only a browser can read',
          ]);
          continue;
        }
        const hidden = s.name === 'unresolved' ? s.unreachableYears : [];
        const named = [...s.expectedYears, ...s.unreachableYears].filter((y) => !hidden.includes(y));
        expect(walked.years, s.name).toEqual([...new Set(named)].sort((a, b) => b - a));
        expect(walked.unread.length > 0, s.name).toBe(s.name === 'unresolved');
      }
    }
    expect(site('trs').log.slice(trsFrom)).toEqual([
      { path: '/zwgk/zfxxgknb/index.html', method: 'GET' },
      { path: '/zwgk/zfxxgknb/index_1.html', method: 'GET' },
      { path: '/zwgk/zfxxgknb/index_2.html', method: 'GET' },
    ]);
  });

  it('serves Hanweb dataproxy.jsp records for the GET query or the POST form the page names, none without', async () => {
    const { origin } = site('hanweb');
    const proxy = `${origin}/module/web/jpage/dataproxy.jsp`;
    const params =
      'col=1&appid=1&webid=12&path=/&columnid=6421&sourceContentType=1&unitid=4587662&permissiontype=0';
    const titles = (xml: string) => [...xml.matchAll(/title="([^"]+)"/g)].map((m) => m[1]);
    const viaGet = await (await get(`${proxy}?startrecord=4&endrecord=6&perpage=3&${params}`)).text();
    const viaPost = await (
      await get(`${proxy}?startrecord=4&endrecord=6&perpage=3`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' },
        body: params,
      })
    ).text();
    expect(titles(viaGet)).toEqual([
      '靖远县人民政府2021年政府信息公开工作年度报告',
      '靖远县人民政府2022年政务公开工作要点',
      '靖远县人民政府2020年政府信息公开工作年度报告',
    ]);
    expect(titles(viaPost)).toEqual(titles(viaGet));
    expect(titles(await (await get(`${proxy}?startrecord=4&endrecord=6&perpage=3`)).text())).toEqual([]);
    expect(
      site('hanweb')
        .log.filter((r) => r.path.includes('dataproxy'))
        .map((r) => r.method),
    ).toContain('POST');
  });

  it('resolves base-href report links only under the base', async () => {
    const { origin } = site('base-href');
    expect((await get(`${origin}/xxgk/d/show.asp?id=1023`)).status).toBe(200);
    expect((await get(`${origin}/xxgk/show.asp?id=1023`)).status).toBe(404);
  });

  it('names attachments only in the query, in Content-Disposition as RFC 5987 UTF-8, or in raw GBK', async () => {
    const answer = async (name: CmsSite['name']) => {
      const s = site(name);
      const res = await get(s.origin + s.attachments.values().next().value!);
      return { type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition') };
    };
    expect(await answer('attach-query')).toEqual({ type: 'application/octet-stream', disposition: null });
    const utf8 = await answer('attach-disposition');
    expect(contentDisposition.parse(utf8.disposition!).parameters.filename).toBe(
      '景泰县人民政府2024年政府信息公开工作年度报告.pdf',
    );
    const gbk = await answer('attach-gbk');
    expect(iconv.decode(Buffer.from(gbk.disposition!, 'latin1'), 'gbk')).toBe(
      'attachment; filename="西丰县人民政府2023年政府信息公开工作年度报告.docx"',
    );
  });

  it('answers 404 for a dead report link listed first, and for a report page attachments', async () => {
    const dead = site('dead-first');
    const listing = await (await get(dead.bodies[0]!.listingUrl)).text();
    const links = readListing(listing, dead.bodies[0]!.listingUrl).links.filter(
      (l) => classifyLink(l) === 'report',
    );
    expect(
      await Promise.all(links.map(async (l) => [titleYear(l.title), (await get(l.url)).status])),
    ).toEqual([
      [2024, 404],
      [2023, 200],
    ]);
    const s = site('dead-attachment');
    const url = s.origin + s.reports.get(2023)!;
    const read = readListing(await (await get(url)).text(), url);
    const pdfs = read.links.filter((l) => l.url.endsWith('.pdf'));
    expect(await Promise.all(pdfs.map(async (l) => [l.region, l.title, (await get(l.url)).status]))).toEqual([
      ['content', '内乡县2023年政府信息公开情况统计表.pdf', 404],
      ['footer', '网站使用指南.pdf', 404],
    ]);
  });

  it('fails page 2 of page2-fails with 500 while told to', async () => {
    const page2 = `${site('page2-fails').origin}/zwgk/zfxxgknb/index_1.html`;
    portal.failPage2(true);
    expect((await get(page2)).status).toBe(500);
    portal.failPage2(false);
    expect((await get(page2)).status).toBe(200);
  });

  it('takes a report page down as a 404, a soft 404 in CMS chrome, or a redirect home', async () => {
    const s = site('removable');
    const url = s.origin + s.reports.get(2023)!;
    const seen = [];
    for (const mode of ['404', 'soft', 'home', null] as const) {
      portal.takeDown('removable', mode);
      const res = await get(url);
      const text = await res.text();
      seen.push([res.status, res.headers.get('location'), /该信息已删除/.test(text), /主办单位/.test(text)]);
    }
    expect(seen).toEqual([
      [404, null, true, true],
      [200, null, true, true],
      [302, '/', false, false],
      [200, null, false, true],
    ]);
  });

  it('lists one report page on two bodies’ listings of the shared site', async () => {
    const s = site('shared');
    const reportLinks = await Promise.all(
      s.bodies.map(async (b) => {
        const read = readListing(await (await get(b.listingUrl)).text(), b.listingUrl);
        return read.links.filter((l) => classifyLink(l) === 'report').map((l) => l.url);
      }),
    );
    expect(reportLinks).toEqual([[s.origin + s.reports.get(2023)!], [s.origin + s.reports.get(2023)!]]);
  });

  it('nests a report 3,500 <div>s deep, and gzips one unasked', async () => {
    const nested = site('nested');
    const text = await (await get(nested.origin + nested.reports.get(2023)!)).text();
    expect(text.split('<div>').length - 1).toBeGreaterThanOrEqual(3500);
    const gz = site('gzip');
    const raw = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      const req = request(gz.origin + gz.reports.get(2023)!, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }),
        );
      });
      req.on('error', reject);
      req.end();
    });
    expect(raw.encoding).toBe('gzip');
    expect(gunzipSync(raw.body).toString('utf8')).toContain('和顺县人民政府2023年政府信息公开工作年度报告');
  });

  it('hides page 2 of the unresolved site behind a POST only a script sends', async () => {
    const { origin } = site('unresolved');
    expect((await get(`${origin}/zwgk/ndbg/list.do`)).status).toBe(405);
    const res = await get(`${origin}/zwgk/ndbg/list.do`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'pageNo=2',
    });
    const read = readListing(await res.text(), `${origin}/zwgk/ndbg/list.do`);
    expect(read.links.filter((l) => classifyLink(l) === 'report').map((l) => titleYear(l.title))).toEqual([
      2021,
    ]);
  });
});
