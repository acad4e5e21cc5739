import type { Figures, RawTable } from '#shared/domain/figures.ts';
import type { Damage } from '#shared/domain/report.ts';
import type { Doc } from './doc.ts';

export function findFigures(_doc: Doc, tables: RawTable[], _damage: Damage[]): Figures {
  return {
    narrative: [],
    percentages: [],
    pre2019: null,
    active: null,
    applications: null,
    reviews: null,
    tables,
  };
}
