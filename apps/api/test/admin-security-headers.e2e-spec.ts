import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startTestApp, TestApp } from './harness';

const ADMIN_OUT = resolve(__dirname, '../../admin/out/index.html');

/** helmet's headers on the admin app's pages and files, and not on the API (see admin-security-headers.ts). */
(existsSync(ADMIN_OUT) ? describe : describe.skip)('security headers of the admin app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it.each(['/', '/login/', '/channels/', '/icon.svg'])(
    '%s carries CSP, nosniff, frame and referrer policies',
    async (path) => {
      const res = await t.http.get(path);
      expect(res.status).toBe(200);
      const csp = String(res.headers['content-security-policy']);
      for (const directive of [
        "default-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
      ])
        expect(csp).toContain(directive);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('same-origin');
      expect(res.headers['x-powered-by']).toBeUndefined();
    },
  );

  it('leaves the API answers alone', async () => {
    const res = await t.http.get('/api/status');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toBeUndefined();
  });
});
