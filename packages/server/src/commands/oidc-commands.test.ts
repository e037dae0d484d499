import { describe, expect, it } from 'vitest';
import { useCliEnvironment } from '../test-support/cli.js';
import { testBackends } from '../test-support/databases.js';

for (const backend of testBackends) {
  describe(`twofold oidc-client and oidc-keys on ${backend.name}`, () => {
    const { run } = useCliEnvironment(backend, { prefix: 'twofold-oidc-cli-' });

    async function json(args: string[]) {
      const result = await run([...args, '--json']);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout);
    }

    it('creates, lists and deletes applications; the secret is printed once', async () => {
      await json(['tenant', 'create', 'acme']);
      const created = await json([
        'oidc-client',
        'create',
        '--tenant',
        'acme',
        '--redirect-uri',
        'https://wiki.example.com/callback',
        '--redirect-uri',
        'https://wiki.example.com/other',
        '--name',
        'Team wiki',
      ]);
      expect(created).toMatchObject({
        name: 'Team wiki',
        confidential: true,
        firstParty: true,
        redirectUris: ['https://wiki.example.com/callback', 'https://wiki.example.com/other'],
      });
      expect(created.clientId).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.clientSecret).toMatch(/^tfcs_/);
      expect(created.discoveryUrl).toMatch(/\/t\/acme\/\.well-known\/openid-configuration$/);

      const spa = await json([
        'oidc-client',
        'create',
        '--tenant',
        'acme',
        '--redirect-uri',
        'http://localhost:5173/callback',
        '--public',
        '--third-party',
      ]);
      expect(spa).toMatchObject({ name: 'localhost:5173', confidential: false, firstParty: false });
      expect(spa).not.toHaveProperty('clientSecret');

      const listed = await json(['oidc-client', 'list', '--tenant', 'acme']);
      expect(listed.clients.map((c: { clientId: string }) => c.clientId)).toEqual([
        created.clientId,
        spa.clientId,
      ]);
      expect(JSON.stringify(listed)).not.toContain(created.clientSecret);
      const human = await run(['oidc-client', 'list', '--tenant', 'acme']);
      expect(human.stdout).toContain('Team wiki  confidential');
      expect(human.stdout).toContain('public, third-party');

      expect(await json(['oidc-client', 'delete', created.clientId, '--tenant', 'acme'])).toEqual({
        deleted: created.clientId,
      });
      const again = await run(['oidc-client', 'delete', created.clientId, '--tenant', 'acme', '--json']);
      expect(again.code).not.toBe(0);
      expect(JSON.parse(again.stderr).error.code).toBe('oidc_client_not_found');
    });

    it('creates a service (--service) and an application with a back-channel logout URI', async () => {
      await json(['tenant', 'create', 'acme']);
      const service = await json([
        'oidc-client',
        'create',
        '--tenant',
        'acme',
        '--service',
        '--name',
        'Billing API',
      ]);
      expect(service).toMatchObject({
        name: 'Billing API',
        service: true,
        confidential: true,
        redirectUris: [],
      });
      expect(service.clientSecret).toMatch(/^tfcs_/);
      const wiki = await json([
        'oidc-client',
        'create',
        '--tenant',
        'acme',
        '--redirect-uri',
        'https://wiki.example.com/callback',
        '--backchannel-logout-uri',
        'https://wiki.example.com/callback?logout=backchannel',
      ]);
      expect(wiki).toMatchObject({
        service: false,
        backchannelLogoutUri: 'https://wiki.example.com/callback?logout=backchannel',
      });
      const human = await run(['oidc-client', 'list', '--tenant', 'acme']);
      expect(human.stdout).toContain('Billing API  service');
      // An application needs a redirect URI; a service may have none, nor a logout URI.
      const bare = await run(['oidc-client', 'create', '--tenant', 'acme', '--json']);
      expect(bare.code).not.toBe(0);
      expect(JSON.parse(bare.stderr).error.code).toBe('validation_failed');
      const mixed = await run([
        'oidc-client',
        'create',
        '--tenant',
        'acme',
        '--service',
        '--backchannel-logout-uri',
        'https://x.example.com/logout',
        '--json',
      ]);
      expect(JSON.parse(mixed.stderr).error.code).toBe('validation_failed');
    });

    it('refuses a redirect URI that is not exact and safe, naming it', async () => {
      await json(['tenant', 'create', 'acme']);
      const bad = await run([
        'oidc-client',
        'create',
        '--tenant',
        'acme',
        '--redirect-uri',
        'http://wiki.example.com/callback',
        '--json',
      ]);
      expect(bad.code).not.toBe(0);
      expect(JSON.parse(bad.stderr).error).toMatchObject({ code: 'validation_failed' });
      expect(bad.stderr).toContain('must use https');
    });

    it('rotates the signing key: the old one is retired, not deleted', async () => {
      await json(['tenant', 'create', 'acme']);
      const first = await json(['oidc-keys', 'rotate', '--tenant', 'acme']);
      expect(first.retired).toEqual([]);
      const second = await json(['oidc-keys', 'rotate', '--tenant', 'acme']);
      expect(second.retired).toEqual([first.kid]);
      expect(second.kid).not.toBe(first.kid);
      const human = await run(['oidc-keys', 'rotate', '--tenant', 'acme']);
      expect(human.stdout).toContain(`Retired (still published for 24 hours): ${second.kid}`);
    });
  });
}
