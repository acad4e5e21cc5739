import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ListingLink, readListing } from '#shared/crawl/listing-read.ts';

/** A listing page as its CMS writes it (test/fixtures/listings/). */
const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/listings/${name}`, import.meta.url), 'utf8');

const link = (
  url: string,
  title: string,
  region: ListingLink['region'],
  via: ListingLink['via'] = 'href',
): ListingLink => ({ url, title, region, via });

describe('readListing() over CMS listing pages', () => {
  it('reads a TRS WCM column: createPageHTML(3, 0, "index", "html") names index_1 and index_2; header, left menu and footer links are not content', () => {
    const O = 'http://www.tanghe.gov.cn';
    expect(readListing(fixture('trs-createpage.html'), `${O}/zwgk/ndbg/index.html`)).toEqual({
      links: [
        link('http://wza.tanghe.gov.cn/', '无障碍浏览', 'nav'),
        link(`${O}/`, '首页', 'nav'),
        link(`${O}/zwgk/`, '政务公开', 'nav'),
        link(`${O}/zwfw/`, '政务服务', 'nav'),
        link(`${O}/hdjl/`, '互动交流', 'nav'),
        link(`${O}/zjth/`, '走进唐河', 'nav'),
        link(`${O}/zwgk/ndbg/`, '政府信息公开年度报告', 'nav'),
        link(`${O}/zwgk/xxgkzn/`, '政府信息公开指南', 'nav'),
        link(`${O}/zwgk/xxgkzd/`, '政府信息公开制度', 'nav'),
        link(
          `${O}/zwgk/ndbg/202401/t20240120_3271106.html`,
          '唐河县人民政府2023年政府信息公开工作年度报告',
          'content',
        ),
        link(
          `${O}/zwgk/ndbg/202312/t20231205_3190022.html`,
          '关于做好2023年政府信息公开工作年度报告编制发布工作的通知',
          'content',
        ),
        link(
          `${O}/zwgk/ndbg/202301/t20230118_2981543.html`,
          '唐河县人民政府2022年政府信息公开工作年度报告',
          'content',
        ),
        link(`${O}/zwgk/ndbg/202205/t20220506_2780014.html`, '唐河县2022年政务公开工作要点', 'content'),
        link(`${O}/wzdt/`, '网站地图', 'footer'),
        link(`${O}/lxwm/`, '联系我们', 'footer'),
        link('https://www.henan.gov.cn/', '河南省人民政府', 'footer'),
        link('https://beian.miit.gov.cn/', '豫ICP备05015621号', 'footer'),
        link(
          'http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=41132802000123',
          '豫公网安备 41132802000123号',
          'footer',
        ),
      ],
      frames: [],
      pages: [`${O}/zwgk/ndbg/index_1.html`, `${O}/zwgk/ndbg/index_2.html`],
      pagination: { scheme: 'trs', total: 3, current: 1 },
      unread: [],
    });
  });

  it('reads the older TRS pager written inline (var countPage / currentPage and document.write) on page 2', () => {
    const O = 'http://www.tanghe.gov.cn';
    expect(readListing(fixture('trs-inline.html'), `${O}/zwgk/ndbg/index_1.html`)).toEqual({
      links: [
        link(`${O}/`, '首页', 'nav'),
        link(`${O}/zwgk/`, '政务公开', 'nav'),
        link(`${O}/zwgk/ndbg/`, '政府信息公开年度报告', 'nav'),
        link(
          `${O}/zwgk/ndbg/202203/t20220325_2740158.html`,
          '唐河县人民政府2021年政府信息公开工作年度报告',
          'content',
        ),
        link(
          `${O}/zwgk/ndbg/202103/t20210329_2410872.html`,
          '唐河县人民政府2020年政府信息公开工作年度报告',
          'content',
        ),
        link('https://beian.miit.gov.cn/', '豫ICP备05015621号', 'footer'),
      ],
      frames: [],
      pages: [`${O}/zwgk/ndbg/index.html`, `${O}/zwgk/ndbg/index_2.html`, `${O}/zwgk/ndbg/index_3.html`],
      pagination: { scheme: 'trs', total: 4, current: 2 },
      unread: [],
    });
  });

  it(`reads the 6-argument createPageHTML('page_div', countPage, currentPage, 'index', 'html', rows) with its counts declared before`, () => {
    const O = 'http://www.yuci.gov.cn';
    expect(readListing(fixture('trs6.html'), `${O}/zwgk/ndbg/index.html`)).toEqual({
      links: [
        link(`${O}/`, '首页', 'nav'),
        link(`${O}/zwgk/`, '政务公开', 'nav'),
        link(`${O}/hdjl/`, '政民互动', 'nav'),
        link(
          `${O}/zwgk/ndbg/202401/t20240118_1204456.html`,
          '榆次区人民政府2023年政府信息公开工作年度报告',
          'content',
        ),
        link(
          `${O}/zwgk/ndbg/202301/t20230116_1101875.html`,
          '榆次区人民政府2022年政府信息公开工作年度报告',
          'content',
        ),
        link('https://beian.miit.gov.cn/', '晋ICP备05002347号', 'footer'),
      ],
      frames: [],
      pages: [`${O}/zwgk/ndbg/index_1.html`],
      pagination: { scheme: 'trs', total: 2, current: 1 },
      unread: [],
    });
  });

  it(`reads Hanweb jpage: the inline datastore records, and dataproxy.jsp requests for the rest with the page's ajaxParam`, () => {
    const O = 'http://www.jingyuan.gov.cn';
    // What the page's jpage call POSTs (ajaxParam), as the query of a GET.
    const webname = encodeURIComponent('靖远县人民政府');
    const proxy = (start: number, end: number) =>
      `${O}/module/web/jpage/dataproxy.jsp?startrecord=${start}&endrecord=${end}&perpage=3&col=1&appid=1&webid=12` +
      `&path=%2F&columnid=6924&sourceContentType=1&unitid=4587662&webname=${webname}&permissiontype=0`;
    expect(readListing(fixture('hanweb-jpage.html'), `${O}/col/col6924/index.html`)).toEqual({
      links: [
        link(`${O}/col/col1/index.html`, '首页', 'nav'),
        link(`${O}/col/col6918/index.html`, '政务公开', 'nav'),
        link(`${O}/col/col6920/index.html`, '政务服务', 'nav'),
        link(`${O}/col/col6922/index.html`, '政民互动', 'nav'),
        link(`${O}/col/col6924/index.html`, '政府信息公开年度报告', 'nav'),
        link(
          `${O}/art/2024/1/20/art_6924_1618518.html`,
          '靖远县人民政府2023年政府信息公开工作年度报告',
          'content',
          'record',
        ),
        link(
          `${O}/art/2023/12/8/art_6924_1577201.html`,
          '关于做好2023年度政府信息公开工作年度报告编制工作的通知',
          'content',
          'record',
        ),
        link(
          `${O}/art/2023/1/17/art_6924_1453390.html`,
          '靖远县人民政府2022年政府信息公开工作年度报告',
          'content',
          'record',
        ),
        link('https://beian.miit.gov.cn/', '陇ICP备05001573号', 'footer'),
        link(`${O}/module/sitemap/index.jsp`, '网站地图', 'footer'),
        link(`${O}/art/2020/1/1/art_1_1.html`, '联系我们', 'footer'),
      ],
      frames: [],
      pages: [proxy(4, 6), proxy(7, 7)],
      pagination: { scheme: 'hanweb-jpage', total: 3, current: 1 },
      unread: [],
    });
  });

  it('reads a dataproxy.jsp answer (a bare datastore) as records, with no further pages', () => {
    const O = 'http://www.jingyuan.gov.cn';
    expect(
      readListing(
        fixture('hanweb-dataproxy.xml'),
        `${O}/module/web/jpage/dataproxy.jsp?startrecord=4&endrecord=6&perpage=3&col=1`,
      ),
    ).toEqual({
      links: [
        link(
          `${O}/art/2022/1/25/art_6924_1320114.html`,
          '靖远县人民政府2021年政府信息公开工作年度报告',
          'content',
          'record',
        ),
        link(`${O}/art/2021/6/3/art_6924_1200455.html`, '靖远县2021年政务公开工作要点', 'content', 'record'),
        link(
          `${O}/art/2021/1/28/art_6924_1180302.html`,
          '靖远县人民政府2020年政府信息公开工作年度报告',
          'content',
          'record',
        ),
      ],
      frames: [],
      pages: [],
      pagination: { scheme: 'hanweb-jpage' },
      unread: [],
    });
  });

  it(`reads Hanweb's annual-report module: one xxgkAnnualReport.jsp?fbtime= link per year, the year menu included`, () => {
    const O = 'http://www.jizhou.gov.cn';
    expect(
      readListing(fixture('hanweb-annual.html'), `${O}/module/xxgk/xxgkAnnualReport.jsp?area=360802`),
    ).toEqual({
      links: [
        link(`${O}/module/xxgk/index.jsp?area=360802`, '信息公开首页', 'nav'),
        link(`${O}/module/xxgk/tree.jsp?area=360802`, '信息公开目录', 'nav'),
        link(`${O}/module/xxgk/xxgkAnnualReport.jsp?area=360802`, '信息公开年报', 'nav'),
        link(
          `${O}/module/xxgk/xxgkAnnualReport.jsp?area=360802&fbtime=2023`,
          '吉州区人民政府2023年政府信息公开工作年度报告',
          'content',
        ),
        link(
          `${O}/module/xxgk/xxgkAnnualReport.jsp?area=360802&fbtime=2022`,
          '吉州区人民政府2022年政府信息公开工作年度报告',
          'content',
        ),
        link(
          `${O}/module/xxgk/xxgkAnnualReport.jsp?area=360802&fbtime=2021`,
          '吉州区人民政府2021年政府信息公开工作年度报告',
          'content',
        ),
        link(`${O}/module/xxgk/xxgkAnnualReport.jsp?area=360802&fbtime=2020`, '2020年', 'content', 'select'),
        link(`${O}/module/xxgk/xxgkAnnualReport.jsp?area=360802&fbtime=2019`, '2019年', 'content', 'select'),
        link('https://beian.miit.gov.cn/', '赣ICP备05003964号', 'footer'),
      ],
      frames: [],
      pages: [],
      pagination: { scheme: 'hanweb-annual' },
      unread: [],
    });
  });

  it('reads a 集约化 /art/YYYY/M/D/art_…html column with numbered pageNum links', () => {
    const O = 'http://www.jizhou.gov.cn';
    expect(readListing(fixture('jiyue-art.html'), `${O}/col/col3600/index.html`)).toEqual({
      links: [
        link(`${O}/col/col1/index.html`, '网站首页', 'nav'),
        link('https://www.jiangxi.gov.cn/', '江西省人民政府', 'nav'),
        link(`${O}/col/col3578/index.html`, '政府信息公开', 'nav'),
        link(`${O}/col/col3580/index.html`, '办事服务', 'nav'),
        link(`${O}/col/col3582/index.html`, '互动交流', 'nav'),
        link(`${O}/col/col3600/index.html`, '政府信息公开年度报告', 'nav'),
        link(
          `${O}/art/2024/1/22/art_3600_4870215.html`,
          '吉州区人民政府2023年政府信息公开工作年度报告',
          'content',
        ),
        link(
          `${O}/art/2024/1/10/art_3600_4866120.html`,
          '吉州区2023年政府信息公开工作年度报告解读',
          'content',
        ),
        link(
          `${O}/art/2023/1/31/art_3600_4618518.html`,
          '吉州区人民政府2022年政府信息公开工作年度报告',
          'content',
        ),
        link(
          `${O}/art/2022/3/30/art_3600_4390271.html`,
          '吉州区人民政府2021年政府信息公开工作年度报告',
          'content',
        ),
        link(`${O}/col/col3600/index.html?uid=18734&pageNum=2`, '2', 'content'),
        link(`${O}/col/col3600/index.html?uid=18734&pageNum=3`, '3', 'content'),
        link('https://beian.miit.gov.cn/', '赣ICP备05003964号-1', 'footer'),
        link(`${O}/art/2019/6/1/art_1_100.html`, '网站声明', 'footer'),
      ],
      frames: [],
      pages: [
        `${O}/col/col3600/index.html?uid=18734&pageNum=2`,
        `${O}/col/col3600/index.html?uid=18734&pageNum=3`,
      ],
      pagination: { scheme: 'links', total: 3 },
      unread: [],
    });
  });

  it(`resolves a home-grown ASP site's links against <base href>, not the page URL`, () => {
    const O = 'http://www.yuci.gov.cn';
    expect(readListing(fixture('asp-base-href.html'), `${O}/xxgk/list.asp?classid=13`)).toEqual({
      links: [
        link(`${O}/index.asp`, '首 页', 'nav'),
        link(`${O}/zwgk.asp`, '政务公开', 'nav'),
        link(`${O}/bsfw.asp`, '办事服务', 'nav'),
        link(`${O}/gzhd.asp`, '公众互动', 'nav'),
        link(`${O}/xxgk/d/list.asp?classid=12`, '信息公开指南', 'content'),
        link(`${O}/xxgk/d/list.asp?classid=13`, '信息公开年报', 'content'),
        link(`${O}/xxgk/d/show.asp?id=3812`, '榆次区2023年政府信息公开工作年度报告', 'content'),
        link(`${O}/xxgk/d/show.asp?id=3390`, '榆次区2022年政府信息公开工作年度报告', 'content'),
        link(`${O}/xxgk/d/show.asp?id=3277`, '关于2022年度政府信息公开工作年度报告的编制说明', 'content'),
        link(`${O}/xxgk/d/list.asp?classid=13&page=2`, '[下一页]', 'content'),
        link('http://www.miibeian.gov.cn/', '晋ICP备05002347号', 'footer'),
      ],
      frames: [],
      pages: [`${O}/xxgk/d/list.asp?classid=13&page=2`],
      pagination: { scheme: 'links', total: 2, current: 1 },
      unread: [],
    });
  });

  it('names a same-site iframe as a frame and a cross-site one as unread', () => {
    const O = 'http://www.tieling.gov.cn';
    expect(readListing(fixture('iframe-index.html'), `${O}/zwgk/ndbg/index.html`)).toEqual({
      links: [
        link(`${O}/`, '首页', 'nav'),
        link(`${O}/zwgk/`, '政务公开', 'nav'),
        link(`${O}/zwfw/`, '政务服务', 'nav'),
        link('https://beian.miit.gov.cn/', '辽ICP备05005417号', 'footer'),
      ],
      frames: [`${O}/zwgk/ndbg/list.html`],
      pages: [],
      pagination: { scheme: 'none' },
      unread: ['cross-site frame https://tongji.ln.gov.cn/widget/hot.html'],
    });
  });

  it('reads a <select> jump menu as pages, and a footer link menu as links', () => {
    const O = 'http://www.jizhou.gov.cn';
    expect(readListing(fixture('select-menu.html'), `${O}/xxgk/ndbg/list_1.html`)).toEqual({
      links: [
        link(`${O}/`, '吉州区人民政府', 'nav'),
        link(`${O}/xxgk/`, '信息公开', 'nav'),
        link(`${O}/xxgk/ndbg/2024/0122/5121.html`, '吉州区人民政府2023年政府信息公开工作年度报告', 'content'),
        link(`${O}/xxgk/ndbg/2023/0130/4410.html`, '吉州区人民政府2022年政府信息公开工作年度报告', 'content'),
        link('https://www.jiangxi.gov.cn/', '江西省人民政府', 'footer', 'select'),
        link('https://www.jian.gov.cn/', '吉安市人民政府', 'footer', 'select'),
      ],
      frames: [],
      pages: [`${O}/xxgk/ndbg/list_2.html`, `${O}/xxgk/ndbg/list_3.html`],
      pagination: { scheme: 'select', total: 3, current: 1 },
      unread: [],
    });
  });

  it(`resolves javascript:openWin('…'), window.open in onclick, location.href rows and goPage(n) through the page's function`, () => {
    const O = 'http://rsj.tanghe.gov.cn';
    expect(readListing(fixture('onclick-handlers.html'), `${O}/xxgk/ndbg/list.shtml`)).toEqual({
      links: [
        link(`${O}/`, '首页', 'nav'),
        link(`${O}/xxgk/`, '信息公开', 'nav'),
        link(`${O}/bsfw/`, '办事服务', 'nav'),
        link(
          `${O}/art/2024/1/29/art_812_90221.html`,
          '唐河县人力资源和社会保障局2023年政府信息公开工作年度报告',
          'content',
          'script',
        ),
        link(
          `${O}/art/2023/1/30/art_812_83310.html`,
          '唐河县人力资源和社会保障局2022年政府信息公开工作年度报告',
          'content',
          'script',
        ),
        link(
          `${O}/art/2022/11/2/art_812_80007.html`,
          '关于开展2022年度政务公开第三方评估的通知 2022-11-02',
          'content',
          'script',
        ),
        link(`${O}/xxgk/ndbg/list_2.shtml`, '2', 'content', 'script'),
        link(`${O}/xxgk/ndbg/list_3.shtml`, '3', 'content', 'script'),
        link(`${O}/art/2019/1/1/art_1_1.html`, '网站声明', 'footer', 'script'),
      ],
      frames: [],
      pages: [`${O}/xxgk/ndbg/list_2.shtml`, `${O}/xxgk/ndbg/list_3.shtml`],
      pagination: { scheme: 'script-handler' },
      unread: [],
    });
  });

  it('reports pagination driven by an unknown function and by an obfuscated script as unread', () => {
    const O = 'http://www.jingyuan.gov.cn';
    expect(readListing(fixture('unresolved-script.html'), `${O}/zwgk/ndbg/index.html`)).toEqual({
      links: [
        link(`${O}/`, '靖远县人民政府', 'nav'),
        link(`${O}/zwgk/`, '政务公开', 'nav'),
        link(
          `${O}/zwgk/ndbg/202401/t20240125_88120.html`,
          '靖远县人民政府2023年政府信息公开工作年度报告',
          'content',
        ),
        link(
          `${O}/zwgk/ndbg/202301/t20230120_71902.html`,
          '靖远县人民政府2022年政府信息公开工作年度报告',
          'content',
        ),
      ],
      frames: [],
      pages: [],
      pagination: { scheme: 'none' },
      unread: [
        'script pagination turnPage() with no resolvable URL',
        'script pagination control "下一页" (javascript:void(0)) with no resolvable URL',
      ],
    });
  });

  it('reads literal links a script writes and reports links built in a loop as unread', () => {
    const O = 'http://www.tieling.gov.cn';
    expect(readListing(fixture('iframe-script-list.html'), `${O}/zwgk/ndbg/list.html`)).toEqual({
      links: [link(`${O}/zwgk/ndbg/index_1.html`, '更多年报', 'content', 'script')],
      frames: [],
      pages: [],
      pagination: { scheme: 'none' },
      unread: ['links written by script (document.write / innerHTML) that only a browser can read'],
    });
  });
});

describe('readListing() edge cases', () => {
  const O = 'http://www.example.gov.cn';
  const page = `${O}/xxgk/ndbg/index.html`;
  const wrap = (body: string) => `<html><head><meta charset="utf-8"></head><body>${body}</body></html>`;

  it('reads createPageHTML with its counts in variables, and a 404 page of the pager when the count is unreadable', () => {
    const known = wrap(
      '<script>var countPage = 3; var currentPage = 2;\ncreatePageHTML(countPage, currentPage, "index", "shtml");</script>',
    );
    expect(readListing(known, `${O}/xxgk/ndbg/index_2.shtml`)).toEqual({
      links: [],
      frames: [],
      pages: [`${O}/xxgk/ndbg/index.shtml`, `${O}/xxgk/ndbg/index_1.shtml`],
      pagination: { scheme: 'trs', total: 3, current: 3 },
      unread: [],
    });
    const unknown = wrap('<script>createPageHTML(window.pageTotal, 0, "index", "html");</script>');
    expect(readListing(unknown, page)).toEqual({
      links: [],
      frames: [],
      pages: [],
      pagination: { scheme: 'none' },
      unread: ['TRS createPageHTML() with a page count we cannot read'],
    });
  });

  it('follows a jpage nextgroup when the call names no parameters, and says so when there is neither', () => {
    const store = (next: string) =>
      `<div id="1"><script type="text/xml"><datastore><nextgroup><![CDATA[${next}]]></nextgroup><recordset>` +
      `<record><![CDATA[<li><a href="/art/2024/1/2/art_1_2.html">某县2023年政府信息公开工作年度报告</a></li>]]></record>` +
      '</recordset></datastore></script></div>';
    const call =
      "<script>$('#1').jpage({totalRecord:40,perPage:15,proxyUrl:'/module/web/jpage/dataproxy.jsp'});</script>";
    const withNext = readListing(
      wrap(store('<a href="/module/web/jpage/dataproxy.jsp?page=1&columnid=7"></a>') + call),
      page,
    );
    expect(withNext.pages).toEqual([`${O}/module/web/jpage/dataproxy.jsp?page=1&columnid=7`]);
    expect(withNext.unread).toEqual([]);
    const without = readListing(wrap(store('') + call), page);
    expect(without).toEqual({
      links: [
        link(`${O}/art/2024/1/2/art_1_2.html`, '某县2023年政府信息公开工作年度报告', 'content', 'record'),
      ],
      frames: [],
      pages: [],
      pagination: { scheme: 'hanweb-jpage' },
      unread: ['jpage dataproxy needs POST parameters the page does not name'],
    });
    const computed = readListing(
      wrap(
        `${store('')}<script>$('#1').jpage({totalRecord:40,perPage:15,ajaxParam:{columnid:col,unitid:1}});</script>`,
      ),
      page,
    );
    expect(computed.unread).toEqual(['jpage dataproxy needs POST parameters we cannot read (columnid)']);
  });

  it('reports a page handler that submits a form as needing POST', () => {
    const html = wrap(
      '<div class="page"><a href="javascript:void(0)" onclick="goPage(2)">下一页</a></div>' +
        '<script>function goPage(n){ document.forms[0].pageNo.value = n; document.forms[0].submit(); }</script>',
    );
    expect(readListing(html, page).unread).toEqual(['script pagination goPage() needs POST']);
  });

  it('trusts a dead next-page control on the last page the pager names (共3页 当前第3页)', () => {
    const html = wrap(
      '<div class="page">共3页 当前第3页 <a href="index_1.html">上一页</a> <a href="javascript:void(0)">下一页</a></div>',
    );
    expect(readListing(html, `${O}/xxgk/ndbg/index_2.html`)).toEqual({
      links: [link(`${O}/xxgk/ndbg/index_1.html`, '上一页', 'content')],
      frames: [],
      pages: [`${O}/xxgk/ndbg/index_1.html`],
      pagination: { scheme: 'links', total: 3, current: 3 },
      unread: [],
    });
  });

  it('reads an unresolvable handler on a report title as unread, and ignores print and favourite buttons', () => {
    const html = wrap(
      '<ul><li><a href="javascript:showInfo(1618518)">某县2023年政府信息公开工作年度报告</a></li>' +
        '<li><a href="javascript:window.print()">打印</a></li></ul>',
    );
    expect(readListing(html, page).unread).toEqual([]);
    const named = wrap(
      '<ul><li><a href="javascript:void(0)" onclick="showInfo(id)">某县2023年政府信息公开工作年度报告</a></li></ul>' +
        '<script>function showInfo(x){ location.href = base + x; }</script>',
    );
    expect(readListing(named, page).unread).toEqual([
      'link handler showInfo() with no resolvable URL: 某县2023年政府信息公开工作年度报告',
    ]);
  });

  it('ignores cross-site widgets in the header and footer, and names a bare # pager link', () => {
    const html = wrap(
      '<div class="header"><iframe src="https://tq.weather.com.cn/widget.html"></iframe></div>' +
        '<div class="list"><a href="/art/2024/1/2/art_1_2.html">某县2023年政府信息公开工作年度报告</a></div>' +
        '<div class="pager"><a href="#">下一页</a></div>' +
        '<div class="footer"><iframe src="//zfwzgl.www.gov.cn/exposure/jiucuo.html"></iframe></div>',
    );
    expect(readListing(html, page)).toEqual({
      links: [link(`${O}/art/2024/1/2/art_1_2.html`, '某县2023年政府信息公开工作年度报告', 'content')],
      frames: [],
      pages: [],
      pagination: { scheme: 'none' },
      unread: ['script pagination control "下一页" (#) with no resolvable URL'],
    });
  });

  it("keeps a detail page's footer PDF apart from the one in its content", () => {
    const html = wrap(
      '<div class="article"><p><a href="/uploadfiles/2024/tjb.pdf">附件：2023年政府信息公开情况统计表.pdf</a></p></div>' +
        '<div class="foot-wrap"><a href="/uploadfiles/zhinan.pdf">网站使用指南.pdf</a></div>',
    );
    expect(readListing(html, `${O}/xxgk/ndbg/202401/t20240120_1.html`).links).toEqual([
      link(`${O}/uploadfiles/2024/tjb.pdf`, '附件：2023年政府信息公开情况统计表.pdf', 'content'),
      link(`${O}/uploadfiles/zhinan.pdf`, '网站使用指南.pdf', 'footer'),
    ]);
  });

  it('counts a link listed in the footer and again in the content as content, and ends an unclosed <a> at the next', () => {
    const html = wrap(
      '<footer><a href="/a.html">A</a></footer><div><a href="/a.html">A again</a>' +
        '<p><a href="/1.html">一<a href="/2.html">二</p></div>',
    );
    expect(readListing(html, page).links).toEqual([
      link(`${O}/a.html`, 'A', 'content'),
      link(`${O}/1.html`, '一', 'content'),
      link(`${O}/2.html`, '二', 'content'),
    ]);
  });

  it('does not take a nav 首页 or a year filter for pages of the listing', () => {
    const html = wrap(
      '<div class="list"><a href="/">首页</a> <a href="?year=2023">2023</a> <a href="index_1.html">2</a></div>',
    );
    expect(readListing(html, page).pages).toEqual([`${O}/xxgk/ndbg/index_1.html`]);
  });

  it('reads links through a registry selector with the document tree, keeping jpage records', () => {
    const html = fixture('hanweb-jpage.html').replace(
      '<div class="bt-list">',
      '<div class="bt-list"><ul class="extra"><li><a href="javascript:openWin(\'/art/2019/1/1/art_6924_1.html\')">某县2018年政府信息公开工作年度报告</a></li></ul>',
    );
    const J = 'http://www.jingyuan.gov.cn';
    const read = readListing(html, `${J}/col/col6924/index.html`, { selector: '.extra a, .bottom a' });
    expect(read.links).toEqual([
      link(`${J}/art/2019/1/1/art_6924_1.html`, '某县2018年政府信息公开工作年度报告', 'content', 'script'),
      link('https://beian.miit.gov.cn/', '陇ICP备05001573号', 'footer'),
      link(`${J}/module/sitemap/index.jsp`, '网站地图', 'footer'),
      link(`${J}/art/2020/1/1/art_1_1.html`, '联系我们', 'footer'),
      link(
        `${J}/art/2024/1/20/art_6924_1618518.html`,
        '靖远县人民政府2023年政府信息公开工作年度报告',
        'content',
        'record',
      ),
      link(
        `${J}/art/2023/12/8/art_6924_1577201.html`,
        '关于做好2023年度政府信息公开工作年度报告编制工作的通知',
        'content',
        'record',
      ),
      link(
        `${J}/art/2023/1/17/art_6924_1453390.html`,
        '靖远县人民政府2022年政府信息公开工作年度报告',
        'content',
        'record',
      ),
    ]);
    expect(read.pages).toHaveLength(2);
  });
});

describe('readListing() never drops what it does not understand', () => {
  const O = 'http://www.example.gov.cn';
  const page = `${O}/xxgk/ndbg/index.html`;
  const wrap = (body: string) => `<html><head><meta charset="utf-8"></head><body>${body}</body></html>`;
  const report = '<li><a href="t1.html">某县2024年政府信息公开工作年度报告</a></li>';
  const reportLink = link(`${O}/xxgk/ndbg/t1.html`, '某县2024年政府信息公开工作年度报告', 'content');

  it('names the pages a 首页 … 尾页 pager leaves out (共3页 当前第1页), and takes the text over a generic title="点击查看详情"', () => {
    const T = 'http://www.tanghe.gov.cn';
    expect(readListing(fixture('pager-first-last.html'), `${T}/zwgk/zfxxgknb/`)).toEqual({
      links: [
        link(`${T}/`, '首页', 'nav'),
        link(`${T}/zwgk/`, '政务公开', 'nav'),
        link(
          `${T}/zwgk/zfxxgknb/202501/t20250120_6.shtml`,
          '唐河县2024年政府信息公开工作年度报告',
          'content',
        ),
        link(
          `${T}/zwgk/zfxxgknb/202401/t20240119_5.shtml`,
          '唐河县2023年政府信息公开工作年度报告',
          'content',
        ),
        link(`${T}/zwgk/zfxxgknb/index.shtml`, '首页', 'content'),
        link(`${T}/zwgk/zfxxgknb/index_2.shtml`, '尾页', 'content'),
        link(`${T}/wzdt/`, '网站地图', 'footer'),
      ],
      frames: [],
      pages: [`${T}/zwgk/zfxxgknb/index_2.shtml`, `${T}/zwgk/zfxxgknb/index_1.shtml`],
      pagination: { scheme: 'links', total: 3, current: 1 },
      unread: [],
    });
  });

  it('reads an image-only 下一页 by its alt and 尾页&gt;&gt; without its arrows; titles 查看详情 links by their row, less its date', () => {
    const B = 'http://www.biyang.gov.cn';
    expect(readListing(fixture('pager-arrows.html'), `${B}/xxgk/gknb/index.html`)).toEqual({
      links: [
        link(`${B}/`, '首页', 'nav'),
        link(`${B}/xxgk/gknb/202501/t20250118_9.html`, '泌阳县2024年政府信息公开工作年度报告', 'content'),
        link(`${B}/xxgk/gknb/202401/t20240122_8.html`, '泌阳县2023年政府信息公开工作年度报告', 'content'),
        link(`${B}/xxgk/gknb/index_1.html`, '下一页', 'content'),
        link(`${B}/xxgk/gknb/index_5.html`, '尾页>>', 'content'),
      ],
      frames: [],
      pages: [`${B}/xxgk/gknb/index_1.html`, `${B}/xxgk/gknb/index_5.html`],
      pagination: { scheme: 'links' },
      unread: [],
    });
  });

  it('reads 下一页 >, Next ›, », [下一页] and 后一页&gt; as the next page', () => {
    for (const text of ['下一页 &gt;', 'Next ›', '»', '[下一页]', '后一页&gt;', '下一页&gt;&gt;']) {
      const read = readListing(
        wrap(`<ul>${report}</ul><div class="page"><a href="index_1.html">${text}</a></div>`),
        page,
      );
      expect(read.pages, text).toEqual([`${O}/xxgk/ndbg/index_1.html`]);
      expect(read.pagination, text).toEqual({ scheme: 'links' });
      expect(read.unread, text).toEqual([]);
    }
  });

  it('reports a pager widget it does not know (layui laypage.render({count, limit, jump})) as unread', () => {
    const X = 'http://www.xinxian.gov.cn';
    expect(readListing(fixture('laypage.html'), `${X}/zfxxgk/ndbg/index.html`)).toEqual({
      links: [
        link(`${X}/`, '网站首页', 'nav'),
        link(`${X}/zfxxgk/ndbg/2025-01/20/content_311.html`, '新县2024年政府信息公开工作年度报告', 'content'),
      ],
      frames: [],
      pages: [],
      pagination: { scheme: 'none' },
      unread: ['script pager laypage.render() that only a browser can page'],
    });
  });

  it('resolves a <select onchange="jump(this.value)"> whose jump() picks the URL with a ternary', () => {
    const Q = 'http://www.qu.gov.cn';
    expect(readListing(fixture('select-jump-fn.html'), `${Q}/xxgk/ndbg/index.html`)).toEqual({
      links: [link(`${Q}/xxgk/ndbg/2025/0120/77.html`, '某区2024年政府信息公开工作年度报告', 'content')],
      frames: [],
      pages: [`${Q}/xxgk/ndbg/index_1.html`, `${Q}/xxgk/ndbg/index_2.html`],
      pagination: { scheme: 'select', total: 3, current: 1 },
      unread: [],
    });
  });

  it('reports a data-page control and a pager stating more pages than it names, with no numbering to infer, as unread', () => {
    expect(
      readListing(
        wrap(`<ul>${report}</ul><div class="page"><a data-page="2" class="next">下一页</a></div>`),
        page,
      ),
    ).toEqual({
      links: [reportLink],
      frames: [],
      pages: [],
      pagination: { scheme: 'none' },
      unread: ['script pagination control "下一页" (data-page="2") with no resolvable URL'],
    });
    const html = wrap(
      `<ul>${report}</ul><div class="page">共 <b>5</b> 页 <a href="list.asp?id=7">首页</a> <a href="list.asp?id=7&amp;go=last">尾页</a></div>`,
    );
    expect(readListing(html, `${O}/xxgk/list.asp?id=7`)).toEqual({
      links: [
        link(`${O}/xxgk/t1.html`, '某县2024年政府信息公开工作年度报告', 'content'),
        link(`${O}/xxgk/list.asp?id=7`, '首页', 'content'),
        link(`${O}/xxgk/list.asp?id=7&go=last`, '尾页', 'content'),
      ],
      frames: [],
      pages: [`${O}/xxgk/list.asp?id=7&go=last`],
      pagination: { scheme: 'links', total: 5 },
      unread: ['pager states 5 pages; the page names 1 other(s) and no next page'],
    });
    const lastOnly = readListing(
      wrap(
        `<ul>${report}</ul><div class="page"><a href="index.html">首页</a> <a href="index_4.html">尾页</a></div>`,
      ),
      page,
    );
    expect(lastOnly.unread).toEqual([
      `pager names the last page ${O}/xxgk/ndbg/index_4.html but neither the next page nor the count`,
    ]);
  });

  it('infers ?page=N pages, and keeps an ordinary last page (共3页 当前第3页, 首页 尾页 only) complete', () => {
    const html = wrap(
      `<ul>${report}</ul><div class="page">共3页 当前第1页 <a href="list.jsp?cid=9&amp;page=1">首页</a> <a href="list.jsp?cid=9&amp;page=3">尾页</a></div>`,
    );
    expect(readListing(html, `${O}/xxgk/list.jsp?cid=9`).pages).toEqual([
      `${O}/xxgk/list.jsp?cid=9&page=1`,
      `${O}/xxgk/list.jsp?cid=9&page=3`,
      `${O}/xxgk/list.jsp?cid=9&page=2`,
    ]);
    const last = wrap(
      `<ul>${report}</ul><div class="page">共3页 当前第3页 <a href="index.html">首页</a> <a href="index_2.html">尾页</a></div>`,
    );
    expect(readListing(last, `${O}/xxgk/ndbg/index_2.html`)).toEqual({
      links: [
        reportLink,
        link(`${O}/xxgk/ndbg/index.html`, '首页', 'content'),
        link(`${O}/xxgk/ndbg/index_2.html`, '尾页', 'content'),
      ],
      frames: [],
      pages: [`${O}/xxgk/ndbg/index.html`],
      pagination: { scheme: 'links', total: 3, current: 3 },
      unread: [],
    });
  });

  it('follows a page that only refreshes to the list (<META HTTP-EQUIV="Refresh" CONTENT="0; URL=\'list.shtml\'">), not to another site', () => {
    const T = 'http://www.tanghe.gov.cn';
    expect(readListing(fixture('meta-refresh.html'), `${T}/zwgk/zfxxgknb/`)).toEqual({
      links: [],
      frames: [],
      pages: [`${T}/zwgk/zfxxgknb/list.shtml`],
      pagination: { scheme: 'none' },
      unread: [],
    });
    const away =
      '<html><head><meta http-equiv="refresh" content="5;url=http://www.other.com/"></head></html>';
    expect(readListing(away, page).unread).toEqual(['page refreshes to another site: http://www.other.com/']);
  });

  it('names a lazy-loaded <iframe data-src> and an <object type="text/html" data> as frames', () => {
    const html = wrap(
      '<div class="main"><iframe src="about:blank" data-src="list.html"></iframe><object type="text/html" data="list2.html"></object></div>',
    );
    expect(readListing(html, page)).toEqual({
      links: [],
      frames: [`${O}/xxgk/ndbg/list.html`, `${O}/xxgk/ndbg/list2.html`],
      pages: [],
      pagination: { scheme: 'none' },
      unread: [],
    });
  });

  it("reads an <iframe srcdoc>'s links and pager as the page's own", () => {
    const T = 'http://www.tanghe.gov.cn';
    expect(readListing(fixture('srcdoc.html'), `${T}/zwgk/zfxxgknb/`)).toEqual({
      links: [
        link(`${T}/`, '首页', 'nav'),
        link(
          `${T}/zwgk/zfxxgknb/202601/t20260120_2.shtml`,
          '唐河县2025年政府信息公开工作年度报告',
          'content',
        ),
        link(`${T}/zwgk/zfxxgknb/index_1.shtml`, '下一页', 'content'),
      ],
      frames: [],
      pages: [`${T}/zwgk/zfxxgknb/index_1.shtml`],
      pagination: { scheme: 'links' },
      unread: [],
    });
  });

  it('titles a 查看详情 link in an <li> by the <span> beside it, and keeps a non-generic title attribute', () => {
    const html = wrap(
      '<ul class="list"><li><span class="t">某县2025年政府信息公开工作年度报告</span><span>[2026-01-20]</span><a href="t2.html">查看详情&gt;&gt;</a></li>' +
        '<li><a href="t3.html" title="某县2023年政府信息公开工作年度报告">某县2023年政府信息公开工作年...</a></li></ul>',
    );
    expect(readListing(html, page).links).toEqual([
      link(`${O}/xxgk/ndbg/t2.html`, '某县2025年政府信息公开工作年度报告', 'content'),
      link(`${O}/xxgk/ndbg/t3.html`, '某县2023年政府信息公开工作年度报告', 'content'),
    ]);
  });
});
