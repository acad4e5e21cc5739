import { describe, expect, it } from 'vitest';
import { deadlineFor } from '#shared/domain/deadlines.ts';
import { loadRegistry } from '#shared/domain/registry.ts';

/**
 * "strict dates (2026-02-30 is an error everywhere)". A registry entry's localRule.deadline is
 * checked by a regex only (MM 01-12, DD 01-31), so "02-30", "04-31" are accepted (from the file, and from
 * PUT /admin/registry/:bodyId, which answered 201 created), and the township's deadline becomes a date that
 * does not exist: GET /status/<id> and /api/bodies/<id>/years show {"date":"2026-02-30"}, and a
 * deadline.missing mail would say 期限2026-02-30. "02-29" gives 2026-02-29 in non-leap years.
 */
describe('a local rule deadline that is not a date (adversarial review of issue 14)', () => {
  const entry = (deadline: string) => ({
    id: '360802-bt',
    name: '白塘街道办事处',
    level: 'township',
    divisionCode: '360802',
    listingUrl: 'http://www.jzq.gov.cn/bt/ndbg/',
    localRule: { name: '某规定', deadline },
  });

  for (const d of ['02-30', '04-31', '06-31'])
    it(`localRule.deadline ${d} is refused naming the input`, () => {
      const { bodies, errors } = loadRegistry({ bodies: [entry(d)] });
      expect(bodies).toHaveLength(0);
      expect(errors.map((e) => e.message).join(' ')).toContain(d);
    });

  it('no computed deadline is a date that does not exist (02-29 in 2026)', () => {
    const { bodies } = loadRegistry({ bodies: [entry('02-29')] });
    for (const b of bodies) {
      const date = deadlineFor(b, 2025).date;
      const [y, m, day] = date.split('-').map(Number) as [number, number, number];
      const real = new Date(Date.UTC(y, m - 1, day));
      expect(real.toISOString().slice(0, 10), date).toBe(date);
    }
  });
});
