import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { testBackends } from '../../test-support/databases.js';

for (const backend of testBackends) {
  describe(`first start and the setup link on ${backend.name}`, () => {
    let t: TestApp;
    let token: string;
    beforeAll(async () => {
      t = await createTestApp(backend);
      const first = await t.runtime.services.setup.bootstrap('https://mfa.example.com');
      expect(first?.setupUrl).toMatch(
        /^https:\/\/mfa\.example\.com\/t\/default\/setup#token=tfs_[A-Za-z0-9_-]{43}$/,
      );
      token = first?.setupUrl.split('#token=')[1] ?? '';
      // Printed once: a second start finds the tenant and prints nothing.
      expect(await t.runtime.services.setup.bootstrap('https://mfa.example.com')).toBeUndefined();
    });
    afterAll(async () => {
      await t?.close();
    });

    it('serves the setup page for the tenant, from the one front-end build', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/t/default/setup' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('<title>Set up · Twofold</title>');
      expect(res.body).toMatch(
        /<script type="module" crossorigin src="\/web\/assets\/setup-[\w-]+\.js"><\/script>/,
      );
      expect(res.body).not.toMatch(/<script>(?!<)/);
      expect((await t.app.inject({ method: 'GET', url: '/t/nosuch/setup' })).statusCode).toBe(404);
    });

    it('rejects a wrong token without creating anyone', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/t/default/api/v1/setup',
        payload: { token: 'tfs_wrong', email: 'root@example.com', password: 'correct horse battery' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('setup_token_invalid');
      const tenant = await t.runtime.services.tenants.getBySlug('default');
      expect(await t.runtime.services.users.findByEmail(tenant.id, 'root@example.com')).toBeUndefined();
    });

    it('a too-short password is refused and the link stays usable', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/t/default/api/v1/setup',
        payload: { token, email: 'root@example.com', password: 'short' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('validation_failed');
    });

    const linkState = async (value: string) =>
      (
        await t.app.inject({ method: 'POST', url: '/t/default/api/v1/setup/link', payload: { token: value } })
      ).json();

    it('creates the first global admin once; a used link says so, so the page shows no form (issue 15, defect 7)', async () => {
      expect(await linkState(token)).toEqual({
        state: 'ready',
        signInUrl: 'http://localhost:8080/t/default/sign-in',
      });
      expect((await linkState('tfs_wrong')).state).toBe('unknown');
      const res = await t.app.inject({
        method: 'POST',
        url: '/t/default/api/v1/setup',
        payload: { token, email: 'Root@Example.com', displayName: 'Root', password: 'correct horse battery' },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        user: { email: 'Root@Example.com', displayName: 'Root', roles: ['global-admin'] },
        signInUrl: 'http://localhost:8080/t/default/sign-in',
      });
      const again = await t.app.inject({
        method: 'POST',
        url: '/t/default/api/v1/setup',
        payload: { token, email: 'other@example.com', password: 'correct horse battery' },
      });
      expect(again.statusCode).toBe(400);
      expect(again.json().code).toBe('setup_token_invalid');
      const tenant = await t.runtime.services.tenants.getBySlug('default');
      const admin = await t.runtime.services.users.verifyPassword(
        tenant.id,
        'root@example.com',
        'correct horse battery',
      );
      expect(admin?.roles).toEqual(['global-admin']);
      expect(await linkState(token)).toEqual({
        state: 'used',
        signInUrl: 'http://localhost:8080/t/default/sign-in',
      });
    });
  });
}
