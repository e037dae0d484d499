/** `twofold group create|list|add-member|remove-member` (spec section 6). */
import { TwofoldError } from '@twofold/core';
import { operatorActor } from '../audit/audit-log.js';
import type { Runtime } from '../runtime.js';
import type { CommandGroup } from './kit.js';

/** A group by name (any case) or id. */
async function groupNamed(runtime: Runtime, tenantId: string, nameOrId: string) {
  const { groups } = runtime.services;
  const byName = await groups.findByName(tenantId, nameOrId);
  if (byName) return byName;
  return groups.get(tenantId, nameOrId).catch((error: unknown) => {
    if (error instanceof TwofoldError && error.code === 'group_not_found')
      throw new TwofoldError('group_not_found', `no group named '${nameOrId}' in this tenant`);
    throw error;
  });
}

async function userNamed(runtime: Runtime, tenantId: string, email: string) {
  const user = await runtime.services.users.findByEmail(tenantId, email);
  if (!user) throw new TwofoldError('user_not_found', `no user with email '${email}' in this tenant`);
  return user;
}

export const groupCommands: CommandGroup = (program, kit) => {
  const group = program
    .command('group')
    .description('Manage groups (applications see them in the groups claim).');
  kit.leaf(
    group
      .command('create <name>')
      .description('Create a group.')
      .requiredOption('--tenant <slug>', 'tenant slug')
      .option('--description <text>', 'what the group is for'),
    async (out, name: string, opts: { tenant: string; description?: string }) => {
      await kit.withRuntime(out, async (runtime) => {
        const t = await runtime.services.tenants.getBySlug(opts.tenant);
        const created = await runtime.services.groups.create(
          { tenantId: t.id, name, description: opts.description },
          operatorActor,
        );
        out.result(
          { id: created.id, tenant: t.slug, name: created.name, description: created.description },
          () => [`Created group '${created.name}' in '${t.slug}'.`],
        );
      });
    },
  );
  kit.leaf(
    group
      .command('list')
      .description('List the groups of a tenant with their member counts.')
      .requiredOption('--tenant <slug>', 'tenant slug'),
    async (out, opts: { tenant: string }) => {
      await kit.withRuntime(out, async (runtime) => {
        const t = await runtime.services.tenants.getBySlug(opts.tenant);
        const all = [];
        for (let offset = 0; ; ) {
          const page = await runtime.services.groups.list(t.id, { offset, limit: 500 });
          all.push(...page.groups);
          offset += page.groups.length;
          if (page.groups.length === 0 || offset >= page.total) break;
        }
        const groups = all.map((g) => ({
          id: g.id,
          name: g.name,
          description: g.description,
          members: g.memberCount,
        }));
        out.result({ tenant: t.slug, groups }, () =>
          groups.length === 0
            ? [`No groups in '${t.slug}'.`]
            : groups.map((g) => `${g.name}  ${g.members} member${g.members === 1 ? '' : 's'}  ${g.id}`),
        );
      });
    },
  );
  for (const verb of ['add-member', 'remove-member'] as const) {
    const adding = verb === 'add-member';
    kit.leaf(
      group
        .command(`${verb} <group> <email>`)
        .description(adding ? 'Add a user to a group (by name or id).' : 'Remove a user from a group.')
        .requiredOption('--tenant <slug>', 'tenant slug'),
      async (out, groupName: string, email: string, opts: { tenant: string }) => {
        await kit.withRuntime(out, async (runtime) => {
          const t = await runtime.services.tenants.getBySlug(opts.tenant);
          const g = await groupNamed(runtime, t.id, groupName);
          const user = await userNamed(runtime, t.id, email);
          const { groups } = runtime.services;
          const changed = adding
            ? await groups.addMember(t.id, g.id, user.id, operatorActor)
            : await groups.removeMember(t.id, g.id, user.id, operatorActor);
          out.result({ group: g.name, groupId: g.id, email: user.email, userId: user.id, changed }, () => [
            adding
              ? changed
                ? `Added ${user.email} to '${g.name}'.`
                : `${user.email} is already a member of '${g.name}'.`
              : changed
                ? `Removed ${user.email} from '${g.name}'.`
                : `${user.email} was not a member of '${g.name}'.`,
          ]);
        });
      },
    );
  }
};
