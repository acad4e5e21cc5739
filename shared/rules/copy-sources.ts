import type { Body } from '#shared/domain/body.ts';
import type { Evidence } from '#shared/domain/finding.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { AREAS, type Area, areaByCode } from './knowledge/divisions.ts';
import { quoteView, type TextView } from './text-view.ts';

/**
 * Three more signs of a report copied from another body (issue 10, item 12; evaluators' findings of
 * township reports copied from a county bureau's), each enough on its own because each is the report
 * speaking *as* someone else, not mentioning them:
 * - it presents another body's report as its own: "现公布XX县民族宗教事务局2025年度…报告" in a township's;
 * - it claims to lead a level above its own: "组织推动全省政府信息公开工作" in a township's, "推动全市税务
 *   系统…" in a county bureau's (a verb of leading is required: "按照全市工作要点" is obedience, not a claim);
 * - it signs or titles itself with a county-level place of another province.
 */
export function otherBodySigns(view: TextView, report: ParsedReport, body: Body | null): Evidence[] {
  return [
    ...anotherReport(view, report, body),
    ...levelAbove(view, report, body),
    ...foreignPlace(view, report, body),
  ];
}

const stripGov = (s: string): string =>
  s.replace(/(人民政府|政府)(办公室|办公厅)?$/, '').replace(/(人民政府|政府)/, '');

function ownNames(report: ParsedReport, body: Body | null): string[] {
  return [body?.name, report.issuer.name].filter((n): n is string => !!n && n.length >= 2);
}

function anotherReport(view: TextView, report: ParsedReport, body: Body | null): Evidence[] {
  const own = ownNames(report, body);
  if (own.length === 0) return [];
  const out: Evidence[] = [];
  const re =
    /(?:现|特|今)(?:予以|将)?(?:公布|发布|公开|印发)《?([\p{Script=Han}]{2,30}?)(?:19|20)\d{2}年度?[^《》。\n]{0,24}?报告/gu;
  for (const m of view.text.slice(0, 3000).matchAll(re)) {
    const named = m[1] ?? '';
    if (!/(局|委员会|委|办公室|人民政府|政府|中心|院|镇|乡|街道|县|区|市)$/.test(named)) continue;
    const short = stripGov(named);
    if (own.some((o) => o.includes(short) || short.includes(stripGov(o)) || named.includes(o))) continue;
    out.push(
      quoteView(view, m.index, m.index + m[0].length, 'text (another body’s report presented as its own)'),
    );
  }
  return out;
}

type Tier = 'township' | 'county' | 'city' | 'province';

function tierOf(report: ParsedReport, body: Body | null): Tier | null {
  const level = body?.level ?? report.issuer.level;
  if (level === 'township') return 'township';
  if (level === 'county' || level === 'district') return 'county';
  if (level === 'city') return 'city';
  if (level === 'province') return 'province';
  if (level === 'department' && body) {
    const n = body.divisionCode.length;
    return n >= 6 ? 'county' : n === 4 ? 'city' : 'province';
  }
  return null;
}

const ABOVE: Record<Tier, string[]> = {
  township: ['全县', '全区', '全市', '全省', '全州', '全盟'],
  county: ['全市', '全省', '全州', '全盟'],
  city: ['全省'],
  province: [],
};
const LEAD = '(?:组织推动|统筹推进|统筹推动|指导推动|组织指导|牵头推进|推动|指导|统筹|督促|组织开展|组织)';

function levelAbove(view: TextView, report: ParsedReport, body: Body | null): Evidence[] {
  const tier = tierOf(report, body);
  if (!tier || ABOVE[tier].length === 0) return [];
  const re = new RegExp(
    `${LEAD}(?:${ABOVE[tier].join('|')})(?:[\\p{Script=Han}]{0,6}系统)?[\\p{Script=Han}]{0,4}(?:政府信息公开|政务公开|信息公开)`,
    'gu',
  );
  return [...view.text.matchAll(re)].map((m) =>
    quoteView(view, m.index, m.index + m[0].length, 'text (speaks for a level above its own)'),
  );
}

let placeRe: RegExp | null = null;
/** One alternation of the county-level names (3+ characters: 2-character names are too often words). */
function places(): RegExp {
  placeRe ??= new RegExp(
    `(${[...new Set(AREAS.map((a) => a.name).filter((n) => n.length >= 3 && n !== '市辖区'))].sort((a, b) => b.length - a.length).join('|')})(?=人民政府|政府|[\\p{Script=Han}]{1,10}局)`,
    'gu',
  );
  return placeRe;
}

function foreignPlace(view: TextView, report: ParsedReport, body: Body | null): Evidence[] {
  const province = (body?.divisionCode ?? report.issuer.code ?? '').slice(0, 2);
  if (!/^\d{2}$/.test(province)) return [];
  const own = body ? areaByCode(body.divisionCode) : undefined;
  const text = view.text;
  const out: Evidence[] = [];
  // Where a body names itself: the title line, the signature (the last lines), or after 我/本.
  const tail = Math.max(0, text.length - 120);
  for (const m of text.matchAll(places())) {
    const self =
      m.index < 80 || m.index >= tail || /[我本]$/.test(text.slice(Math.max(0, m.index - 1), m.index));
    if (!self) continue;
    const areas = AREAS.filter((a: Area) => a.name === m[1]);
    if (areas.length === 0 || areas.some((a) => a.provinceCode === province || a.code === own?.code))
      continue;
    out.push(
      quoteView(
        view,
        m.index,
        m.index + (m[1]?.length ?? 0),
        'text (a place of another province named as its own)',
      ),
    );
  }
  return out;
}
