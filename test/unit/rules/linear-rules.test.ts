import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParsedReport } from '#shared/domain/report.ts';
import { parseReport } from '#shared/parse/parse-report.ts';
import { hanOnly, SHINGLE, shingleHashes } from '#shared/rules/copy-shingles.ts';
import { copyPreviousYear } from '#shared/rules/copy-similarity.ts';
import type { Rule, RuleContext } from '#shared/rules/run-rules.ts';
import { spamInjection } from '#shared/rules/spam-rules.ts';
import { MAX_QUOTE_CHARS, viewOf } from '#shared/rules/text-view.ts';
import { buildReport, context } from './build-report.ts';

/*
 * Issue 12: spam.injection in one pass with bounded windows, copy.previous-year on numeric passages against
 * the previous year only. Checked by structure, not by time: a text of thousands of repeated blocks gives
 * every block's findings at its offset, and the numeric passages agree with the strings they replace.
 */

/** One rule alone: the others are not what these tests measure. */
const RULES: Record<string, Rule> = {
  'spam.injection': spamInjection,
  'copy.previous-year': copyPreviousYear,
};
const rule = (id: string, ctx: RuleContext) => RULES[id]!.run(ctx);

describe('spam.injection on a long text', () => {
  const BLOCK =
    '本机关主动公开政府信息。体育365网投_365bet365用址_365bet官网提现说维护人民政府。严厉打击网络博彩活动,另有澳门赌场字样。\n';

  it('finds every block’s spans at the block’s offset (2,000 blocks, 4,000 spans)', () => {
    // Prepare
    const k = 2_000;
    const one = rule('spam.injection', context(buildReport({ text: BLOCK })))[0];
    // Act
    const many = rule('spam.injection', context(buildReport({ text: BLOCK.repeat(k) })))[0];
    // Assess
    expect(one?.evidence.map((e) => e.quote)).toEqual([
      '体育365网投_365bet365用址_365bet官网提现说维护',
      '澳门赌场',
    ]);
    expect(many?.evidence.length).toBe(2 * k);
    many?.evidence.forEach((e, i) => {
      const first = one?.evidence[i % 2];
      const shift = Math.floor(i / 2) * BLOCK.length;
      expect([e.quote, e.start, e.end]).toEqual([
        first?.quote,
        (first?.start ?? 0) + shift,
        (first?.end ?? 0) + shift,
      ]);
    });
  });

  it('quotes a glued run of a million characters once, from its start, saying how long it is', () => {
    // Prepare: one injected string far longer than any window the rule reads at a time.
    const run = `体育${'365bet_'.repeat(150_000)}官网`;
    const text = `本机关主动公开政府信息。${run}人民政府。`;
    // Act
    const [found] = rule('spam.injection', context(buildReport({ text })));
    // Assess
    // Quoted up to MAX_QUOTE_CHARS (a whole million characters would not fit the report's DynamoDB item).
    expect(found?.evidence.map((e) => [e.start, e.end])).toEqual([[12, 12 + MAX_QUOTE_CHARS]]);
    expect(found?.evidence[0]?.where).toContain(`of ${run.length} characters`);
  });
});

/** The passages as strings, as the rule compared them before (issue 12 replaced them with numbers). */
function stringShare(report: ParsedReport, prev: ParsedReport): number {
  const han = (r: ParsedReport) => [...viewOf(r).text].filter((c) => /\p{Script=Han}/u.test(c)).join('');
  const passages = (t: string) =>
    Array.from({ length: Math.max(0, t.length - SHINGLE + 1) }, (_, i) => t.slice(i, i + SHINGLE));
  const mine = passages(han(report));
  const theirs = new Set(passages(han(prev)));
  return mine.filter((p) => theirs.has(p)).length / mine.length;
}

describe('copy.previous-year on numeric passages', () => {
  it('numbers two passages alike exactly when their characters are alike', () => {
    // Prepare: a text with many repeated and many distinct passages.
    const text =
      '政府信息公开工作年度报告本机关认真贯彻落实条例主动公开政府信息'.repeat(3) +
      '依申请公开办理情况行政复议行政诉讼';
    const { codes } = hanOnly(text);
    // Act
    const hashes = shingleHashes(codes);
    // Assess
    const strings = Array.from({ length: codes.length - SHINGLE + 1 }, (_, i) =>
      String.fromCharCode(...codes.subarray(i, i + SHINGLE)),
    );
    expect(hashes.length).toBe(strings.length);
    for (let i = 0; i < strings.length; i++)
      for (let j = 0; j < strings.length; j++)
        expect(hashes[i] === hashes[j]).toBe(strings[i] === strings[j]);
  });

  it('keeps only Han code units, as /\\p{Script=Han}/u tests each one', () => {
    const text = 'a政府1〇，𠀀々〆㐀中。';
    const { codes, map } = hanOnly(text);
    const expected = [...Array(text.length).keys()].filter((i) => /\p{Script=Han}/u.test(text[i]!));
    expect([...map]).toEqual(expected);
    expect(String.fromCharCode(...codes)).toBe(expected.map((i) => text[i]).join(''));
  });

  it('reports the share the string passages give, on the corpus series (2021 → 2022 → 2023)', () => {
    // Prepare
    const root = new URL('../../fixtures/corpus/', import.meta.url);
    const gold = JSON.parse(readFileSync(new URL('gold.json', root), 'utf8')) as {
      cases: Array<{ file: string; url: string; year: number; series?: string }>;
    };
    const series = gold.cases
      .filter((c) => c.series && gold.cases.filter((d) => d.series === c.series).length >= 3)
      .map((c) => {
        const content = readFileSync(new URL(c.file, root), 'utf8');
        const input = c.file.endsWith('.html') ? { html: content } : { text: content };
        const r = parseReport({ ...input, url: c.url });
        return r.kind === 'report' ? { ...r, year: c.year } : null;
      })
      .filter((r): r is ParsedReport & { year: number } => r !== null)
      .sort((a, b) => a.year - b.year);
    expect(series.length).toBeGreaterThanOrEqual(3);
    for (const [prev, report] of series.slice(1).map((r, i) => [series[i]!, r] as const)) {
      // Act
      const [found] = rule('copy.previous-year', context(report, { previous: [prev] }));
      // Assess
      const share = Math.round(stringShare(report, prev) * 1000) / 10;
      if (share >= 80) expect(found?.evidence[0]?.figures?.similarity).toBe(share);
      else expect(found).toBeUndefined();
    }
  });

  it('compares with the year before only: a copy of N−2 is not N−1', () => {
    // Prepare
    const prose = Array.from(
      { length: 40 },
      (_, i) => `第${i}项工作按照条例要求认真落实主动公开政府信息的各项规定并接受社会监督`,
    ).join('。');
    const older = buildReport({ year: 2021, title: '2021年报告', text: prose });
    const other = buildReport({ year: 2022, title: '2022年报告', text: '本年度工作另行总结。'.repeat(80) });
    const current = buildReport({ year: 2023, text: prose });
    // Act
    const twoBack = rule('copy.previous-year', context(current, { previous: [older, other] }));
    const oneBack = rule('copy.previous-year', context(current, { previous: [{ ...older, year: 2022 }] }));
    // Assess
    expect(twoBack).toEqual([]);
    expect(oneBack[0]?.message.en).toBe("100% of this report's text repeats the 2022 report");
  });
});
