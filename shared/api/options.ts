import type { Body } from '../domain/body.ts';

export interface RateLimits {
  /** Requests per client per minute on the public routes (default 600). */
  publicPerMinute: number;
  /** Requests per client per minute on /admin routes (default 60). */
  adminPerMinute: number;
}

/** A dead-lettered message as the admins see it; `id` is stable while it stays dead-lettered. */
export interface DeadLetterView {
  id: string;
  queue: string;
  body: unknown;
  error: string;
  receiveCount: number;
}

/** The runtime's dead letters: listed and sent back to their queue (the embedded runtime provides it). */
export interface DeadLetterAccess {
  list(): Promise<DeadLetterView[]>;
  /** Sends the named letters (all when `ids` is absent) back to their queue; returns those requeued. */
  requeue(ids?: readonly string[]): Promise<string[]>;
}

/** Where registry entries are written (the local registry file, or the S3 registry in AWS). */
export interface RegistryWriter {
  /** Adds or replaces the entry with the body's id (already validated); returns whether it was new. */
  upsert(body: Body): Promise<{ created: boolean }>;
}

export interface ApiOptions {
  /**
   * Shared secret for the /admin routes (header `x-admin-token`), besides the hashed keys issued by
   * `nianbao admin-key create`. A function reads it at request time (Secrets Manager in Lambda, cached
   * briefly), so a rotated token takes effect without a deploy.
   */
  adminToken?: string | undefined | (() => Promise<string | undefined>);
  /**
   * Public base URL for links in mails, feeds and pages; by default the context's (NIANBAO_PUBLIC_URL, else
   * the local API). Never the request's Host header. A function is read per request (the local server
   * learns its port after listening).
   */
  publicUrl?: string | undefined | (() => string);
  /** Largest request body accepted, in bytes (default 64 KiB); larger: 413. */
  maxBodyBytes?: number | undefined;
  /** Dead letters of the runtime's queues (absent: the admin routes answer 501). */
  deadLetters?: DeadLetterAccess | undefined;
  /** Registry updates (absent: the admin route answers 501). */
  registry?: RegistryWriter | undefined;
  /** Per-client limits (counted in the table, so they hold across Lambda containers). */
  rateLimits?: Partial<RateLimits> | undefined;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { publicPerMinute: 600, adminPerMinute: 60 };
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** The base of absolute links: the configured public URL, without a trailing slash. */
export function publicBase(options: ApiOptions, fallback: string): string {
  const base =
    typeof options.publicUrl === 'function' ? options.publicUrl() : (options.publicUrl ?? fallback);
  return base.replace(/\/+$/, '');
}
