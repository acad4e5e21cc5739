import { z } from 'zod';
import { discoverListing } from '../crawl/discover-walk.ts';
import { FetchError } from '../errors.ts';
import type { StageContext } from '../stages/context.ts';

/** `POST /admin/discover`: a portal's home page, http or https only. */
export const DiscoverRequest = z.object({
  url: z
    .url({ protocol: /^https?$/, error: 'expected the portal home page, an http or https URL' })
    .max(2000),
});

export type DiscoverAnswer =
  | { ok: true; proposal: Awaited<ReturnType<typeof discoverListing>> }
  | { ok: false; error: string; errorClass: string };

/**
 * What `nianbao discover` proposes for a portal (home page → 政府信息公开 → 年报 column, and a registry
 * entry read from the site's names), through the context's fetcher: the crawler's own SSRF guard
 * (loopback, private, link-local targets refused before any connection, redirects included), robots.txt,
 * politeness gate and size limits. Nothing is written. A page that cannot be walked answers why
 * (`errorClass`: the fetcher's classes, e.g. `unsafe-target`, `parse`, `http-4xx`).
 */
export async function discoverProposal(ctx: StageContext, url: string): Promise<DiscoverAnswer> {
  try {
    return { ok: true, proposal: await discoverListing(ctx.fetcher, url) };
  } catch (error) {
    if (error instanceof FetchError) return { ok: false, error: error.message, errorClass: error.errorClass };
    throw error;
  }
}
