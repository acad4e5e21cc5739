import type { BodyLevel } from '#shared/domain/body.ts';
import { deadlineFor, timeliness } from '#shared/domain/deadlines.ts';
import type { Finding } from '#shared/domain/finding.ts';
import { finding } from './findings.ts';
import type { Rule, RuleContext } from './types.ts';

export const deadlineLate: Rule = {
  id: 'deadline.late',
  severity: 'error',
  description: {
    zh: '年度报告的发布日期晚于法定期限',
    en: 'The report was published after its legal deadline',
  },
  run: runDeadlineLate,
};

/**
 * Late = page date after the deadline for the report's year (docs/domain.md table). Without a registry entry the
 * parser's issuer level stands in; when the level is unknown a 2019+ report is judged against the latest
 * possible deadline (3月31日), so a department report dated 15 February is not called late on a guess.
 * A date read from the body text (not the page's 发布日期 field) may be a signature: warning, not error.
 * The page date may come from the URL's date path (`/t20260202_…`, `/20260202/…`): a CMS writes the
 * publication day there, so it counts like the 发布日期 field (issue 10, item 13).
 */
function runDeadlineLate({ report, body }: RuleContext): Finding[] {
  const date = report.publishedAt.date;
  if (report.year === null || date === null) return [];
  const level: BodyLevel | null = body?.level ?? report.issuer.level;
  const deadline = deadlineFor(
    { level: level ?? 'county', ...(body?.localRule ? { localRule: body.localRule } : {}) },
    report.year,
  );
  if (timeliness(date, deadline) !== 'late') return [];
  // A level read from the name alone (a 局 without a registry entry) may be wrong: late only against the
  // departments' 1月31日 is then a warning; late against the latest deadline (3月31日) stands regardless.
  const guessed = !body && report.issuer.code === null && level !== null;
  const lateAnyway = timeliness(date, deadlineFor({ level: 'county' }, report.year)) === 'late';
  const days = Math.round((Date.parse(date) - Date.parse(deadline.date)) / 86_400_000);
  const raw = report.publishedAt.raw ?? date;
  const at = report.originalText.indexOf(raw);
  return [
    finding(
      deadlineLate,
      {
        zh: `${report.year}年度报告于${date}发布,晚于法定期限${deadline.date}(${days}天)`,
        en: `The ${report.year} report was published on ${date}, ${days} day(s) after the deadline ${deadline.date}`,
      },
      [
        {
          quote: raw,
          ...(at >= 0 ? { start: at, end: at + raw.length } : {}),
          where: `published date (${report.publishedAt.source})`,
          computation: `${date} > ${deadline.date} (${deadline.basis}; ${deadline.regime} rules${level ? `, ${level}` : ''})`,
        },
      ],
      report.publishedAt.source === 'text' || !deadline.verified || (guessed && !lateAnyway)
        ? 'warning'
        : 'error',
    ),
  ];
}
