import { z } from 'zod';
import { BodyLevel } from '../../domain/body.ts';
import { decodeFindingsCursor } from '../../read/findings-cursor.ts';

/*
 * Path and query schemas shared by the public, status and admin routes: each names the field and the
 * reason in its 400, and documents the parameter in /openapi.json.
 */

export const BodyId = z
  .string()
  .regex(/^\d{2,9}(-[a-z0-9]+)?$/, 'expected a body id: a GB/T 2260 code, optionally followed by -slug')
  .describe('body id, e.g. 360802 or 620421-rsj');

/** The first report year: the 2008 条例 (in force 1 May 2008) asked for the first annual reports for 2008. */
export const FIRST_REPORT_YEAR = 2008;

/** A report year as written in a path or query: exactly four digits (no `0x7e1`, no spaces), 2008–2100. */
export const Year = z.coerce
  .string({ error: 'expected a report year' })
  .regex(/^\d{4}$/, 'expected a four-digit year, e.g. 2025')
  .transform(Number)
  .pipe(
    z
      .number()
      .int('expected a whole year')
      .min(FIRST_REPORT_YEAR, 'report years start at 2008 (the 2008 条例)')
      .max(2100, 'expected a report year before 2100'),
  );

/**
 * A count in a query (`limit`, `offset`): decimal digits only — `1e2`, `0x10`, `+5` or ` 5` are refused, not
 * read as numbers — within [min, max]; `fallback` when absent.
 */
export const Count = (min: number, max: number, fallback: number) =>
  z.coerce
    .string()
    .regex(/^\d{1,9}$/, 'expected a whole number in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);

/** `*`, a division code (`36`, `3608`, `360802`) or a body id. */
export const ScopeParam = z
  .string()
  .regex(/^(\*|\d{2,12}(-[a-z0-9]+)?)$/, 'expected *, a division code or a body id')
  .default('*')
  .describe('* (all), a division code (36, 3608, 360802) or a body id');

export const BodyParams = z.object({ bodyId: BodyId });
export const BodyYearParams = z.object({ bodyId: BodyId, year: Year });

export const BodiesQuery = z.object({
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('part of the name, or the start of the id or code'),
  level: BodyLevel.optional(),
  parent: z
    .string()
    .regex(/^\d{2,12}$/, 'expected a division code')
    .optional()
    .describe('division code: bodies inside it'),
  offset: Count(0, 1_000_000, 0),
  limit: Count(1, 500, 50),
});

export const ScopeQuery = z.object({
  scope: ScopeParam,
  limit: Count(1, 1000, 100),
});

/** A findings page: the scope and limit, and `cursor`, the `next` of the page before (opaque). */
export const FindingsQuery = ScopeQuery.extend({
  cursor: z
    .string()
    .transform((s, ctx) => {
      const at = decodeFindingsCursor(s);
      if (at) return at;
      ctx.issues.push({
        code: 'custom',
        input: s,
        message: 'expected the `next` cursor of an earlier page, unchanged',
      });
      return z.NEVER;
    })
    .optional()
    .describe('the `next` value of the previous page (opaque); absent for the first page'),
});

export const ScoreboardQuery = z.object({ year: Year, scope: ScopeParam });

export const CompareQuery = z.object({ format: z.enum(['json', 'md', 'html', 'docx']).default('json') });

export const DatasetQuery = z.object({ format: z.enum(['csv', 'jsonl']).default('csv') });

export const FeedParams = z.object({ format: z.enum(['rss', 'atom', 'json']) });
