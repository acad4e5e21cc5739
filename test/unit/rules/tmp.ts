import { loadSeedReport, SEED_KEYS } from './seed-reports.ts';

for (const k of SEED_KEYS) {
  const r = await loadSeedReport(k);
  console.log(
    k,
    r.format,
    JSON.stringify(r.figures.narrative.map((f) => [f.key, f.value, f.raw])),
    JSON.stringify(
      r.figures.percentages.map((p) => [
        p.label,
        p.percent.value,
        p.percent.raw,
        p.part?.value,
        p.whole?.value,
      ]),
    ),
  );
  console.log(
    '  sections',
    r.sections.map((s) => s.id + (s.empty ? '(empty)' : '')).join(','),
    'missing',
    r.missingSections,
    'att',
    r.attachments.length,
  );
}
