import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertsWorld, startAlertsWorld } from './alerts-support.ts';

/**
 * The subscribe form with a scope that covers no registered body (adversarial review of issue 15: it
 * answered 200 with 全国 preselected, one press from subscribing to every body).
 */
describe('GET /subscribe?scope=', () => {
  let w: AlertsWorld;
  beforeAll(async () => {
    w = await startAlertsWorld();
  });
  afterAll(async () => {
    await w?.close();
  });
  const get = (scope: string) => w.app.request(`/subscribe?scope=${encodeURIComponent(scope)}`);

  it('an unknown division, place without bodies or body id is a 404 page naming it, with the security headers', async () => {
    for (const scope of ['99', '110101', '360802-nope']) {
      const res = await get(scope);
      expect(res.status, scope).toBe(404);
      const body = await res.text();
      expect(body).toContain('没有这个范围');
      expect(body).toContain(scope);
      expect(res.headers.get('content-security-policy')).toBeTruthy();
    }
  });

  it('a very long scope is not echoed whole', async () => {
    const res = await get('1'.repeat(5000));
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('1'.repeat(100));
  });

  it('a known scope, and the whole country, still show the form with it chosen', async () => {
    for (const scope of ['360802', '36', '*']) {
      const res = await get(scope);
      expect(res.status, scope).toBe(200);
      expect(await res.text()).toContain(`value="${scope}" selected`);
    }
  });
});
