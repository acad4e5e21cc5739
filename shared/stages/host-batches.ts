import type { Body } from '../domain/body.ts';

/** The origin a body's listing is on: the unit of politeness (one request in flight, a delay between). */
export const originOf = (body: Body): string => new URL(body.listingUrl).origin;

/**
 * The most body ids one host's batch carries (MAX_BATCH_IDS) and the most bytes their JSON takes
 * (BATCH_IDS_MAX_BYTES): a host past either is the one case cut into consecutive batches, which the
 * crawl-batch queue may hand to invocations running at once (README, "Not done yet"). The bytes stay under
 * SQS's 1 MiB message limit, which the crawl-batch queue is created with (infra/constructs/crawl.ts), with
 * room for the message's other fields. 20,000 bodies is far past any portal the registry knows (a
 * province's 集约化 platform hosts a few thousand).
 */
export const MAX_BATCH_IDS = 20_000;
export const BATCH_IDS_MAX_BYTES = 960 * 1024;

/** Bytes an id adds to a JSON array of ids (ids are ASCII, Body's schema): its quotes and a comma. */
const idBytes = (id: string): number => id.length + 3;

/**
 * Bodies grouped by portal origin, in registry order, packed into batches of at most `size` bodies (and
 * `maxBytes` of ids' JSON) without ever splitting a host: a host with more than `size` bodies is a batch of its own, larger than
 * `size`, so one invocation walks it (one request in flight there) and hands what it has no time for on
 * in one message (crawl-hosts.ts). Only a host past MAX_BATCH_IDS or BATCH_IDS_MAX_BYTES (`maxBytes`)
 * is cut. Pure.
 */
export function hostBatches(
  bodies: readonly Body[],
  size: number,
  maxBytes: number = BATCH_IDS_MAX_BYTES,
): string[][] {
  const hosts = new Map<string, string[]>();
  for (const b of bodies) {
    const ids = hosts.get(originOf(b)) ?? [];
    ids.push(b.id);
    hosts.set(originOf(b), ids);
  }
  const batches: string[][] = [];
  let current: string[] = [];
  let currentBytes = 2;
  const flush = () => {
    if (current.length > 0) batches.push(current);
    current = [];
    currentBytes = 2;
  };
  for (const ids of hosts.values()) {
    const bytes = ids.reduce((n, id) => n + idBytes(id), 0);
    if (ids.length > size || 2 + bytes > maxBytes) {
      // A big host alone, whole (cut only past the message's limits).
      flush();
      batches.push(...cutToLimits(ids, maxBytes));
      continue;
    }
    if (current.length + ids.length > size || currentBytes + bytes > maxBytes) flush();
    current.push(...ids);
    currentBytes += bytes;
  }
  flush();
  return batches;
}

/** `ids` in consecutive parts of at most MAX_BATCH_IDS ids and `maxBytes` bytes of JSON (at least one id each). */
function cutToLimits(ids: readonly string[], maxBytes: number): string[][] {
  const parts: string[][] = [];
  let part: string[] = [];
  let bytes = 2;
  for (const id of ids) {
    if (part.length > 0 && (part.length >= MAX_BATCH_IDS || bytes + idBytes(id) > maxBytes)) {
      parts.push(part);
      part = [];
      bytes = 2;
    }
    part.push(id);
    bytes += idBytes(id);
  }
  if (part.length > 0) parts.push(part);
  return parts;
}
