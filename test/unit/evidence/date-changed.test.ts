import { describe, expect, it } from 'vitest';
import type { Finding } from '#shared/domain/finding.ts';
import type { PublishedAt } from '#shared/domain/report.ts';
import { keepLogFindings } from '#shared/evidence/log-findings.ts';
import { type DatedRevision, dateChangedFinding } from '#shared/rules/date-history.ts';

const rev = (
  firstSeen: string,
  date: string | null,
  source: PublishedAt['source'] = 'meta',
): DatedRevision => ({
  firstSeen,
  sha256: firstSeen.slice(8, 10).repeat(32),
  url: 'http://x.gov.cn/ndbg/t20240103_1.html',
  publishedAt: { date, source, raw: date ? `发布日期:${date}` : null },
});

describe('dateChangedFinding (pure)', () => {
  it('warns on a changed page date, with both revisions as evidence, in first-seen order', () => {
    const f = dateChangedFinding([
      rev('2024-01-10T04:00:00.000Z', '2024-01-08'),
      rev('2024-01-05T04:00:00.000Z', '2024-01-03'),
    ]);
    expect(f?.severity).toBe('warning');
    expect(f?.message.zh).toBe('报告页面的发布日期在修订中被改动:2024-01-03→2024-01-08(2024-01-10发现)');
    expect(f?.evidence.map((e) => [e.quote, e.where])).toEqual([
      ['发布日期:2024-01-03', 'page date (发布日期), revision first seen 2024-01-05T04:00:00.000Z'],
      ['发布日期:2024-01-08', 'page date (发布日期), revision first seen 2024-01-10T04:00:00.000Z'],
    ]);
    expect(f?.evidence[0]?.computation).toBe(
      `date 2024-01-03 read from meta; revision sha256 ${'05'.repeat(32)}; http://x.gov.cn/ndbg/t20240103_1.html`,
    );
  });

  it('is silent for copies with the same date, a date read from another kind of source, an unreadable or undated copy', () => {
    const a = rev('2024-01-05T04:00:00.000Z', '2024-01-03');
    expect(dateChangedFinding([a, rev('2024-01-10T04:00:00.000Z', '2024-01-03')])).toBeNull();
    expect(dateChangedFinding([a, rev('2024-01-10T04:00:00.000Z', '2024-01-09', 'text')])).toBeNull();
    expect(dateChangedFinding([a, rev('2024-01-10T04:00:00.000Z', null, 'none')])).toBeNull();
    expect(
      dateChangedFinding([a, { ...a, firstSeen: '2024-01-10T04:00:00.000Z', publishedAt: null }]),
    ).toBeNull();
    expect(dateChangedFinding([a])).toBeNull();
  });

  it('compares across an unreadable copy with the last readable one', () => {
    const f = dateChangedFinding([
      rev('2024-01-05T04:00:00.000Z', '2024-01-03'),
      { ...rev('2024-01-07T04:00:00.000Z', null), publishedAt: null },
      rev('2024-01-10T04:00:00.000Z', '2024-01-08'),
    ]);
    expect(f?.evidence).toHaveLength(2);
  });
});

describe('keepLogFindings', () => {
  const f = (rule: string): Finding => ({
    rule,
    severity: 'warning',
    message: { zh: rule, en: rule },
    evidence: [],
  });
  it('carries the stored check-log findings over a recomputation of the report rules, and only those', () => {
    const stored = [f('stats.swing'), f('date.backdated'), f('date.changed')];
    expect(keepLogFindings(stored, [f('text.empty')]).map((x) => x.rule)).toEqual([
      'text.empty',
      'date.backdated',
      'date.changed',
    ]);
    expect(keepLogFindings([], [f('date.backdated'), f('text.empty')]).map((x) => x.rule)).toEqual([
      'text.empty',
    ]);
  });
});
