import { describe, expect, it } from 'vitest';
import { Body } from '#shared/domain/body.ts';
import { lookupDivision } from '#shared/domain/divisions.ts';
import { supervisorOf } from '#shared/evidence/letter.ts';

const body = (code: string, level: string, name: string) =>
  Body.parse({
    id: `${code}-x`,
    name,
    level,
    divisionCode: code,
    parents: lookupDivision(code)?.parents ?? [],
    listingUrl: 'http://www.example.gov.cn/',
    render: 'http',
  });

describe('complaint letter addressee (adversarial review of issue 16)', () => {
  it('held: 朝阳区 of 北京 and of 长春, a department and the district government', () => {
    expect(supervisorOf(body('110105', 'department', '北京市朝阳区教育委员会')).name).toBe(
      '北京市朝阳区人民政府办公室',
    );
    expect(supervisorOf(body('220104', 'department', '长春市朝阳区教育局')).name).toBe(
      '长春市朝阳区人民政府办公室',
    );
    expect(supervisorOf(body('110105', 'district', '北京市朝阳区人民政府')).name).toBe(
      '北京市人民政府办公厅',
    );
    expect(supervisorOf(body('220104', 'district', '长春市朝阳区人民政府')).name).toBe(
      '长春市人民政府办公室',
    );
  });

  // 东莞 (and 中山, 儋州, 嘉峪关) have no counties: GB/T 2260 lists the city again at county level (441900 东莞市
  // under 4419 东莞市). A 东莞市人民政府 registered with 441900 is addressed to its own office.
  it('a city government registered with its county-level code is not addressed to itself', () => {
    const to = supervisorOf(body('441900', 'city', '东莞市人民政府')).name;
    expect(to).not.toMatch(/东莞市人民政府办公室$/);
    expect(to).toBe('广东省人民政府办公厅');
  });
});
