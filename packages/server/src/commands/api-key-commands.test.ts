import { describe, expect, it } from 'vitest';
import { useCliEnvironment } from '../test-support/cli.js';
import { testBackends } from '../test-support/databases.js';

for (const backend of testBackends) {
  describe(`twofold api-key on ${backend.name}`, () => {
    const cli = useCliEnvironment(backend, { prefix: 'twofold-api-key-cli-' });

    it('creates a provisioning key for SCIM, which SCIM takes and the admin API refuses', async () => {
      expect((await cli.run(['tenant', 'create', 'acme'])).code).toBe(0);
      const created = await cli.run([
        'api-key',
        'create',
        '--tenant',
        'acme',
        '--role',
        'provisioning',
        '--json',
      ]);
      expect(created.code, created.stderr).toBe(0);
      const { key, role } = JSON.parse(created.stdout) as { key: string; role: string };
      expect(role).toBe('provisioning');
      await cli.withRuntime(async (runtime) => {
        const tenant = await runtime.services.tenants.getBySlug('acme');
        const context = await runtime.services.scim.authenticate(tenant, `Bearer ${key}`, '127.0.0.1');
        expect(context.actor.type).toBe('api_key');
      });
      const wrong = await cli.run(['api-key', 'create', '--tenant', 'acme', '--role', 'root']);
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toContain('provisioning');
    });
  });
}
