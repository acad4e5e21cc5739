import { bodyInScope } from '../domain/body.ts';
import type { ReadContext } from './context.ts';
import type { PublicFinding } from './types.ts';
import { yearsOfBodies } from './years.ts';

/**
 * The public findings of every body in `scope` (`*`, a division code or a body id), newest first (by
 * when each was first known, then by id for a stable order), at most `limit`. Report findings and the
 * sweep's public decisions (deadline.missing and its follow-ups); admin-only findings are never listed.
 */
export async function scopeFindings(ctx: ReadContext, scope: string, limit = 100): Promise<PublicFinding[]> {
  const bodies = [...ctx.registry.values()].filter((b) => bodyInScope(b, scope));
  const years = await yearsOfBodies(ctx, bodies);
  const all = [...years.values()].flatMap((b) => b.years.flatMap((y) => y.findings));
  all.sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return all.slice(0, limit);
}
