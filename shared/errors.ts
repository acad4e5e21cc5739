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
  | 'parse';

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

/** Maps any error to the health class recorded for a body. */
export function errorClass(error: unknown): FetchErrorClass {
  if (error instanceof FetchError) return error.errorClass;
  return 'network';
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
