import { describe, expect, it } from 'vitest';
import type { Body } from '#shared/domain/body.ts';
import { searchBodies } from '#shared/read/bodies.ts';

const body = (id: string, name: string): Body =>
  ({
    id,
    name,
    level: 'county',
    divisionCode: id.slice(0, 6),
    parents: [],
    listingUrl: `https://example.gov.cn/${id}/`,
  }) as unknown as Body;

describe('searchBodies over a registry that changes while the API runs', () => {
  it('sees an entry added, replaced in place or removed (the sorted order is reused only while unchanged)', () => {
    const registry = new Map<string, Body>([
      ['360802', body('360802', '吉安市吉州区人民政府')],
      ['110101', body('110101', '北京市东城区人民政府')],
    ]);
    expect(searchBodies(registry, {}).items.map((b) => b.id)).toEqual(['110101', '360802']);
    // An admin's registry update replaces the entry under the same id (same size).
    registry.set('360802', body('360802', '吉安市青原区人民政府'));
    expect(searchBodies(registry, { q: '青原' }).items.map((b) => b.id)).toEqual(['360802']);
    expect(searchBodies(registry, { q: '吉州' }).items).toEqual([]);
    registry.set('000001', body('000001', '新增'));
    expect(searchBodies(registry, {}).items.map((b) => b.id)).toEqual(['000001', '110101', '360802']);
    registry.delete('110101');
    registry.set('999999', body('999999', '替换'));
    expect(searchBodies(registry, {}).items.map((b) => b.id)).toEqual(['000001', '360802', '999999']);
  });
});
