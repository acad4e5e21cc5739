import type { Evidence, Finding } from '#shared/domain/finding.ts';
import { finding } from './findings.ts';
import { isGovernmentHost, isLocalHost, WEBMAIL_DOMAINS } from './knowledge/gov-hosts.ts';
import { mirrorAcross } from './mirror-across.ts';
import { matchAll, quoteView, viewOf } from './text-view.ts';
import type { Rule, RuleContext } from './types.ts';

export const hostMirror: Rule = {
  id: 'host.mirror',
  severity: 'warning',
  description: {
    zh: '报告由非政府网站提供,或其“电子版”、联系邮箱指向非政府域名(疑似被劫持的镜像站);或同一全文以其他机关名义出现在其他网站',
    en: 'The report is served by, or points its 电子版 or contact address at, a non-government host (a hijacked mirror?); or its text is archived for another body from another host',
  },
  run: runHostMirror,
};

/**
 * Four signals, each with its own evidence (docs/domain.md "Mirror versus government host"; 国办发〔2017〕47号
 * puts government sites under gov.cn):
 * - served from a host outside gov.cn. A named foreign domain is strong evidence of a hijacked mirror
 *   (warning, the catalogue severity: the README's table; a vendor's host is also possible). A bare IP
 *   address, an `admin.` host or a port-8080 host is usually the government's own server seen by another
 *   name: weak evidence, info only and worded so. Loopback/private hosts of tests and the demo portal are
 *   never judged, and neither is an empty host;
 * - the 电子版/门户网站 sentence naming a domain outside gov.cn;
 * - a contact e-mail on a domain that is neither government nor a public webmail provider (seed 000:
 *   jzxx@beivbo.com) — small offices really do use 163.com or qq.com, so those are not evidence;
 * - the same report text archived for another body from another host (`sameText`, mirror-across.ts).
 */
function runHostMirror({ report, body, sameText }: RuleContext): Finding[] {
  const view = viewOf(report);
  const out: Finding[] = [];
  const host = report.source.host;
  if (sameText && body && report.year !== null)
    out.push(
      ...mirrorAcross(
        hostMirror,
        { bodyId: body.id, year: report.year, host, url: report.source.url },
        sameText,
      ),
    );
  if (host && !isLocalHost(host) && !isGovernmentHost(host))
    out.push(
      ownNetworkLooking(host)
        ? finding(
            hostMirror,
            {
              zh: `报告页面由${host}提供(IP地址或管理端口,多为政府自身服务器的另一地址,证据较弱,请与登记的网址核对)`,
              en: `The report page was served by ${host}, an IP address or admin/port host: usually the government's own server by another name (weak evidence; compare with the registered site)`,
            },
            [{ quote: report.source.url, where: 'url' }],
            'info',
          )
        : finding(
            hostMirror,
            {
              zh: `报告页面由非政府域名${host}提供`,
              en: `The report page was served by ${host}, not a government (gov.cn) host`,
            },
            [{ quote: report.source.url, where: 'url' }],
          ),
    );
  const pointers: Evidence[] = [];
  const domain = String.raw`(?:https?://)?((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})`;
  for (const m of matchAll(view, new RegExp(`(电子版|门户网站|本报告)[^。\\n]{0,40}?${domain}`))) {
    const d = m[2] ?? '';
    if (isGovernmentHost(d) || d.includes('@') || /\.(doc|docx|pdf|xls|xlsx|html?)$/i.test(d)) continue;
    const start = m.index + m[0].length - d.length;
    pointers.push(quoteView(view, start, start + d.length, 'text (电子版/门户网站 address)'));
  }
  for (const m of matchAll(view, /[A-Za-z0-9._%+-]+@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})/)) {
    const d = (m[1] ?? '').toLowerCase();
    if (isGovernmentHost(d) || WEBMAIL_DOMAINS.has(d)) continue;
    pointers.push(quoteView(view, m.index, m.index + m[0].length, 'text (contact e-mail)'));
  }
  if (pointers.length > 0)
    out.push(
      finding(
        hostMirror,
        {
          zh: `报告所列网址或联系邮箱使用非政府域名:${pointers.map((p) => p.quote).join('、')}`,
          en: `The report's address or contact e-mail is on a non-government domain: ${pointers.map((p) => p.quote).join(', ')}`,
        },
        pointers,
      ),
    );
  return out;
}

/** A bare IPv4/IPv6 address, an `admin.`/`manage.` host or a port-8080-style host: weak evidence only. */
function ownNetworkLooking(host: string): boolean {
  const h = host.toLowerCase();
  const name = h.replace(/:\d+$/, '');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name) || /^\[[0-9a-f:.]+\]$/.test(name)) return true;
  if (/^(admin|manage|houtai|cms)\./.test(name)) return true;
  return /:(8080|8081|8088|8000|8888|9090)$/.test(h);
}
