import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Body } from '#shared/domain/body.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { parseReport } from '#shared/parse/parse-report.ts';

/**
 * The five seeds as the rules see them in production: the demo portal's detail page (seeds/portal) parsed
 * by parseReport, served from the canonical gov.cn URL. Falls back to the plain seed text when the portal
 * module is absent.
 */
export const SEED_KEYS = ['000', '001', '002', '003', '004'] as const;
export type SeedKey = (typeof SEED_KEYS)[number];

const root = new URL('../../../', import.meta.url);

const SEED_URLS: Record<SeedKey, string> = {
  '000': 'http://www.jzq.gov.cn/zwgk/zfxxgknb/201802/t20180210_2436578.html',
  '001': 'http://www.jingyuan.gov.cn/xxgk/ndbg/201701/t20170106_1.html',
  '002': 'http://www.tieling.gov.cn/zwgk/zfxxgkndbg/201803/t20180301_1.html',
  '003': 'http://www.tanghe.gov.cn/gknb/201903/t20190326_1.html',
  '004': 'http://www.yuci.gov.cn/xxgknb/201203/t20120314_1.html',
};

const SEED_BODIES: Record<SeedKey, Body> = {
  '000': body(
    '360802',
    '吉州区人民政府',
    'district',
    '360802',
    'http://www.jzq.gov.cn/zwgk/zfxxgknb/index.html',
  ),
  '001': body(
    '620421-rsj',
    '靖远县人力资源和社会保障局',
    'department',
    '620421',
    'http://www.jingyuan.gov.cn/xxgk/ndbg/index.html',
  ),
  '002': body(
    '2112',
    '铁岭市人民政府',
    'city',
    '2112',
    'http://www.tieling.gov.cn/zwgk/zfxxgkndbg/index.html',
  ),
  '003': body('411328', '唐河县人民政府', 'county', '411328', 'http://www.tanghe.gov.cn/gknb/index.html'),
  '004': body('140702', '榆次区人民政府', 'district', '140702', 'http://www.yuci.gov.cn/xxgknb/'),
};

function body(
  id: string,
  name: string,
  level: Body['level'],
  divisionCode: string,
  listingUrl: string,
): Body {
  return { id, name, level, divisionCode, parents: [], listingUrl, render: 'auto' };
}

export function seedBody(key: SeedKey): Body {
  return SEED_BODIES[key];
}

export async function loadSeedReport(key: SeedKey): Promise<ParsedReport> {
  const url = SEED_URLS[key];
  const portal = new URL('seeds/portal/pages.ts', root);
  let input: { html: string } | { text: string };
  if (existsSync(portal)) {
    const pages = (await import('#seeds/portal/pages.ts')) as { detailPageHtml(key: string): string };
    input = { html: pages.detailPageHtml(key) };
  } else {
    const dir = new URL('seeds/reports/', root);
    const file = readdirSync(dir).find((f) => f.startsWith(`${key}_`));
    input = { text: readFileSync(new URL(file ?? '', dir), 'utf8') };
  }
  const result = parseReport({ ...input, url });
  if (result.kind !== 'report') throw new Error(`seed ${key} did not parse: ${result.reason}`);
  return result;
}
