import { readFile } from 'node:fs/promises';
import type { Body } from '../domain/body.ts';
import { loadRegistry } from '../domain/registry.ts';
import type { RegistryError } from '../errors.ts';

/** Reads and validates the registry file; a malformed entry is reported and skipped, never fatal. */
export async function readRegistry(path: string): Promise<{ bodies: Body[]; errors: RegistryError[] }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read registry ${path}: ${(error as Error).message}`);
  }
  return loadRegistry(raw);
}
