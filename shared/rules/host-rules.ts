import type { Evidence, Finding } from '#shared/domain/finding.ts';
import { finding } from './findings.ts';
import { isGovernmentHost, isLocalHost, WEBMAIL_DOMAINS } from './knowledge/gov-hosts.ts';
import { matchAll, quoteView, viewOf } from './text-view.ts';
import type { Rule, RuleContext } from './types.ts';

export const hostMirror: Rule = {
  id: 'host.mirror',
  severity: 'warning',
  description: {
    zh: '报告由非政府网站提供,或其“电子版”、联系邮箱指向非政府域名(疑似被劫持的镜像站)',
    en: 'The report is served by, or points its 电子版 or contact address at, a non-government host (a hijacked mirror?)',
  },
  run: runHostMirror,
};

/**
 * Three signals, each with its own evidence:
 * - served from a host outside gov.cn (error: the host is a fact; loopback/private hosts of tests and the
 *   demo portal are never judged, and neither is an empty host);
 * - the 电子版/门户网站 sentence naming a domain outside gov.cn;
 * - a contact e-mail on a domain that is neither government nor a public webmail provider (seed 000:
 *   jzxx@beivbo.com) — small offices really do use 163.com or qq.com, so those are not evidence.
 */
function runHostMirror({ report }: RuleContext): Finding[] {
  const view = viewOf(report);
  const out: Finding[] = [];
  const host = report.source.host;
  if (host && !isLocalHost(host) && !isGovernmentHost(host))
    out.push(
      finding(
        hostMirror,
        {
          zh: `报告页面由非政府域名${host}提供`,
          en: `The report page was served by ${host}, not a government (gov.cn) host`,
        },
        [{ quote: report.source.url, where: 'url' }],
        'error',
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
