import { describe, expect, it } from 'vitest';
import { chooseColumnLink, chooseGkLink, proposeEntry, readBodyName } from '#shared/crawl/discover-site.ts';
import { loadTownships, siteIdentity } from '#shared/crawl/discover-walk.ts';
import { Body } from '#shared/domain/body.ts';
import { loadRegistry } from '#shared/domain/registry.ts';

const base = 'http://www.example.gov.cn/';
const l = (path: string, title: string) => ({ url: new URL(path, base).href, title });

describe('chooseGkLink()', () => {
  it('prefers the 政府信息公开 section over guides and other hosts', () => {
    const links = [
      l('/zwgk/xxgkzn/', '政府信息公开指南'),
      { url: 'http://www.gov.cn/zhengce/xxgk/', title: '政府信息公开' },
      l('/zwfw/', '政务服务'),
      l('/xxgk/index.html', '政府信息公开'),
    ];
    expect(chooseGkLink(links, base)?.url).toBe(`${base}xxgk/index.html`);
  });
});

describe('chooseColumnLink()', () => {
  it('picks the 年报 column, not a single year report or a notice', () => {
    const links = [
      l('/xxgk/ndbg/202401/t20240115_1.html', '某县2023年政府信息公开工作年度报告'),
      l('/xxgk/tzgg/1.html', '关于做好政府信息公开工作年度报告编制工作的通知'),
      l('/xxgk/zfxxgknb/', '政府信息公开年报'),
      l('/xxgk/zcwj/', '政策文件'),
    ];
    expect(chooseColumnLink(links, base)?.url).toBe(`${base}xxgk/zfxxgknb/`);
  });

  it('falls back to a column slug in the URL when the title is terse', () => {
    expect(chooseColumnLink([l('/xxgk/gknb/', '年报'), l('/xxgk/a/', '其他')], base)?.url).toBe(
      `${base}xxgk/gknb/`,
    );
  });

  it('returns nothing when no link looks like a column', () => {
    expect(chooseColumnLink([l('/a/', '首页')], base)).toBeUndefined();
  });
});

describe('readBodyName()', () => {
  it('reads nested place names down to the county, then the organ', () => {
    expect(readBodyName('吉安市吉州区人民政府')).toEqual({
      name: '吉安市吉州区人民政府',
      candidates: [{ code: '360802', name: '吉州区', kind: 'county', path: '江西省 吉安市 吉州区' }],
      organ: { kind: 'government' },
    });
  });

  it('reads a bureau after its county', () => {
    expect(readBodyName('靖远县人力资源和社会保障局')).toEqual({
      name: '靖远县人力资源和社会保障局',
      candidates: [{ code: '620421', name: '靖远县', kind: 'county', path: '甘肃省 白银市 靖远县' }],
      organ: { kind: 'department', organ: '人力资源和社会保障局', slug: 'rsj' },
    });
  });

  it('keeps every division a shared county name fits, and narrows them by the site code or ICP province', () => {
    const codes = (hints: Parameters<typeof readBodyName>[2]) =>
      readBodyName('朝阳区人民政府', undefined, hints).candidates.map((c) => c.code);
    expect([codes({}), codes({ siteCode: '2201040001' }), codes({ icp: '京' })]).toEqual([
      ['110105', '220104'],
      ['220104'],
      ['110105'],
    ]);
  });

  it('prefers a city over the bookkeeping county row of the same name (东莞市)', () => {
    expect(readBodyName('东莞市人民政府').candidates.map((c) => [c.code, c.kind])).toEqual([
      ['4419', 'city'],
    ]);
  });

  it('reads a portal title with site words, and says nothing of an unknown place', () => {
    expect([
      readBodyName('榆次区政府门户网站').candidates[0]?.code,
      readBodyName('某某县人民政府').candidates,
    ]).toEqual(['140702', []]);
  });
});

describe('proposeEntry()', () => {
  const listing = `${base}xxgk/ndbg/`;

  it('proposes a district government from the title, ready to paste', () => {
    const proposal = proposeEntry(listing, ['吉安市吉州区人民政府']);
    expect(proposal).toEqual({
      entry: {
        id: '360802',
        name: '吉州区人民政府',
        level: 'district',
        divisionCode: '360802',
        listingUrl: listing,
        render: 'auto',
      },
      complete: true,
      notes: [],
      candidates: [],
    });
    expect(Body.safeParse(proposal.entry).success).toBe(true);
  });

  it('proposes a department with its bureau slug, and the registry accepts it', () => {
    const proposal = proposeEntry(listing, ['首页', '人社局', '靖远县人力资源和社会保障局']);
    expect(proposal.entry).toEqual({
      id: '620421-rsj',
      name: '靖远县人力资源和社会保障局',
      level: 'department',
      divisionCode: '620421',
      listingUrl: listing,
      render: 'auto',
    });
    expect(loadRegistry({ bodies: [proposal.entry] })).toMatchObject({
      bodies: [{ id: '620421-rsj', parents: [{ code: '62' }, { code: '6204' }, { code: '620421' }] }],
      errors: [],
    });
  });

  it('takes the 主办 line when the title is only a short name, and a city and county levels', () => {
    expect([
      proposeEntry(listing, ['榆次区', '晋中市榆次区人民政府办公室']).entry,
      proposeEntry(listing, ['铁岭市人民政府']).entry.level,
      proposeEntry(listing, ['唐河县人民政府']).entry.level,
    ]).toEqual([
      {
        id: '140702',
        name: '榆次区人民政府',
        level: 'district',
        divisionCode: '140702',
        listingUrl: listing,
        render: 'auto',
      },
      'city',
      'county',
    ]);
  });

  it('leaves the code of a county name shared by provinces to fill in, listing the candidates', () => {
    const proposal = proposeEntry(listing, ['鼓楼区人民政府']);
    expect(proposal).toMatchObject({
      entry: {
        id: '<GB/T 2260 code>',
        name: '鼓楼区人民政府',
        level: 'district',
        divisionCode: '<GB/T 2260 code>',
      },
      complete: false,
      candidates: [
        { code: '320106', path: '江苏省 南京市 鼓楼区' },
        { code: '320302', path: '江苏省 徐州市 鼓楼区' },
        { code: '350102', path: '福建省 福州市 鼓楼区' },
        { code: '410204', path: '河南省 开封市 鼓楼区' },
      ],
    });
    expect(proposal.notes).toEqual([
      '"鼓楼区人民政府" fits 4 divisions: set divisionCode (and id) to one of: 320106 江苏省 南京市 鼓楼区; 320302 江苏省 徐州市 鼓楼区; 350102 福建省 福州市 鼓楼区; 410204 河南省 开封市 鼓楼区',
    ]);
  });

  it('keeps the bureau slug of a department whose county is ambiguous', () => {
    expect(proposeEntry(listing, ['朝阳区财政局']).entry).toMatchObject({
      id: '<GB/T 2260 code>-czj',
      level: 'department',
      divisionCode: '<GB/T 2260 code>',
    });
  });

  it('asks for a slug for a bureau outside the table, and for everything when no place is named', () => {
    const unknownBureau = proposeEntry(listing, ['靖远县供销合作社']);
    const nothing = proposeEntry(listing, ['某某县人民政府']);
    expect([unknownBureau.entry.id, unknownBureau.complete, unknownBureau.notes]).toEqual([
      '620421-<slug>',
      false,
      ['"供销合作社" is not in the bureau slug table: choose a short pinyin-initial slug for id'],
    ]);
    expect([nothing.entry.divisionCode, nothing.entry.level, nothing.notes]).toEqual([
      '<GB/T 2260 code>',
      'county',
      ['no GB/T 2260 place name starts "某某县人民政府": fill in id, divisionCode and name'],
    ]);
  });

  it('resolves a township inside its county, and lists the 城关镇 of the country when none is named', async () => {
    const townships = await loadTownships();
    const named = proposeEntry(listing, ['靖远县东湾镇人民政府'], townships);
    const bare = proposeEntry(listing, ['城关镇人民政府'], townships);
    expect(named).toMatchObject({
      entry: { id: '620421102', name: '东湾镇人民政府', level: 'township', divisionCode: '620421102' },
      complete: true,
    });
    expect(Body.safeParse(named.entry).success).toBe(true);
    expect({
      level: bare.entry.level,
      complete: bare.complete,
      count: bare.candidates.length,
      allCalled: bare.candidates.every((c) => c.name === '城关镇' && c.kind === 'township'),
      listed: (bare.notes[0]?.match(/\d{9} [^;]+城关镇/g) ?? []).length,
      more: bare.notes[0]?.endsWith('… 76 more'),
      note: bare.notes[0]?.replace(/one of: .*$/, 'one of: …'),
      localRule: bare.notes[1],
    }).toEqual({
      level: 'township',
      complete: false,
      count: 88,
      allCalled: true,
      listed: 12,
      more: true,
      note: '"城关镇人民政府" fits 88 divisions: set divisionCode (and id) to one of: …',
      localRule: 'a township: add localRule if a local rule sets its deadline (default 03-31, unverified)',
    });
  });
});

describe('siteIdentity()', () => {
  it('collects title parts, logo text and the 主办 line, with the site code and ICP province', () => {
    const html = `<html><head><title>首页_铁岭市人民政府</title></head><body>
      <div class="logo"><img src="/l.png" alt="铁岭市人民政府门户网站"></div>
      <div class="footer">主办单位：铁岭市人民政府办公室承办单位：铁岭市信息中心 辽ICP备05005417号 政府网站标识码:2112000001</div>
      </body></html>`;
    expect(siteIdentity(html)).toEqual({
      names: ['铁岭市人民政府', '铁岭市人民政府门户网站', '铁岭市人民政府办公室'],
      siteCode: '2112000001',
      icp: '辽',
    });
  });
});
