/** `twofold user create|tap|set-password` and `twofold setup-link`. */
import { TwofoldError } from '@twofold/core';
import { Option } from 'commander';
import { operatorActor } from '../audit/audit-log.js';
import { roles } from '../users/roles.js';
import { iso } from './kit.js';
import { readAll } from './output.js';

function positiveInt(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value))
      throw new TwofoldError('validation_failed', `${name}: must be a whole number, got '${value}'`);
    return Number(value);
  };
}

import type { CommandGroup } from './kit.js';
import { addUserImportCommand } from './user-import-command.js';

export const userCommands: CommandGroup = (program, kit) => {
  const user = program.command('user').description('Manage users.');
  addUserImportCommand(user, kit);
  kit.leaf(
    user
      .command('create <email>')
      .description('Create a user.')
      .requiredOption('--tenant <slug>', 'tenant slug')
      .option('--name <text>', 'display name')
      .addOption(new Option('--role <role>', 'admin role').choices([...roles]))
      .option('--password-stdin', 'read the password from standard input'),
    async (
      out,
      email: string,
      opts: { tenant: string; name?: string; role?: string; passwordStdin?: boolean },
    ) => {
      const password = opts.passwordStdin ? await readAll(kit.ctx.io.stdin) : undefined;
      await kit.withRuntime(out, async (runtime) => {
        const t = await runtime.services.tenants.getBySlug(opts.tenant);
        const created = await runtime.services.users.create(
          { tenantId: t.id, email, displayName: opts.name, roles: opts.role ? [opts.role] : [], password },
          operatorActor,
        );
        out.result(
          {
            id: created.id,
            tenant: t.slug,
            email: created.email,
            displayName: created.displayName,
            roles: created.roles,
            hasPassword: created.hasPassword,
          },
          () => [
            `Created user ${created.email} in '${t.slug}'${created.roles.length ? ` with role ${created.roles.join(', ')}` : ''}.`,
            ...(created.hasPassword
              ? []
              : ['No password set: give them a Temporary Access Pass with `twofold user tap`.']),
          ],
        );
      });
    },
  );
  kit.leaf(
    user
      .command('set-password <email>')
      .description(
        "Set a user's password (read from standard input): their sessions, application grants and pass end, and they get an email.",
      )
      .requiredOption('--tenant <slug>', 'tenant slug')
      .option(
        '--password-stdin',
        'read the password from standard input (required: never on the command line)',
      ),
    async (out, email: string, opts: { tenant: string; passwordStdin?: boolean }) => {
      if (!opts.passwordStdin) {
        throw new TwofoldError(
          'validation_failed',
          '--password-stdin: give the password on standard input, never as an argument (it would stay in the shell history)',
        );
      }
      const password = await readAll(kit.ctx.io.stdin);
      await kit.withRuntime(out, async (runtime) => {
        const done = await runtime.services.admin.setPasswordByOperator({
          tenantSlug: opts.tenant,
          email,
          password,
        });
        out.result({ ...done, email, tenant: opts.tenant }, () => [
          `Password set for ${email} in '${opts.tenant}'.`,
          `Ended ${done.revokedSessions} session(s) and ${done.revokedPasses} Temporary Access Pass(es); the user was emailed.`,
        ]);
      });
    },
  );

  kit.leaf(
    user
      .command('tap <email>')
      .description('Issue a Temporary Access Pass (replaces an older one).')
      .requiredOption('--tenant <slug>', 'tenant slug')
      .option('--minutes <n>', 'lifetime in minutes (10 to 43200)', positiveInt('--minutes'), 60)
      .option('--reusable', 'usable more than once until it expires')
      .option('--reason <text>', 'why, for the audit log'),
    async (
      out,
      email: string,
      opts: { tenant: string; minutes: number; reusable?: boolean; reason?: string },
    ) => {
      await kit.withRuntime(out, async (runtime) => {
        const t = await runtime.services.tenants.getBySlug(opts.tenant);
        const u = await runtime.services.users.findByEmail(t.id, email);
        if (!u) throw new TwofoldError('user_not_found', `no user '${email}' in tenant '${t.slug}'`);
        const issued = await runtime.services.passes.issue(
          {
            tenantId: t.id,
            userId: u.id,
            lifetimeMinutes: opts.minutes,
            reusable: opts.reusable === true,
            reason: opts.reason,
            issuerRole: 'operator',
          },
          operatorActor,
        );
        out.result({ pass: issued.pass, expiresAt: iso(issued.expiresAt), reusable: issued.reusable }, () => [
          `Temporary Access Pass for ${u.email} (${issued.reusable ? 'reusable' : 'one-time'}, valid until ${iso(issued.expiresAt)}):`,
          `  ${issued.pass}`,
        ]);
      });
    },
  );

  kit.leaf(
    program
      .command('setup-link')
      .description(
        "Issue a new one-time setup link for a tenant's first global admin (older links stop working).",
      )
      .requiredOption('--tenant <slug>', 'tenant slug'),
    async (out, opts: { tenant: string }) => {
      await kit.withRuntime(out, async (runtime) => {
        const t = await runtime.services.tenants.getBySlug(opts.tenant);
        const link = await runtime.services.setup.issueLink(t, runtime.config.publicUrl, operatorActor);
        out.result({ setupUrl: link.setupUrl, expiresAt: iso(link.expiresAt) }, () => [
          `One-time setup link for '${t.slug}' (valid until ${iso(link.expiresAt)}):`,
          `  ${link.setupUrl}`,
        ]);
      });
    },
  );
};
