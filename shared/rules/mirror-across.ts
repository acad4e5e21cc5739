import { createHash } from 'node:crypto';
import type { Finding } from '#shared/domain/finding.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { finding } from './findings.ts';
import { isGovernmentHost, isLocalHost } from './knowledge/gov-hosts.ts';
import type { RuleInfo } from './types.ts';

/** One archived copy of a report's text: which body it was archived for, from which host and URL. */
export interface TextCopy {
  bodyId: string;
  year: number;
  host: string;
  url: string;
}

/** Below this many letters and digits a text is too short to call two copies the same report. */
const MIN_CHARS = 200;

/**
 * The key under which copies of one report's text meet: sha256 of the text's letters and digits after
 * NFKC (chrome, whitespace, punctuation and full-width forms apart), or null for a text too short to tell.
 */
export function textHash(report: ParsedReport): string | null {
  const core = report.text.normalize('NFKC').replace(/[^\p{L}\p{N}]/gu, '');
  if (core.length < MIN_CHARS) return null;
  return createHash('sha256').update(core).digest('hex');
}

/**
 * host.mirror across bodies (issue 10, item 15): the same report text archived for another body from
 * another host, judged from this copy's side. This copy on a non-government host while the text is also
 * archived elsewhere: a warning (a hijacked mirror serving a real report, docs/domain.md "Hijacked mirrors").
 * This copy on a government host: other government copies are weak evidence, info and worded so (one
 * portal often republishes another body's report); a non-government copy is that copy's finding, not this
 * one's (its body is told, from its own side). Loopback and private hosts are never judged. Quotes both URLs.
 */
export function mirrorAcross(rule: RuleInfo, me: TextCopy, copies: readonly TextCopy[]): Finding[] {
  const host = me.host.toLowerCase();
  if (!host || isLocalHost(host)) return [];
  const others = copies.filter(
    (c) => c.bodyId !== me.bodyId && c.host && !isLocalHost(c.host) && c.host.toLowerCase() !== host,
  );
  const mine = isGovernmentHost(host);
  const cited = mine ? others.filter((c) => isGovernmentHost(c.host)) : others;
  if (cited.length === 0) return [];
  const list = cited.map((c) => `${c.host}(${c.bodyId},${c.year})`).join('、');
  const evidence = [
    { quote: me.url, where: `url (this copy: ${me.bodyId}, ${me.year})` },
    ...cited.map((c) => ({ quote: c.url, where: `url (the same text archived for ${c.bodyId}, ${c.year})` })),
  ];
  if (!mine) {
    return [
      finding(
        rule,
        {
          zh: `本报告页面所在的${me.host}不是政府域名,同一报告全文也出现在${list}(疑似镜像站)`,
          en: `This copy is served by ${me.host}, not a government host, and the same report text is archived from ${cited.map((c) => `${c.host} (${c.bodyId}, ${c.year})`).join(', ')} (a mirror?)`,
        },
        evidence,
      ),
    ];
  }
  return [
    finding(
      rule,
      {
        zh: `同一报告全文也出现在${list}(均为政府网站,多为转载,证据较弱,请核对)`,
        en: `The same report text is also archived from ${cited.map((c) => `${c.host} (${c.bodyId}, ${c.year})`).join(', ')} (government hosts on both sides: usually a republication; weak evidence, compare)`,
      },
      evidence,
      'info',
    ),
  ];
}
