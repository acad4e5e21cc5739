/**
 * Errors as types. Retry behaviour is a property of the error, so queues and the crawler decide
 * by `retryable`, never by matching messages. Outcomes are mapped in one place: `errorClass()`.
 */
export class NianbaoError extends Error {
  readonly retryable: boolean = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ConfigError extends NianbaoError {}

export class RegistryError extends NianbaoError {
  constructor(
    message: string,
    readonly position: number,
    readonly entryId: string | null,
  ) {
    super(message);
  }
}

export class ValidationError extends NianbaoError {
  constructor(
    message: string,
    readonly issues: readonly string[],
  ) {
    super(message);
  }
}

export type FetchErrorClass =
  | 'timeout'
  | 'http-4xx'
  | 'http-5xx'
  | 'rate-limited'
  | 'blocked'
  | 'robots-denied'
  | 'dns'
  | 'network'
  | 'too-large'
  | 'redirects'
  | 'parse'
  /** A target in a private, loopback, link-local… range (SSRF guard): see UnsafeTargetError. */
  | 'unsafe-target'
  /** A Content-Encoding we cannot decode, or compressed bytes that do not decode. */
  | 'content-encoding';

export class FetchError extends NianbaoError {
  constructor(
    message: string,
    readonly url: string,
    readonly errorClass: FetchErrorClass,
    readonly status: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Timeouts, resets and 5xx: worth another try after a backoff. */
export class RetryableFetchError extends FetchError {
  override readonly retryable: boolean = true;
  constructor(
    message: string,
    url: string,
    errorClass: FetchErrorClass,
    status: number | null = null,
    readonly retryAfterMs: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, url, errorClass, status, options);
  }
}

/** An anti-bot wall (瑞数 412 + $_ts, 加速乐 521 + X-Via-JSL): retry with the browser, never "no report". */
export class BlockedByWafError extends FetchError {
  constructor(
    message: string,
    url: string,
    status: number | null,
    readonly waf: 'ruishu' | 'jiasule' | 'unknown',
  ) {
    super(message, url, 'blocked', status);
  }
}

export class RobotsDeniedError extends FetchError {
  constructor(url: string) {
    super(`robots.txt disallows ${url}`, url, 'robots-denied');
  }
}

/**
 * A URL whose host is, or resolves to, an address no portal has: loopback, private (RFC 1918),
 * link-local (the cloud metadata service at 169.254.169.254), CGNAT, multicast, reserved… (the
 * special-purpose registries of RFC 6890). Refused before any connection to it; never retried: the same
 * link on the next cycle is refused again.
 */
export class UnsafeTargetError extends FetchError {
  constructor(
    url: string,
    /** The host as the URL named it, or the address it resolved to. */
    readonly host: string,
    /** Why, in words: `link-local`, `loopback`, `private`… */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`refused ${url}: ${host} is ${reason}`, url, 'unsafe-target', null, options);
  }
}

/**
 * Our own machinery failed (Chromium would not launch, its proxy would not listen): our fault, not the
 * portal's. Retried and dead-lettered like any transient fault, and never recorded against a body's
 * health (docs/architecture.md: "our faults are not the portal's"). Not a FetchError on purpose.
 */
export class InfrastructureError extends NianbaoError {
  override readonly retryable: boolean = true;
  constructor(
    message: string,
    /** What failed: `chromium`, `browser-proxy`… */
    readonly component: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isInfrastructureError(error: unknown): error is InfrastructureError {
  return error instanceof InfrastructureError;
}

/**
 * Maps any error to the health class recorded for a body. `'infrastructure'` is not a portal class:
 * a caller that sees it should retry or dead-letter the work and leave the body's health alone.
 */
export function errorClass(error: unknown): FetchErrorClass | 'infrastructure' {
  if (error instanceof FetchError) return error.errorClass;
  if (error instanceof InfrastructureError) return 'infrastructure';
  return 'network';
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
