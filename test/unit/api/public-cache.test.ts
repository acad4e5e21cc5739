import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { noneMatch, publicCache } from '#shared/api/routes/public-cache.ts';

describe('If-None-Match (RFC 9110 §13.1.2)', () => {
  it('matches *, a listed tag, and a weak form of the tag; nothing else', () => {
    const tag = '"abc"';
    expect(noneMatch('*', tag)).toBe(true);
    expect(noneMatch('"abc"', tag)).toBe(true);
    expect(noneMatch('W/"abc"', tag)).toBe(true);
    expect(noneMatch('"x", W/"abc" , "y"', tag)).toBe(true);
    expect(noneMatch('"abcd"', tag)).toBe(false);
    expect(noneMatch('abc', tag)).toBe(false);
    expect(noneMatch('', tag)).toBe(false);
    expect(noneMatch(undefined, tag)).toBe(false);
  });
});

describe('publicCache()', () => {
  const app = new Hono();
  app.use('/r/*', publicCache());
  app.get('/r/ok', (c) => {
    c.header('x-kept', 'on 200 only');
    return c.json({ 中文: '年报' });
  });
  app.get('/r/missing', (c) => c.json({ error: 'no' }, 404));

  it('sends the bytes with a strong SHA-1 tag, answers 304 with the kept headers only, leaves errors alone', async () => {
    const first = await app.request('/r/ok');
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ 中文: '年报' });
    expect(first.headers.get('content-type')).toMatch(/application\/json/);
    expect(first.headers.get('x-kept')).toBe('on 200 only');
    const tag = first.headers.get('etag') as string;
    expect(tag).toMatch(/^"[0-9a-f]{40}"$/);
    const again = await app.request('/r/ok', { headers: { 'if-none-match': `W/${tag}` } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(tag);
    expect(again.headers.get('cache-control')).toBe('public, max-age=60');
    expect(again.headers.get('x-kept')).toBeNull();
    expect(again.headers.get('content-type')).toBeNull();
    const missing = await app.request('/r/missing');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('etag')).toBeNull();
  });
});
