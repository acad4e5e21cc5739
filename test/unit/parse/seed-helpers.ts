import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { DEMO_SITES, type SiteKey } from '#seeds/portal/sites.ts';
import type { Body } from '#shared/domain/body.ts';
import { loadRegistry } from '#shared/domain/registry.ts';
import { type ParsedReport, ParseResult } from '#shared/domain/report.ts';
import { normalise } from '#shared/parse/normalise.ts';

export const registry: Body[] = loadRegistry(
  JSON.parse(readFileSync(new URL('../../../seeds/bodies.json', import.meta.url), 'utf8')),
).bodies;

/** The canonical URL of a seed's detail page, as the crawler records it. */
export function seedUrl(key: SiteKey): string {
  const site = DEMO_SITES.find((s) => s.key === key)!;
  return `${site.origin}${site.reportPath}`;
}

/** Narrows to a report and checks the public schema and that every span quotes originalText. */
export function asReport(result: ParseResult): ParsedReport {
  expect(ParseResult.safeParse(result).success).toBe(true);
  if (result.kind !== 'report') throw new Error(`expected a report, got: ${result.reason}`);
  const r = result;
  const spans = [
    ...r.figures.narrative.map((f) => ({ ...f, what: f.key })),
    ...r.figures.percentages.flatMap((p) => [p.percent, p.part, p.whole].filter((f) => f !== null)),
    ...(r.figures.pre2019?.rows.map((row) => row.cell) ?? []),
    ...r.damage,
  ];
  for (const s of spans) {
    const quoted = r.originalText.slice(s.start, s.end);
    // A `traditional` damage entry spans the converted stretch and quotes only its opening.
    const expected = 'raw' in s ? s.raw : s.text;
    expect(
      quoted.startsWith(expected) && ('raw' in s || s.kind === 'traditional' || quoted === expected),
    ).toBe(true);
  }
  // Metadata entries: the value span reads as the value once normalised, the entry span opens with the label.
  const norm = (a: number, b: number) => normalise(r.originalText.slice(a, b)).text;
  for (const m of r.meta) {
    expect(norm(m.valueStart, m.valueEnd)).toBe(m.value);
    expect(norm(m.start, m.end).replace(/\s+/g, '').startsWith(m.label)).toBe(true);
    expect(m.start <= m.valueStart && m.valueEnd === m.end).toBe(true);
  }
  return r;
}

/** The metadata block and footer entries as `label: value`, for one whole-list assertion. */
export const metaOf = (r: ParsedReport) => r.meta.map((m) => `${m.label}: ${m.value}`);

/** The metadata part of a report, for one whole-object assertion. */
export function metadataOf(r: ParsedReport) {
  return {
    title: r.title,
    issuer: r.issuer,
    year: r.year,
    format: r.format,
    publishedAt: r.publishedAt,
    indexNumber: r.indexNumber,
    period: r.period,
    signatureDate: r.signatureDate ? { date: r.signatureDate.date, raw: r.signatureDate.raw } : null,
    sections: r.sections.map((s) => `${s.id}、${s.heading}`),
    missingSections: r.missingSections,
    attachments: r.attachments,
    source: r.source,
  };
}

export const narrativeOf = (r: ParsedReport) =>
  r.figures.narrative.map((f) => ({ key: f.key, value: f.value, unit: f.unit, raw: f.raw }));

export const percentagesOf = (r: ParsedReport) =>
  r.figures.percentages.map((p) => ({
    label: p.label,
    percent: p.percent.value,
    part: p.part?.value ?? null,
    whole: p.whole?.value ?? null,
  }));

export const damageKinds = (r: ParsedReport) =>
  r.damage.reduce<Record<string, number>>((acc, d) => {
    acc[d.kind] = (acc[d.kind] ?? 0) + 1;
    return acc;
  }, {});
