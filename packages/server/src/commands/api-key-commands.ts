/** `twofold api-key create`. */
import { Option } from 'commander';
import { apiKeyRoles } from '../api-keys/api-key-service.js';
import { operatorActor } from '../audit/audit-log.js';
import type { CommandGroup } from './kit.js';

export const apiKeyCommands: CommandGroup = (program, kit) => {
  const apiKey = program.command('api-key').description('Manage API keys for the admin API.');
  kit.leaf(
    apiKey
      .command('create')
      .description('Create an API key; it is printed once and stored hashed.')
      .requiredOption('--tenant <slug>', 'tenant slug')
      .addOption(
        new Option('--role <role>', 'role the key acts with (provisioning: SCIM only)')
          .choices([...apiKeyRoles])
          .makeOptionMandatory(),
      )
      .option('--name <text>', 'what the key is for'),
    async (out, opts: { tenant: string; role: string; name?: string }) => {
      await kit.withRuntime(out, async (runtime) => {
        const t = await runtime.services.tenants.getBySlug(opts.tenant);
        const { apiKey: created, key } = await runtime.services.apiKeys.create(
          { tenantId: t.id, role: opts.role, name: opts.name },
          operatorActor,
        );
        out.result({ id: created.id, tenant: t.slug, name: created.name, role: created.role, key }, () => [
          `API key '${created.name}' (${created.role}) for '${t.slug}'. It is shown only now:`,
          `  ${key}`,
        ]);
      });
    },
  );
};
