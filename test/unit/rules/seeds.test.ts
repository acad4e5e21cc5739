import { beforeAll, describe, expect, it } from 'vitest';
import { Finding } from '#shared/domain/finding.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { RULES, runRules } from '#shared/rules/run-rules.ts';
import { buildView } from '#shared/rules/text-view.ts';
import { loadSeedReport, SEED_KEYS, type SeedKey, seedBody } from './seed-reports.ts';

const reports = new Map<SeedKey, ParsedReport>();
const findings = new Map<SeedKey, Finding[]>();

beforeAll(async () => {
  for (const key of SEED_KEYS) {
    const report = await loadSeedReport(key);
    reports.set(key, report);
    findings.set(key, runRules({ report, body: seedBody(key), previous: [], today: '2025-06-01' }));
  }
});

const of = (key: SeedKey, rule: string) => (findings.get(key) ?? []).filter((f) => f.rule === rule);
const quotes = (fs: Finding[]) => fs.flatMap((f) => f.evidence.map((e) => e.quote));

/** Every evidence span must quote the original text exactly where it says. */
function expectExactQuotes(key: SeedKey): void {
  const original = reports.get(key)?.originalText ?? '';
  for (const f of findings.get(key) ?? [])
    for (const e of f.evidence)
      if (e.start !== undefined) expect(original.slice(e.start, e.end)).toBe(e.quote);
}

/** The exact set of rules each seed must trigger: any other finding is a false alarm and fails. */
const EXPECTED: Record<SeedKey, string[]> = {
  '000': ['host.mirror', 'spam.injection'],
  '001': ['copy.other-body', 'date.inconsistent', 'placeholder.unfilled', 'text.garbled'],
  '002': ['spam.injection'],
  '003': ['arith.sum', 'date.inconsistent'],
  '004': ['arith.percent'],
};

describe('runRules() on the seed reports', () => {
  it.each(SEED_KEYS)('seed %s: quotes are exact slices of the original text', (key) => {
    expectExactQuotes(key);
  });

  it.each(SEED_KEYS)(
    'seed %s: findings match the Finding schema, are catalogued and deterministic',
    (key) => {
      const all = findings.get(key) ?? [];
      for (const f of all) expect(Finding.parse(f)).toEqual(f);
      expect(all.every((f) => RULES.some((r) => r.id === f.rule))).toBe(true);
      const report = reports.get(key) as ParsedReport;
      expect(runRules({ report, body: seedBody(key), previous: [], today: '2025-06-01' })).toEqual(all);
    },
  );

  it('000 and 002: spam.injection quotes every injected span, the footer of 000 included', () => {
    for (const [key, spam, count] of [
      ['000', '体育365网投_365bet365用址_365bet官网提现说维护', 4],
      ['002', '365体育投注', 2],
    ] as const) {
      const found = of(key, 'spam.injection');
      expect(found).toHaveLength(1);
      expect(quotes(found)).toEqual(Array(count).fill(spam));
    }
    // Three of 000's four sit in the footer's 主办/承办/地址 entries, kept as the trailer of originalText.
    const footer = (reports.get('000')?.meta ?? []).filter((m) => ['主办', '承办', '地址'].includes(m.label));
    const starts = of('000', 'spam.injection')[0]!.evidence.map((e) => e.start!);
    expect(footer.map((m) => m.valueStart)).toEqual(starts.slice(1));
  });

  it('000: the contact e-mail on beivbo.com is host evidence', () => {
    expect(quotes(of('000', 'host.mirror'))).toEqual(['jzxx@beivbo.com']);
  });

  it('001: a county bureau writing as a district, 请选择, garbled text, a 1970 index number; no arithmetic finding', () => {
    const other = quotes(of('001', 'copy.other-body')).join(' ');
    expect(other).toMatch(/區.*社保局/);
    expect(other).toContain('白銀區');
    expect(of('001', 'text.garbled')[0]?.message.en).toContain('pinyin-noise');
    expect(quotes(of('001', 'text.garbled'))[0]).toBe('索??引??號(hào):');
    expect(of('001', 'arith.percent')).toEqual([]);
  });

  it('001: 信息来源 请选择 and the 1970 index number are quoted from the metadata block with offsets', () => {
    const original = reports.get('001')?.originalText ?? '';
    const [placeholder] = of('001', 'placeholder.unfilled');
    expect(placeholder?.evidence).toEqual([
      { quote: '請(qǐng)選擇', start: 178, end: 187, where: 'meta 信息来源' },
    ]);
    expect(buildView(original.slice(178, 187)).text).toBe('请选择');
    const entry = reports.get('001')?.meta.find((m) => m.label === '信息来源');
    expect(original.slice(entry?.start, entry?.end)).toBe('信息來(lái)源:請(qǐng)選擇');
    const [epoch] = of('001', 'date.inconsistent');
    expect(epoch?.evidence).toEqual([
      { quote: '1162042101391301xj/1970-172822', start: 14, end: 44, where: 'index number' },
    ]);
    expect(original.slice(0, 44)).toBe('索??引??號(hào):\t1162042101391301xj/1970-172822');
  });

  it('003: the channel sum is a warning only, the signature is before the period end, identities hold', () => {
    const sums = of('003', 'arith.sum');
    expect(sums.map((f) => f.severity)).toEqual(['warning']);
    expect(sums[0]?.evidence[0]?.figures).toMatchObject({ total: 9483, sum: 9477 });
    expect(of('003', 'arith.identity')).toEqual([]);
    expect(quotes(of('003', 'date.inconsistent'))).toContain('2018314');
  });

  it('004: both wrong percentages, with the computed values', () => {
    expect(of('004', 'arith.percent').map((f) => f.evidence[0]?.figures)).toEqual([
      { part: 33060, whole: 41859, stated: 100, computed: 78.9794 },
      { part: 57, whole: 2450, stated: 3.2, computed: 2.3265 },
    ]);
  });

  it.each(SEED_KEYS)('seed %s: exactly the expected rules fire (precision)', (key) => {
    const rules = [...new Set((findings.get(key) ?? []).map((f) => f.rule))].sort();
    expect(rules).toEqual(EXPECTED[key]);
  });
});
