/** `twofold tenant create|list`. */
import { operatorActor } from '../audit/audit-log.js';
import type { CommandGroup } from './kit.js';
import { iso } from './kit.js';

export const tenantCommands: CommandGroup = (program, kit) => {
  const tenant = program.command('tenant').description('Create and list tenants.');
  kit.leaf(
    tenant
      .command('create <slug>')
      .description(
        'Create a tenant; with --admin, also its first global admin and a Temporary Access Pass for them.',
      )
      .option('--name <text>', 'display name (default: the slug)')
      .option('--admin <email>', 'create this global admin and print a pass for their first sign-in'),
    async (out, slug: string, opts: { name?: string; admin?: string }) => {
      await kit.withRuntime(out, async (runtime) => {
        const { tenants, users, passes } = runtime.services;
        const created = await tenants.create({ slug, name: opts.name }, operatorActor);
        let admin: { id: string; email: string; pass: string; expiresAt: number } | undefined;
        if (opts.admin) {
          const user = await users.create(
            { tenantId: created.id, email: opts.admin, roles: ['global-admin'] },
            operatorActor,
          );
          const issued = await passes.issue(
            {
              tenantId: created.id,
              userId: user.id,
              lifetimeMinutes: 60,
              reusable: false,
              reason: 'first global admin',
              issuerRole: 'operator',
            },
            operatorActor,
          );
          admin = { id: user.id, email: user.email, pass: issued.pass, expiresAt: issued.expiresAt };
        }
        const signInUrl = `${runtime.config.publicUrl}/t/${created.slug}/sign-in`;
        out.result(
          {
            id: created.id,
            slug: created.slug,
            name: created.name,
            signInUrl,
            ...(admin
              ? {
                  admin: {
                    id: admin.id,
                    email: admin.email,
                    temporaryAccessPass: admin.pass,
                    expiresAt: iso(admin.expiresAt),
                  },
                }
              : {}),
          },
          () => [
            `Created tenant '${created.slug}' (${created.name}).`,
            ...(admin
              ? [
                  `Global admin ${admin.email} can sign in once at ${signInUrl}`,
                  `with this Temporary Access Pass (shown only now, valid until ${iso(admin.expiresAt)}):`,
                  `  ${admin.pass}`,
                ]
              : []),
          ],
        );
      });
    },
  );
  kit.leaf(tenant.command('list').description('List tenants.'), async (out) => {
    await kit.withRuntime(out, async (runtime) => {
      const list = await runtime.services.tenants.list();
      out.result(
        list.map((t) => ({ id: t.id, slug: t.slug, name: t.name, createdAt: iso(t.createdAt) })),
        () => (list.length === 0 ? ['No tenants.'] : list.map((t) => `${t.slug.padEnd(24)} ${t.name}`)),
      );
    });
  });
};
