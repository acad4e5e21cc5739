import type { Context, Hono } from 'hono';

/**
 * Asks this app's own JSON API from a page's handler (the form posts to the page; the page posts JSON to
 * the API), in process, with the caller's connection (`c.env`) so the API's per-client limits still see
 * the client. Returns the status and the parsed JSON body (null when the answer is not JSON).
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
    c.env,
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
