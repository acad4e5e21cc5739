import { Body } from '#shared/domain/body.ts';
import { listingPageHtml, type Site, sendPage, startSite } from '#test/support/site-server.ts';

/**
 * One county's portal on loopback: robots.txt allowing everything, a 年报 listing at `/col/index.html` with
 * the links `links()` gives at each request (so a test can change the listing between crawls), and a report
 * page at any other path. Returns the site and the registry entry of its body (`id`, a county under 北京).
 */
export async function startCountySite(
  id: string,
  links: () => ReadonlyArray<{ href: string; title: string }>,
): Promise<{ site: Site; body: Body }> {
  const site = await startSite((req, res) => {
    const path = req.url ?? '/';
    if (path === '/robots.txt')
      return sendPage(req, res, Buffer.from('User-agent: *\nAllow: /\n'), 'text/plain');
    const html =
      path === '/col/index.html'
        ? listingPageHtml('年报', [...links()])
        : `<html><body><h1>政府信息公开工作年度报告</h1><p>${'正文'.repeat(200)}</p></body></html>`;
    return sendPage(req, res, Buffer.from(html), 'text/html; charset=utf-8');
  });
  const body = Body.parse({
    id,
    name: '测试县人民政府',
    level: 'county',
    divisionCode: id,
    listingUrl: `${site.origin}/col/index.html`,
    render: 'http',
  });
  return { site, body };
}
