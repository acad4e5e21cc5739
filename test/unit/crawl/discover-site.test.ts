import { describe, expect, it } from 'vitest';
import { chooseColumnLink, chooseGkLink, registrySkeleton } from '#shared/crawl/discover-site.ts';

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

describe('registrySkeleton()', () => {
  it('names the body from the site title and leaves the code to fill in', () => {
    expect(registrySkeleton(`${base}xxgk/ndbg/`, '首页_某某县人民政府')).toEqual({
      id: '<GB/T 2260 code>',
      name: '某某县人民政府',
      level: '<county|city|…>',
      divisionCode: '<code>',
      listingUrl: `${base}xxgk/ndbg/`,
      render: 'auto',
    });
  });
});
