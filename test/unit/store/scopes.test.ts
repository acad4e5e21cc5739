import { describe, expect, it } from 'vitest';
import { type Body, bodyInScope } from '#shared/domain/body.ts';
import { normaliseScope, scopesCovering } from '#shared/store/subscribers.ts';

const bureau: Body = {
  id: '620421-rsj',
  name: '靖远县人力资源和社会保障局',
  level: 'department',
  divisionCode: '620421',
  parents: [],
  listingUrl: 'http://www.jingyuan.gov.cn/xxgk/ndbg/index.html',
  render: 'auto',
};

describe('subscription scopes', () => {
  it('lets a subscription to a province, city, county or the body itself cover a department', () => {
    expect(scopesCovering(bureau).sort()).toEqual(['*', '62', '6204', '620421', '620421-rsj'].sort());
    for (const scope of ['*', '620000', '620400', '620421', '620421-rsj']) {
      expect(scopesCovering(bureau)).toContain(normaliseScope(scope));
      expect(bodyInScope(bureau, scope)).toBe(true);
    }
  });

  it('does not let a sibling county or another department cover it', () => {
    expect(scopesCovering(bureau)).not.toContain(normaliseScope('620422'));
    expect(bodyInScope(bureau, '620422')).toBe(false);
    expect(bodyInScope(bureau, '620421-czj')).toBe(false);
  });
});
