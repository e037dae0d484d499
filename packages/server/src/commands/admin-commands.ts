import { TwofoldError } from '@twofold/core';
import type { Command } from 'commander';
import { operatorActor } from '../audit/audit-log.js';
import { breakGlassMaxMinutes } from '../flows/admin/index.js';
import { type CommandGroup, iso } from './kit.js';

function minutesOption(value: string): number {
  if (!/^\d+$/.test(value))
    throw new TwofoldError('validation_failed', `--minutes: must be a whole number, got '${value}'`);
  return Number(value);
}

/**
 * The operator's admin verbs: `twofold recover-admin` (break-glass, spec flow 3) and
 * `twofold user require-reregistration` (spec flow 2 from the shell).
 */
export const adminCommands: CommandGroup = (program, kit) => {
  kit.leaf(
    program
      .command('recover-admin')
      .description(
        'Break-glass: give a locked-out admin a one-time Temporary Access Pass (at most 60 minutes). Audited; every other admin of the tenant is emailed.',
      )
      .requiredOption('--tenant <slug>', 'tenant slug')
      .requiredOption('--email <email>', "the admin's email")
      .requiredOption('--reason <text>', 'why (for the audit log and the email to the other admins)')
      .option(
        '--minutes <n>',
        `lifetime in minutes (10 to ${breakGlassMaxMinutes})`,
        minutesOption,
        breakGlassMaxMinutes,
      ),
    async (out, opts: { tenant: string; email: string; reason: string; minutes: number }) => {
      await kit.withRuntime(out, async (runtime) => {
        const recovered = await runtime.services.admin.recoverAdmin({
          tenantSlug: opts.tenant,
          email: opts.email,
          reason: opts.reason,
          minutes: opts.minutes,
          publicUrl: runtime.config.publicUrl,
        });
        out.result(
          {
            tenant: recovered.tenant,
            email: recovered.email,
            pass: recovered.pass,
            expiresAt: iso(recovered.expiresAt),
            signInUrl: recovered.signInUrl,
            notified: recovered.notified,
          },
          () => [
            `One-time Temporary Access Pass for ${recovered.email} (valid until ${iso(recovered.expiresAt)}):`,
            `  ${recovered.pass}`,
            `Sign in at ${recovered.signInUrl}`,
            recovered.notified.length
              ? `The other admins will be emailed: ${recovered.notified.join(', ')}.`
              : 'There is no other admin to email; the recovery is in the audit log.',
          ],
        );
      });
    },
  );

  const user = program.commands.find((c) => c.name() === 'user') as Command;
  kit.leaf(
    user
      .command('require-reregistration <email>')
      .description(
        "Delete the user's authenticator, TOTP and SMS methods, deactivate their hardware tokens and sign them out everywhere; their next sign-in registers a new method.",
      )
      .requiredOption('--tenant <slug>', 'tenant slug')
      .requiredOption('--reason <text>', 'why, for the audit log'),
    async (out, email: string, opts: { tenant: string; reason: string }) => {
      await kit.withRuntime(out, async (runtime) => {
        const { tenants, users, admin } = runtime.services;
        const tenant = await tenants.getBySlug(opts.tenant);
        const found = await users.findByEmail(tenant.id, email);
        if (!found) throw new TwofoldError('user_not_found', `no user '${email}' in tenant '${tenant.slug}'`);
        const result = await admin.requireReregistration({
          tenantId: tenant.id,
          userId: found.id,
          reason: opts.reason,
          actor: operatorActor,
        });
        out.result({ email: found.email, tenant: tenant.slug, ...result }, () => [
          `${found.email} will register a new method at their next sign-in.`,
          `Deleted ${result.deletedMethods} method(s), deactivated ${result.disabledHardwareTokens} hardware token(s), revoked ${result.revokedSessions} session(s).`,
        ]);
      });
    },
  );
};
