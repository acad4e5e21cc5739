import type { Figures, RawTable } from '#shared/domain/figures.ts';
import type { Damage } from '#shared/domain/report.ts';
import type { Doc } from './doc.ts';
import { findNarrative, findPercentages } from './figures-narrative.ts';
import { findPre2019Table } from './figures-pre2019.ts';
import { findActive, findApplications, findReviews } from './figures-template.ts';
import { tableFromText } from './figures-text-tables.ts';

export function findFigures(doc: Doc, tables: RawTable[], damage: Damage[]): Figures {
  const pre2019 = findPre2019Table(doc, damage);
  // Narrative figures come from the prose; the appended 统计表 (if any) is read as a table instead.
  const appendix = /\n附\s*件[:：]?[^\n]{0,40}\n/.exec(doc.text);
  const limit = pre2019 && appendix ? appendix.index : doc.text.length;
  // Template tables from the page's tables, else from flattened text (attachments, scraped pages).
  let active = findActive(tables);
  let applications = findApplications(tables);
  let reviews = findReviews(tables);
  if (!active || !applications || !reviews) {
    const fromText = tableFromText(doc);
    if (fromText) {
      active ??= findActive([fromText]);
      applications ??= findApplications([fromText]);
      reviews ??= findReviews([fromText]);
    }
  }
  return {
    narrative: findNarrative(doc, limit),
    percentages: findPercentages(doc, limit),
    pre2019,
    active,
    applications,
    reviews,
    tables,
  };
}
