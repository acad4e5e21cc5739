import type { Body } from '../domain/body.ts';

/** The origin a body's listing is on: the unit of politeness (one request in flight, a delay between). */
export const originOf = (body: Body): string => new URL(body.listingUrl).origin;

/**
 * Bodies grouped by portal origin, in registry order, packed into batches of at most `size` bodies
 * without splitting a host (a host larger than `size` is cut into consecutive batches of its own, which
 * the crawl-batch queue may hand to invocations running at once: README, "Not done yet"). Pure.
 */
export function hostBatches(bodies: readonly Body[], size: number): string[][] {
  const hosts = new Map<string, string[]>();
  for (const b of bodies) {
    const ids = hosts.get(originOf(b)) ?? [];
    ids.push(b.id);
    hosts.set(originOf(b), ids);
  }
  const batches: string[][] = [];
  let current: string[] = [];
  for (const ids of hosts.values()) {
    if (current.length > 0 && current.length + ids.length > size) {
      batches.push(current);
      current = [];
    }
    for (let i = 0; i < ids.length; i += size) {
      const part = ids.slice(i, i + size);
      if (current.length + part.length > size) {
        batches.push(current);
        current = [];
      }
      current.push(...part);
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
