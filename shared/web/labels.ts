import { html } from 'hono/html';
import type { BodyLevel } from '../domain/body.ts';
import type { Severity } from '../domain/finding.ts';
import type { YearStatus } from '../rules/sweep.ts';
import type { Html } from './layout.ts';

/** Outcomes of a due year (docs/domain.md, "Outcomes of a due year"), as the pages name them. */
export const OUTCOME_LABELS: Record<YearStatus, { zh: string; en: string; hint: string }> = {
  'on-time': { zh: '按时', en: 'on time', hint: '页面日期不晚于法定期限' },
  late: { zh: '逾期', en: 'late', hint: '首次发现的页面日期晚于法定期限' },
  undated: { zh: '未注明日期', en: 'undated', hint: '已发布,但页面没有日期,无法判断是否按时' },
  missing: { zh: '未发布', en: 'missing', hint: '完整读取了年报栏目,期限已过仍没有该年度报告' },
  inconclusive: { zh: '无法判定', en: 'inconclusive', hint: '栏目未能完整读取,不据此指责' },
  unreachable: { zh: '无法访问', en: 'unreachable', hint: '网站无法访问或被防护拦截,不等于未发布' },
};

export const OUTCOME_ORDER: readonly YearStatus[] = [
  'on-time',
  'late',
  'undated',
  'missing',
  'inconclusive',
  'unreachable',
];

export const SEVERITY_LABELS: Record<Severity, { zh: string; en: string }> = {
  error: { zh: '错误', en: 'error' },
  warning: { zh: '警告', en: 'warning' },
  info: { zh: '提示', en: 'info' },
};

export const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info'];

export const LEVEL_LABELS: Record<BodyLevel, string> = {
  province: '省级',
  city: '市级',
  county: '县级',
  district: '区级',
  department: '部门',
  township: '乡镇/街道',
};

/** A coloured outcome badge; text, not colour alone, carries the meaning. */
export function outcomeBadge(outcome: YearStatus | null): Html {
  if (!outcome) return html`<span class="badge o-none">未检查 <span lang="en">not checked</span></span>`;
  const l = OUTCOME_LABELS[outcome];
  return html`<span class="badge o-${outcome}" title="${l.hint}">${l.zh} <span lang="en">${l.en}</span></span>`;
}

export function severityBadge(severity: Severity): Html {
  const l = SEVERITY_LABELS[severity];
  return html`<span class="badge s-${severity}">${l.zh} <span lang="en">${l.en}</span></span>`;
}

/** An outbound link only when it is http(s): a `javascript:` URL from a record never becomes a link. */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

export function externalLink(url: string | null | undefined, text?: string): Html {
  const href = safeHref(url);
  if (!href) return html`<span class="mono">${url ?? ''}</span>`;
  return html`<a href="${href}" rel="noopener noreferrer nofollow" class="mono">${text ?? href}</a>`;
}

/** `2026-11-24T03:12:00.000Z` → `2026-11-24 11:12` (Beijing, UTC+8, no daylight saving). */
export function beijingTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

const NARRATIVE_ZH: Record<string, string> = {
  'active.total': '主动公开政府信息',
  'active.cumulative': '历年累计主动公开',
  'application.received': '收到公开申请',
  'review.total': '行政复议',
  'litigation.total': '行政诉讼',
  'proposals.handled': '办理建议提案',
  'service.accepted': '政务服务受理',
  'service.closed': '政务服务办结',
  'application.open': '予以公开',
  'application.partial': '部分公开',
  'application.in-person': '当面申请',
  'application.online': '网上申请',
  'application.letter': '信函申请',
};

const APPLICANT_ZH: Record<string, string> = {
  natural: '自然人',
  commercial: '商业企业',
  research: '科研机构',
  'public-interest': '社会公益组织',
  'legal-services': '法律服务机构',
  other: '其他',
  total: '总计',
};

const REVIEW_ZH: Record<string, string> = {
  review: '行政复议',
  litigationDirect: '行政诉讼(未经复议直接起诉)',
  litigationAfterReview: '行政诉讼(复议后起诉)',
  upheld: '结果维持',
  corrected: '结果纠正',
  other: '其他结果',
  pending: '尚未审结',
  total: '总计',
};

/**
 * A flattened figure's label in the report's own words (the read model's keys: `narrative.<key>`,
 * `applications.<row>.<column>`, `reviews.<block>.<outcome>`; others keep the label the report gave).
 */
export function figureLabel(f: { key: string; label: string }): string {
  const [kind, ...rest] = f.key.split('#')[0]?.split('.') ?? [];
  if (kind === 'narrative') return NARRATIVE_ZH[rest.join('.')] ?? f.label;
  if (kind === 'applications') {
    const column = rest.at(-1) ?? '';
    const row = f.label.replace(/ \/ [a-z-]+$/, '');
    return `${row} · ${APPLICANT_ZH[column] ?? column}`;
  }
  if (kind === 'reviews') return rest.map((p) => REVIEW_ZH[p] ?? p).join(' · ');
  if (kind === 'active') return f.label.replace(' / ', ' · ');
  return f.label;
}
