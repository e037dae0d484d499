import { describe, expect, it } from 'vitest';
import { useCliEnvironment } from '../test-support/cli.js';
import { testBackends } from '../test-support/databases.js';

for (const backend of testBackends) {
  describe(`twofold group on ${backend.name}`, () => {
    const { run } = useCliEnvironment(backend, { prefix: 'twofold-group-cli-' });

    async function json(args: string[]) {
      const result = await run([...args, '--json']);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout);
    }

    it('creates a group, adds and removes members by email, and lists groups', async () => {
      await json(['tenant', 'create', 'acme']);
      await json(['user', 'create', 'ann@example.com', '--tenant', 'acme']);
      const created = await json([
        'group',
        'create',
        'Engineering',
        '--tenant',
        'acme',
        '--description',
        'Builders',
      ]);
      expect(created).toMatchObject({ tenant: 'acme', name: 'Engineering', description: 'Builders' });
      expect(
        await json(['group', 'add-member', 'engineering', 'ANN@example.com', '--tenant', 'acme']),
      ).toMatchObject({
        group: 'Engineering',
        email: 'ann@example.com',
        changed: true,
      });
      const again = await run(['group', 'add-member', created.id, 'ann@example.com', '--tenant', 'acme']);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('already a member');
      const listed = await json(['group', 'list', '--tenant', 'acme']);
      expect(listed.groups).toEqual([
        { id: created.id, name: 'Engineering', description: 'Builders', members: 1 },
      ]);
      const human = await run(['group', 'list', '--tenant', 'acme']);
      expect(human.stdout).toContain('Engineering  1 member');
      expect(
        await json(['group', 'remove-member', 'Engineering', 'ann@example.com', '--tenant', 'acme']),
      ).toMatchObject({
        changed: true,
      });
    });

    it('refuses a taken name, an unknown group and an unknown user with one line each', async () => {
      await json(['tenant', 'create', 'acme']);
      await json(['group', 'create', 'Staff', '--tenant', 'acme']);
      const dup = await run(['group', 'create', 'STAFF', '--tenant', 'acme', '--json']);
      expect(dup.code).not.toBe(0);
      expect(JSON.parse(dup.stderr).error.code).toBe('group_exists');
      const noGroup = await run(['group', 'add-member', 'Nope', 'ann@example.com', '--tenant', 'acme']);
      expect(noGroup.code).not.toBe(0);
      expect(noGroup.stderr.trim().split('\n')).toEqual([
        "twofold: no group named 'Nope' in this tenant (group_not_found)",
      ]);
      const noUser = await run([
        'group',
        'add-member',
        'Staff',
        'nobody@example.com',
        '--tenant',
        'acme',
        '--json',
      ]);
      expect(JSON.parse(noUser.stderr).error.code).toBe('user_not_found');
    });
  });
}
