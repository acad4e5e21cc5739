export interface ApiOptions {
  /**
   * Shared secret for the /admin routes; without it they refuse every request. A function reads it at
   * request time (Secrets Manager in Lambda, cached briefly), so a rotated token takes effect without a
   * deploy.
   */
  adminToken?: string | undefined | (() => Promise<string | undefined>);
  /** Public base URL for links in mails and pages; by default the origin the request came to. */
  publicUrl?: string | undefined;
}
