import type { Context, Hono } from 'hono';

/** Marks the env of a request a page's handler makes in process: a symbol no client can send. */
const INTERNAL_CALL = Symbol('nianbao.internal-call');

/**
 * Whether this request is a page's own call to the API (callApi), already counted by the rate limiter
 * as the page request that made it: one admin page view asks five lists, and is one request.
 */
export function isInternalCall(c: Context): boolean {
  return (c.env as Record<symbol, unknown> | undefined)?.[INTERNAL_CALL] === true;
}

/**
 * Asks this app's own JSON API from a page's handler (the form posts to the page; the page posts JSON to
 * the API), in process, with the caller's connection (`c.env`, so the API sees the same client), marked
 * internal: the page request was counted by the rate limiter, its calls are not counted again. Returns the status and the parsed JSON body (null when the answer is not JSON).
 */
export async function callApi(
  app: Hono,
  c: Context,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  options: { json?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown }> {
  const url = new URL(path, new URL(c.req.url).origin);
  const headers = new Headers(options.headers);
  for (const name of ['x-forwarded-for', 'user-agent', 'cf-connecting-ip']) {
    const value = c.req.header(name);
    if (value) headers.set(name, value);
  }
  if (options.json !== undefined) headers.set('content-type', 'application/json');
  const res = await app.fetch(
    new Request(url, {
      method,
      headers,
      ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
    }),
    { ...(c.env as object | undefined), [INTERNAL_CALL]: true },
  );
  const text = await res.text();
  try {
    return { status: res.status, body: text ? JSON.parse(text) : null };
  } catch {
    return { status: res.status, body: null };
  }
}

/** The API's error payload (`{ error, issues? }`) as a sentence and a list, whatever its shape. */
export function apiError(body: unknown): { message: string; issues: string[] } {
  const b = (body ?? {}) as { error?: unknown; issues?: unknown };
  return {
    message: typeof b.error === 'string' ? b.error : 'request failed',
    issues: Array.isArray(b.issues) ? b.issues.map(String) : [],
  };
}
