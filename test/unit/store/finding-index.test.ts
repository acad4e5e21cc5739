import { describe, expect, it } from 'vitest';
import { PUBLIC_SWEEP_RULES } from '#shared/read/years.ts';
import {
  FINDINGS_PK,
  FINDINGS_SK,
  findingIndexKeys,
  INDEXED_SWEEP_RULES,
  indexedAt,
  withFindingIndex,
} from '#shared/store/finding-index.ts';
import { keys } from '#shared/store/table.ts';
import { alertRecord, finding, reportItem } from '#test/support/findings-seed.ts';
import { scaleRegistry } from '#test/support/read-scale.ts';

const [body] = scaleRegistry(1) as [ReturnType<typeof scaleRegistry>[number]];
const seen = '2026-03-21T02:00:00.000Z';

describe('findings index keys', () => {
  it('indexes the sweep rules the read model lists, no other', () => {
    expect([...INDEXED_SWEEP_RULES].sort()).toEqual([...PUBLIC_SWEEP_RULES].sort());
  });

  it('a current report with findings: its province, then first-seen time, body and year', () => {
    const item = {
      ...keys.report(body.id, 2025),
      ...reportItem(body, 2025, seen, [finding('arith.sum', '合计')]),
    };
    expect(findingIndexKeys(item)).toEqual({
      [FINDINGS_PK]: `FINDINGS#${body.id.slice(0, 2)}`,
      [FINDINGS_SK]: `${seen}#${body.id}#2025#REPORT`,
    });
    expect(indexedAt(findingIndexKeys(item)?.[FINDINGS_SK] as string)).toBe(seen);
  });

  it('leaves out a report without findings, a revision, an admin rule and a sweep alert under another id', () => {
    const clean = { ...keys.report(body.id, 2025), ...reportItem(body, 2025, seen, []) };
    expect(findingIndexKeys(clean)).toBeNull();
    const withFindings = reportItem(body, 2025, seen, [finding('arith.sum', '合计')]);
    expect(
      findingIndexKeys({ ...keys.revision(body.id, 2025, seen, 'a'.repeat(64)), ...withFindings }),
    ).toBeNull();
    const admin = alertRecord(body, 'listing.inconclusive', 2025, seen, 'admins');
    expect(findingIndexKeys({ ...keys.alert(admin.alertId), ...admin })).toBeNull();
    const missing = alertRecord(body, 'deadline.missing', 2025, seen);
    expect(findingIndexKeys({ ...keys.alert(missing.alertId), ...missing })).toEqual({
      [FINDINGS_PK]: `FINDINGS#${body.id.slice(0, 2)}`,
      [FINDINGS_SK]: `${seen}#${body.id}#2025#deadline.missing`,
    });
    expect(findingIndexKeys({ ...keys.alert(`${missing.alertId}@x`), ...missing })).toBeNull();
  });

  it('drops stale keys from an item that no longer holds findings', () => {
    const item = {
      ...keys.report(body.id, 2025),
      ...reportItem(body, 2025, seen, []),
      [FINDINGS_PK]: 'FINDINGS#11',
      [FINDINGS_SK]: `${seen}#x`,
    };
    const out = withFindingIndex(item);
    expect(FINDINGS_PK in out || FINDINGS_SK in out).toBe(false);
  });
});
