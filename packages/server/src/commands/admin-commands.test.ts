import { describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { buildApp } from '../http/app.js';
import { createBrowserClient } from '../test-support/browser-client.js';
import { useCliEnvironment } from '../test-support/cli.js';
import { testBackends } from '../test-support/databases.js';

for (const backend of testBackends) {
  describe(`operator admin commands on ${backend.name}`, () => {
    const { run, withRuntime } = useCliEnvironment(backend, {
      prefix: 'twofold-admin-cli-',
      env: { TWOFOLD_PUBLIC_URL: 'https://mfa.example.com', TWOFOLD_LOG_LEVEL: 'silent' },
    });

    it('recover-admin gets a locked-out sole global admin back in, audited, and tells the other admins', async () => {
      expect(
        (await run(['tenant', 'create', 'acme', '--name', 'Acme', '--admin', 'root@acme.test'])).code,
      ).toBe(0);
      expect(
        (await run(['user', 'create', 'desk@acme.test', '--tenant', 'acme', '--role', 'helpdesk'])).code,
      ).toBe(0);
      expect((await run(['user', 'create', 'ann@acme.test', '--tenant', 'acme'])).code).toBe(0);
      // The sole global admin has failed a second factor 100 times: only an admin could unlock them.
      await withRuntime(async (runtime) => {
        await runtime.database.db
          .updateTable('users')
          .set({ mfa_failures: 100 })
          .where('email', '=', 'root@acme.test')
          .execute();
      });

      const noReason = await run(['recover-admin', '--tenant', 'acme', '--email', 'root@acme.test']);
      expect(noReason.code).not.toBe(0);
      expect(noReason.stderr).toMatch(/--reason/);
      const notAdmin = await run([
        'recover-admin',
        '--tenant',
        'acme',
        '--email',
        'ann@acme.test',
        '--reason',
        'x',
        '--json',
      ]);
      expect(notAdmin.code).not.toBe(0);
      expect(JSON.parse(notAdmin.stderr).error.code).toBe('forbidden');
      const tooLong = await run([
        'recover-admin',
        '--tenant',
        'acme',
        '--email',
        'root@acme.test',
        '--reason',
        'x',
        '--minutes',
        '120',
      ]);
      expect(tooLong.code).not.toBe(0);
      expect(tooLong.stderr).toMatch(/10 to 60 minutes/);

      const done = await run([
        'recover-admin',
        '--tenant',
        'acme',
        '--email',
        'root@acme.test',
        '--reason',
        'ticket 99: admin lost phone',
        '--json',
      ]);
      expect(done.code, done.stderr).toBe(0);
      const recovered = JSON.parse(done.stdout);
      expect(recovered).toMatchObject({
        tenant: 'acme',
        email: 'root@acme.test',
        signInUrl: 'https://mfa.example.com/t/acme/sign-in',
        notified: ['desk@acme.test'],
      });
      const human = await run([
        'recover-admin',
        '--tenant',
        'acme',
        '--email',
        'root@acme.test',
        '--reason',
        'again',
      ]);
      expect(human.stdout).toMatch(/One-time Temporary Access Pass for root@acme\.test/);

      await withRuntime(async (runtime) => {
        const tenant = await runtime.services.tenants.getBySlug('acme');
        // The newest pass replaced the first one; sign in with the one printed last.
        const pass = human.stdout.split('\n')[1]?.trim() ?? '';
        expect(Date.parse(recovered.expiresAt) - Date.now()).toBeLessThanOrEqual(60 * 60_000);
        const app = await buildApp({ runtime });
        try {
          const browser = createBrowserClient(app, 'https://mfa.example.com');
          const first = await browser.post('/t/acme/api/v1/sign-in', {
            username: 'root@acme.test',
            temporaryAccessPass: pass,
          });
          expect(first.statusCode, first.body).toBe(200);
          expect(['signed_in', 'registration_required']).toContain(first.json().status);
          const reuse = await createBrowserClient(app).post('/t/acme/api/v1/sign-in', {
            username: 'root@acme.test',
            temporaryAccessPass: pass,
          });
          expect(reuse.statusCode).toBeGreaterThanOrEqual(400);
        } finally {
          await app.close();
        }
        const events = await runtime.database.db
          .selectFrom('audit_events')
          .selectAll()
          .where('action', '=', 'break_glass.recover_admin')
          .orderBy('at')
          .execute();
        expect(events).toHaveLength(2);
        expect(events[0]).toMatchObject({
          actor_type: 'operator',
          tenant_id: tenant.id,
          reason: 'ticket 99: admin lost phone',
        });
        expect(JSON.parse(events[0]?.details ?? '{}')).toMatchObject({
          lifetimeMinutes: 60,
          notified: ['desk@acme.test'],
        });
        const mail = await runtime.services.outbox.list(tenant.id);
        expect(mail).toHaveLength(2);
        expect(mail[0]).toMatchObject({ channel: 'email', recipient: 'desk@acme.test', status: 'pending' });
        expect(mail[0]?.subject).toMatch(/Break-glass recovery of admin root@acme\.test/);
        expect(mail.map((m) => m.body).join('\n')).not.toContain(pass);
      });
    });

    it('user require-reregistration works from the shell', async () => {
      await run(['tenant', 'create', 'acme']);
      await run(['user', 'create', 'ann@acme.test', '--tenant', 'acme']);
      await withRuntime(async (runtime) => {
        const tenant = await runtime.services.tenants.getBySlug('acme');
        const ann = await runtime.services.users.findByEmail(tenant.id, 'ann@acme.test');
        await runtime.services.totp.register(
          { tenantId: tenant.id, userId: ann?.id ?? '', type: 'totp' },
          operatorActor,
        );
      });
      const missing = await run(['user', 'require-reregistration', 'ann@acme.test', '--tenant', 'acme']);
      expect(missing.code).not.toBe(0);
      const done = await run([
        'user',
        'require-reregistration',
        'ann@acme.test',
        '--tenant',
        'acme',
        '--reason',
        'new phone',
        '--json',
      ]);
      expect(done.code, done.stderr).toBe(0);
      expect(JSON.parse(done.stdout)).toMatchObject({ email: 'ann@acme.test', deletedMethods: 1 });
      await withRuntime(async (runtime) => {
        const tenant = await runtime.services.tenants.getBySlug('acme');
        expect(
          (await runtime.services.users.findByEmail(tenant.id, 'ann@acme.test'))?.registrationRequired,
        ).toBe(true);
      });
    });
  });
}
