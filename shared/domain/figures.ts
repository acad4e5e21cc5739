import { z } from 'zod';

/** A number read from the report, with the span of original text it came from. */
export const Figure = z.object({
  key: z.string(),
  value: z.number(),
  unit: z.string().nullable(),
  raw: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});
export type Figure = z.infer<typeof Figure>;

/** Owned by the parser; see shared/parse/. */
export const Figures = z.object({
  narrative: z.array(Figure),
});
export type Figures = z.infer<typeof Figures>;
