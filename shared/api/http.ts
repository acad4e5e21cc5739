import type { z } from 'zod';

export type Parsed<T> = { ok: true; data: T } | { ok: false; error: { error: string; issues?: string[] } };

/**
 * The request body parsed by the schema, or the 400 payload naming what is wrong (`field: reason` per
 * issue). `emptyAs` is what an empty body means (e.g. `{}`); without it an empty body is not JSON.
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
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, data: parsed.data };
  return {
    ok: false,
    error: {
      error: 'invalid request body',
      issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
    },
  };
}
