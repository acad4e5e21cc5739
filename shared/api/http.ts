import type { z } from 'zod';

/** The JSON body of every 4xx: a sentence, and for a 400 each field with its reason. */
export interface ApiError {
  error: string;
  /** `field: reason`, one per problem. */
  issues?: string[];
  fields?: Array<{ field: string; reason: string }>;
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; error: ApiError };

/** A zod failure as the 400 payload: each issue's path (or `(what)`) and message. */
export function invalid(error: z.ZodError, what: string): ApiError {
  const fields = error.issues.map((i) => ({ field: i.path.join('.') || `(${what})`, reason: i.message }));
  return {
    error: `invalid ${what}`,
    issues: fields.map((f) => `${f.field}: ${f.reason}`),
    fields,
  };
}

/** `value` parsed by `schema`, or the 400 payload naming what is wrong (`what`: query, path, request body). */
export function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): Parsed<T> {
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, error: invalid(parsed.error, what) };
}

/**
 * The request body parsed by the schema, or the 400 payload naming what is wrong (`field: reason` per
 * issue). `emptyAs` is what an empty body means (e.g. `{}`); without it an empty body is not JSON.
 * The body's size is bounded by the app's body-limit middleware before it is read.
 */
export async function readJson<T>(req: Request, schema: z.ZodType<T>, emptyAs?: unknown): Promise<Parsed<T>> {
  const text = await req.text();
  let json: unknown = emptyAs;
  if (text.trim() !== '' || emptyAs === undefined) {
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, error: { error: 'request body must be JSON' } };
    }
  }
  return validate(schema, json, 'request body');
}
