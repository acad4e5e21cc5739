import type { Body } from '#shared/domain/body.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { AREAS, type Area, areaByCode } from './knowledge/divisions.ts';

/**
 * The county-level area a report speaks for: the registry's division code, else the parser's issuer code,
 * else the one county-level name in the issuer or title (only when exactly one area carries that name and
 * the title names no other). Townships and bodies above county level get null: their self-words differ.
 */
export function ownArea(report: ParsedReport, body: Body | null): Area | null {
  if (body) {
    if (body.level === 'township' || body.divisionCode.length < 6) return null;
    return areaByCode(body.divisionCode) ?? null;
  }
  if (report.issuer.level === 'township') return null;
  const code = report.issuer.code;
  if (code && /^\d{6}$/.test(code)) return areaByCode(code) ?? null;
  const names = `${report.issuer.name ?? ''} ${report.title}`;
  const named = AREAS.filter((a) => a.name.length >= 2 && a.name !== '市辖区' && names.includes(a.name));
  const distinct = new Set(named.map((a) => a.name));
  return distinct.size === 1 && named.length === 1 ? (named[0] ?? null) : null;
}
