export interface RateLimits {
  /** Requests per client per minute on the public routes (default 600). */
  publicPerMinute: number;
  /** Requests per client per minute on /admin routes (default 60). */
  adminPerMinute: number;
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
