import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useCliEnvironment } from '../test-support/cli.js';
import { testBackends } from '../test-support/databases.js';

for (const backend of testBackends) {
  describe(`the twofold command on ${backend.name}`, () => {
    const { dataDir, run, json, withRuntime } = useCliEnvironment(backend, {
      prefix: 'twofold-cli-',
      env: { TWOFOLD_PUBLIC_URL: 'https://mfa.example.com' },
    });

    it('migrate applies migrations with progress and reports them', async () => {
      const first = await run(['migrate']);
      expect(first.code).toBe(0);
      expect(first.stderr).toMatch(/migrating \[#+\.*\] 1\/\d+ 0001-initial/);
      expect(first.stdout).toMatch(/^applied +0001-initial/m);
      const status = (await json(['migrate', '--status'])) as {
        migrations: { name: string; appliedAt: string }[];
      };
      expect(status.migrations[0]).toMatchObject({ name: '0001-initial', appliedAt: expect.any(String) });
    });

    it('tenant create --admin creates a global admin and a one-time pass that works once', async () => {
      const created = (await json([
        'tenant',
        'create',
        'acme',
        '--name',
        'Acme Corp',
        '--admin',
        'boss@acme.test',
      ])) as {
        slug: string;
        admin: { email: string; temporaryAccessPass: string; expiresAt: string };
      };
      expect(created).toMatchObject({
        slug: 'acme',
        name: 'Acme Corp',
        signInUrl: 'https://mfa.example.com/t/acme/sign-in',
      });
      expect(created.admin.temporaryAccessPass).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
      await withRuntime(async (runtime) => {
        const tenant = await runtime.services.tenants.getBySlug('acme');
        const admin = await runtime.services.users.findByEmail(tenant.id, 'boss@acme.test');
        expect(admin?.roles).toEqual(['global-admin']);
        expect(
          await runtime.services.passes.redeem(tenant.id, created.admin.temporaryAccessPass),
        ).toMatchObject({ userId: admin?.id });
        expect(
          await runtime.services.passes.redeem(tenant.id, created.admin.temporaryAccessPass),
        ).toBeUndefined();
      });
      const list = (await json(['tenant', 'list'])) as { slug: string }[];
      expect(list.map((t) => t.slug)).toEqual(['acme']);
      const human = await run(['tenant', 'list']);
      expect(human.stdout).toMatch(/^acme +Acme Corp$/m);
    });

    it('user create reads the password from stdin, and user tap prints { pass, expiresAt }', async () => {
      await json(['tenant', 'create', 'acme']);
      const user = await json(
        ['user', 'create', 'Ann@Acme.test', '--tenant', 'acme', '--name', 'Ann', '--password-stdin'],
        'a long passphrase\n',
      );
      expect(user).toMatchObject({
        email: 'Ann@Acme.test',
        displayName: 'Ann',
        roles: [],
        hasPassword: true,
      });
      await withRuntime(async (runtime) => {
        const tenant = await runtime.services.tenants.getBySlug('acme');
        expect(
          await runtime.services.users.verifyPassword(tenant.id, 'ann@acme.test', 'a long passphrase'),
        ).toBeDefined();
        expect(
          await runtime.services.users.verifyPassword(tenant.id, 'ann@acme.test', 'a long passphrase\n'),
        ).toBeUndefined();
      });
      const tap = (await json([
        'user',
        'tap',
        'ann@acme.test',
        '--tenant',
        'acme',
        '--minutes',
        '30',
        '--reusable',
      ])) as Record<string, unknown>;
      expect(Object.keys(tap).sort()).toEqual(['expiresAt', 'pass', 'reusable']);
      expect(tap['reusable']).toBe(true);
    });

    it('user set-password sets it from stdin only, with the password rules; the user is emailed', async () => {
      await json(['tenant', 'create', 'acme']);
      await json(
        ['user', 'create', 'ann@acme.test', '--tenant', 'acme', '--password-stdin'],
        'a long passphrase\n',
      );
      const refused = await run(['user', 'set-password', 'ann@acme.test', '--tenant', 'acme']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/--password-stdin/);
      const common = await run(
        ['user', 'set-password', 'ann@acme.test', '--tenant', 'acme', '--password-stdin', '--json'],
        'password123\n',
      );
      expect(common.code).not.toBe(0);
      expect(common.stderr).toMatch(/password_too_common/);
      const done = await json(
        ['user', 'set-password', 'ann@acme.test', '--tenant', 'acme', '--password-stdin'],
        'tangerine otter quilt\n',
      );
      expect(done).toMatchObject({ email: 'ann@acme.test', revokedSessions: 0, revokedPasses: 0 });
      await withRuntime(async (runtime) => {
        const tenant = await runtime.services.tenants.getBySlug('acme');
        expect(
          await runtime.services.users.verifyPassword(tenant.id, 'ann@acme.test', 'tangerine otter quilt'),
        ).toBeDefined();
        const mail = await runtime.services.db
          .selectFrom('outbox_messages')
          .select(['recipient', 'purpose'])
          .where('purpose', '=', 'security_notice')
          .execute();
        expect(mail).toEqual([{ recipient: 'ann@acme.test', purpose: 'security_notice' }]);
      });
    });

    it('api-key create prints a tfk_ key once; only its hash is stored', async () => {
      await json(['tenant', 'create', 'acme']);
      const created = (await json([
        'api-key',
        'create',
        '--tenant',
        'acme',
        '--role',
        'helpdesk',
        '--name',
        'ticket bot',
      ])) as { key: string };
      expect(created).toMatchObject({
        tenant: 'acme',
        name: 'ticket bot',
        role: 'helpdesk',
        key: expect.stringMatching(/^tfk_[A-Za-z0-9_-]{43}$/),
      });
      await withRuntime(async (runtime) => {
        expect(await runtime.services.apiKeys.authenticate(created.key)).toMatchObject({ role: 'helpdesk' });
        const rows = await runtime.database.db.selectFrom('api_keys').selectAll().execute();
        expect(JSON.stringify(rows)).not.toContain(created.key.slice(4));
      });
    });

    it('errors are one line on stderr (JSON with --json) with a non-zero exit', async () => {
      await json(['tenant', 'list']);
      const human = await run(['tenant', 'create', 'Bad_Slug']);
      expect(human.code).toBe(1);
      expect(human.stdout).toBe('');
      expect(human.stderr).toBe("twofold: tenant slug 'Bad_Slug': must be lowercase (tenant_slug_invalid)\n");
      const machine = await run(['tenant', 'create', 'Bad_Slug', '--json']);
      expect(machine.code).toBe(1);
      expect(JSON.parse(machine.stderr)).toEqual({
        error: { code: 'tenant_slug_invalid', message: "tenant slug 'Bad_Slug': must be lowercase" },
      });
      const missing = await run(['user', 'create', 'x@example.com', '--tenant', 'nope']);
      expect(missing.stderr).toBe("twofold: no tenant 'nope' (tenant_not_found)\n");
      const config = await run(['tenant', 'list'], '', { PORT: 'http' });
      expect(config.code).toBe(1);
      expect(config.stderr).toBe(
        "twofold: PORT: must be a whole number from 0 to 65535, got 'http' (config_invalid)\n",
      );
      const usage = await run(['tenant', 'frobnicate']);
      expect(usage.code).toBe(2);
      const role = await run(['api-key', 'create', '--tenant', 'acme', '--role', 'root']);
      expect(role.code).toBe(2);
      expect(role.stderr).toContain('Allowed choices are global-admin, authentication-admin, helpdesk');
      // A usage error is one line on stderr, not the whole help (issue 15, defect 7).
      const recover = await run(['recover-admin', '--tenant', 'acme', '--reason', 'locked out']);
      expect(recover.code).toBe(2);
      expect(recover.stderr).toBe(
        "twofold: required option '--email <email>' not specified (see --help) (validation_failed)\n",
      );
      const recoverJson = await run(['recover-admin', '--tenant', 'acme', '--json']);
      expect(JSON.parse(recoverJson.stderr)).toEqual({
        error: {
          code: 'validation_failed',
          message: "required option '--email <email>' not specified (see --help)",
        },
      });
    });

    it('rotate-key adds a key to the key file and re-seals every secret under it', async () => {
      await json(['tenant', 'list']);
      const before = readFileSync(join(dataDir(), 'secret-keys'), 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('#'));
      const report = (await json(['rotate-key'])) as {
        currentKeyId: string;
        resealed: number;
        retiredKeyIds: string[];
      };
      const after = readFileSync(join(dataDir(), 'secret-keys'), 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('#'));
      expect(after).toHaveLength(before.length + 1);
      expect(after.slice(1)).toEqual(before);
      expect(report.resealed).toBeGreaterThanOrEqual(1);
      expect(report.retiredKeyIds).toHaveLength(1);
      await withRuntime(async (runtime) => {
        const checks = await runtime.database.db.selectFrom('secret_key_checks').selectAll().execute();
        expect(checks.map((c) => c.kid)).toEqual([report.currentKeyId]);
        expect(checks[0]?.check_value.startsWith(`tf1.${report.currentKeyId}.`)).toBe(true);
      });
    });
  });
}

describe('the twofold bin from the repository root', () => {
  it('two `twofold migrate` processes at once on a new SQLite database both succeed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'twofold-migrate-'));
    const bin = new URL('../../bin/twofold.js', import.meta.url).pathname;
    try {
      const runs = await Promise.all(
        [1, 2].map(() =>
          promisify(execFile)(process.execPath, [bin, 'migrate', '--json'], {
            env: { ...process.env, TWOFOLD_DATA_DIR: dataDir, DATABASE_URL: '' },
          }),
        ),
      );
      for (const run of runs) {
        expect(
          JSON.parse(run.stdout).migrations.every((m: { appliedAt: string | null }) => m.appliedAt),
        ).toBe(true);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('runs `npx twofold` as a user would', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'twofold-bin-'));
    const root = new URL('../../../../', import.meta.url);
    try {
      const { stdout } = await promisify(execFile)('npx', ['twofold', 'tenant', 'create', 'acme', '--json'], {
        cwd: root,
        env: { ...process.env, TWOFOLD_DATA_DIR: dataDir, DATABASE_URL: '' },
      });
      expect(JSON.parse(stdout)).toMatchObject({ slug: 'acme' });
      const help = await promisify(execFile)('npx', ['twofold', '--help'], { cwd: root });
      for (const verb of ['serve', 'migrate', 'tenant', 'user', 'api-key', 'rotate-key'])
        expect(help.stdout).toContain(verb);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
