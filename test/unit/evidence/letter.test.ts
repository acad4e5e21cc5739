import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Body } from '#shared/domain/body.ts';
import { lookupDivision } from '#shared/domain/divisions.ts';
import type { Finding } from '#shared/domain/finding.ts';
import { draftLetter, LetterError, letterMarkdown, supervisorOf } from '#shared/evidence/letter.ts';
import { letterDocx } from '#shared/evidence/letter-docx.ts';

const body = (id: string, name: string, level: Body['level'], divisionCode: string) =>
  Body.parse({
    id,
    name,
    level,
    divisionCode,
    parents: lookupDivision(divisionCode)?.parents ?? [],
    listingUrl: 'http://www.example.gov.cn/ndbg/',
  });

const RSJ = body('620421-rsj', '靖远县人力资源和社会保障局', 'department', '620421');
const TANGHE = body('411328', '唐河县人民政府', 'county', '411328');

const PKG = {
  filename: 'deadline.missing_620421-rsj_2025.wacz',
  sha256: 'a'.repeat(64),
  datapackageHash: `sha256:${'b'.repeat(64)}`,
  root: {
    date: '2026-02-02',
    root: 'c'.repeat(64),
    timestampedAt: '2026-02-02T01:00:00.000Z',
    tsaUrl: 'https://tsa.example/tsr',
  },
};

const missing: Finding = {
  rule: 'deadline.missing',
  severity: 'error',
  message: { zh: '期限(2026-01-31)已过，栏目中未找到2025年度报告', en: 'No 2025 report after the deadline' },
  evidence: [
    {
      quote: 'http://www.jingyuan.gov.cn/xxgk/ndbg/index.html',
      where: 'listing page read',
      computation:
        'read 2026-02-01T02:00:00.000Z; HTTP 200; snapshot sha256 ' +
        'd'.repeat(64) +
        '; years listed 2024, 2023',
    },
  ],
};

const late: Finding = {
  rule: 'deadline.late',
  severity: 'error',
  message: { zh: '2018年度报告页面日期2019-04-15晚于期限2019-03-31', en: 'Published after the deadline' },
  evidence: [{ quote: '发布日期：2019-04-15', where: 'meta 发布日期' }],
};

describe('complaint letters', () => {
  it("a department's missing report goes to its county government's office", async () => {
    expect(supervisorOf(RSJ).name).toBe('靖远县人民政府办公室');
    const letter = draftLetter({ body: RSJ, year: 2025, finding: missing, pkg: PKG });
    expect(letterMarkdown(letter)).toMatchSnapshot();
  });

  it("a county government's late report goes to its city government's office", async () => {
    expect(supervisorOf(TANGHE).name).toBe('南阳市人民政府办公室');
    const letter = draftLetter({
      body: TANGHE,
      year: 2018,
      finding: late,
      reportUrl: 'http://www.tanghe.gov.cn/zwgk/2019/0415/1.html',
      pkg: { ...PKG, filename: 'deadline.late_411328_2018.wacz', root: undefined },
    });
    expect(letterMarkdown(letter)).toMatchSnapshot();
  });

  it('a city goes to its province (办公厅), a province to 国务院办公厅, other rules get no letter', () => {
    expect(supervisorOf(body('620400', '白银市人民政府', 'city', '6204')).name).toBe('甘肃省人民政府办公厅');
    expect(supervisorOf(body('62', '甘肃省人民政府', 'province', '62')).name).toBe('国务院办公厅');
    expect(() =>
      draftLetter({ body: RSJ, year: 2025, finding: { ...missing, rule: 'spam.injection' }, pkg: PKG }),
    ).toThrow(LetterError);
  });

  // Adversarial review of issue 16 (L5): 朝阳区 is a district of 北京 and of 长春.
  it('a district whose name exists twice is named with the government above it', () => {
    expect(supervisorOf(body('110105-czj', '北京市朝阳区财政局', 'department', '110105')).name).toBe(
      '北京市朝阳区人民政府办公室',
    );
    expect(supervisorOf(body('220104-czj', '长春市朝阳区财政局', 'department', '220104')).name).toBe(
      '长春市朝阳区人民政府办公室',
    );
    // A township of Beijing's 朝阳区 (9-digit code), and a unique district name left as it is.
    expect(supervisorOf(body('110105001', '建外街道办事处', 'township', '110105001')).name).toBe(
      '北京市朝阳区人民政府办公室',
    );
    expect(supervisorOf(body('110108-czj', '海淀区财政局', 'department', '110108')).name).toBe(
      '海淀区人民政府办公室',
    );
    // A street office registered with its district as parent: the chain above names 北京市.
    const street = Body.parse({
      id: '110105-jw',
      name: '建外街道',
      level: 'township',
      divisionCode: '110105',
      parents: [
        { code: '11', name: '北京市' },
        { code: '110105', name: '朝阳区' },
      ],
      listingUrl: 'http://www.example.gov.cn/ndbg/',
    });
    expect(supervisorOf(street).name).toBe('北京市朝阳区人民政府办公室');
  });

  it('the DOCX holds the same letter, with the draft note', async () => {
    const letter = draftLetter({ body: RSJ, year: 2025, finding: missing, pkg: PKG });
    const xml = new TextDecoder().decode(unzipSync(await letterDocx(letter))['word/document.xml']);
    for (const text of [
      '靖远县人民政府办公室：',
      '草稿，非法律意见。',
      `证据包 SHA-256：${'a'.repeat(64)}`,
      '第四十九条第一款',
    ])
      expect(xml).toContain(text);
  });
});
