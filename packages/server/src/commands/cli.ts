import { TwofoldError } from '@twofold/core';
import { Command, CommanderError, Option } from 'commander';
import { operatorActor } from '../audit/audit-log.js';
import { type Config, loadConfig } from '../platform/config.js';
import { addKeyToFile } from '../platform/crypto/keyring.js';
import { createSealer } from '../platform/crypto/sealer.js';
import { listMigrations, migrateToLatest, openDatabase, sqlitePathFor } from '../platform/db/database.js';
import { createRuntime, loadKeyring, type Runtime } from '../runtime.js';
import { checkSecretKeys } from '../secrets/key-check.js';
import { resealAll } from '../secrets/reseal.js';
import { roles } from '../users/roles.js';
import { adminCommands } from './admin-commands.js';
import { auditCommands } from './audit-commands.js';
import { hardwareTokenCommands } from './hardware-token-commands.js';
import { type CliKit, type CommandGroup, type Context, iso } from './kit.js';
import { oidcCommands } from './oidc-commands.js';
import { type CommandIo, createOutput, type Output, progressLine, readAll, reportError } from './output.js';

/** Groups of verbs that live in their own files; each adds itself to the program. */
const commandGroups: readonly CommandGroup[] = [
  adminCommands,
  auditCommands,
  hardwareTokenCommands,
  oidcCommands,
];

/** Runs one command with a runtime (database open, migrated, keys checked) and closes it after. */
async function withRuntime<T>(ctx: Context, out: Output, fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await createRuntime(ctx.config(), {
    log: { info: out.note, warn: (m) => out.note(`warning: ${m}`) },
  });
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

function positiveInt(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value))
      throw new TwofoldError('validation_failed', `${name}: must be a whole number, got '${value}'`);
    return Number(value);
  };
}

export function buildCli(ctx: Context, setExit: (code: number) => void): Command {
  const program = new Command('twofold')
    .description(
      'Twofold: self-hosted multi-factor authentication. Configuration comes from the environment (see docs/configuration.md).',
    )
    .showHelpAfterError()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    })
    .exitOverride();

  /** Adds --json and error handling to a leaf command. */
  function leaf(command: Command, action: (out: Output, ...args: never[]) => Promise<void>): Command {
    return command
      .option('--json', 'machine-readable output on stdout')
      .action(async (...args: unknown[]) => {
        const cmd = args[args.length - 1] as Command;
        const json = cmd.opts()['json'] === true;
        const out = createOutput(ctx.io, json);
        try {
          await (action as (out: Output, ...rest: unknown[]) => Promise<void>)(out, ...args.slice(0, -1));
        } catch (error) {
          setExit(reportError(ctx.io, error, json));
        }
      });
  }

  leaf(program.command('serve').description('Run the HTTP server (what `npm start` runs).'), async () => {
    // Loaded only here: the other verbs need no HTTP stack, and start faster without it.
    const { startServer } = await import('../serve.js');
    await startServer(ctx.config(), { handleSignals: true });
    // Keep running: the signal handlers exit the process.
    await new Promise(() => {});
  });

  leaf(
    program
      .command('migrate')
      .description('Apply pending database migrations (the server also does this on start).')
      .option('--status', 'only list migrations and whether each has run'),
    async (out, opts: { status?: boolean }) => {
      const config = ctx.config();
      const database = openDatabase({
        databaseUrl: config.databaseUrl,
        sqlitePath: sqlitePathFor(config.dataDir),
        poolSize: 2,
      });
      try {
        if (!opts.status) {
          const report = await migrateToLatest(database, (name, index, total) =>
            out.note(`${progressLine('migrating', index, total)} ${name}`),
          );
          if (report.applied.length === 0) out.note('database is up to date');
        }
        const list = await listMigrations(database);
        out.result(
          {
            database: database.dialect,
            migrations: list.map((m) => ({ name: m.name, appliedAt: m.appliedAt?.toISOString() ?? null })),
          },
          () =>
            list.map(
              (m) =>
                `${m.appliedAt ? 'applied ' : 'pending '} ${m.name}${m.appliedAt ? `  ${m.appliedAt.toISOString()}` : ''}`,
            ),
        );
      } finally {
        await database.close();
      }
    },
  );

  const tenant = program.command('tenant').description('Create and list tenants.');
  leaf(
    tenant
      .command('create <slug>')
      .description(
        'Create a tenant; with --admin, also its first global admin and a Temporary Access Pass for them.',
      )
      .option('--name <text>', 'display name (default: the slug)')
      .option('--admin <email>', 'create this global admin and print a pass for their first sign-in'),
    async (out, slug: string, opts: { name?: string; admin?: string }) => {
      await withRuntime(ctx, out, async (runtime) => {
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
  leaf(tenant.command('list').description('List tenants.'), async (out) => {
    await withRuntime(ctx, out, async (runtime) => {
      const list = await runtime.services.tenants.list();
      out.result(
        list.map((t) => ({ id: t.id, slug: t.slug, name: t.name, createdAt: iso(t.createdAt) })),
        () => (list.length === 0 ? ['No tenants.'] : list.map((t) => `${t.slug.padEnd(24)} ${t.name}`)),
      );
    });
  });

  const user = program.command('user').description('Manage users.');
  leaf(
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
      const password = opts.passwordStdin ? await readAll(ctx.io.stdin) : undefined;
      await withRuntime(ctx, out, async (runtime) => {
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
  leaf(
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
      await withRuntime(ctx, out, async (runtime) => {
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

  leaf(
    program
      .command('setup-link')
      .description(
        "Issue a new one-time setup link for a tenant's first global admin (older links stop working).",
      )
      .requiredOption('--tenant <slug>', 'tenant slug'),
    async (out, opts: { tenant: string }) => {
      await withRuntime(ctx, out, async (runtime) => {
        const t = await runtime.services.tenants.getBySlug(opts.tenant);
        const link = await runtime.services.setup.issueLink(t, runtime.config.publicUrl, operatorActor);
        out.result({ setupUrl: link.setupUrl, expiresAt: iso(link.expiresAt) }, () => [
          `One-time setup link for '${t.slug}' (valid until ${iso(link.expiresAt)}):`,
          `  ${link.setupUrl}`,
        ]);
      });
    },
  );

  const apiKey = program.command('api-key').description('Manage API keys for the admin API.');
  leaf(
    apiKey
      .command('create')
      .description('Create an API key; it is printed once and stored hashed.')
      .requiredOption('--tenant <slug>', 'tenant slug')
      .addOption(
        new Option('--role <role>', 'role the key acts with').choices([...roles]).makeOptionMandatory(),
      )
      .option('--name <text>', 'what the key is for'),
    async (out, opts: { tenant: string; role: string; name?: string }) => {
      await withRuntime(ctx, out, async (runtime) => {
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

  leaf(
    program
      .command('rotate-key')
      .description(
        'Re-seal every stored secret under the newest key: with TWOFOLD_SECRET_KEY, the first key listed (put the new key first, keep the old ones after it); without it, a new key is added to the key file.',
      ),
    async (out) => {
      const config = ctx.config();
      if (!config.secretKey) {
        // Make sure the file exists and the database agrees with it before adding a key.
        await loadKeyring(config);
        const rotated = await addKeyToFile(config.dataDir);
        out.note(`added key ${rotated.newKeyId} to ${rotated.path}`);
      }
      const keyring = await loadKeyring(config);
      const database = openDatabase({
        databaseUrl: config.databaseUrl,
        sqlitePath: sqlitePathFor(config.dataDir),
        poolSize: 2,
      });
      try {
        await migrateToLatest(database);
        const sealer = createSealer(keyring);
        await checkSecretKeys({ db: database.db, keyring, sealer, clock: { now: () => Date.now() } });
        const report = await resealAll({ db: database.db, keyring, sealer }, (p) =>
          out.note(progressLine(`re-sealing ${p.table}`, p.done, p.total)),
        );
        out.result(report, () => [
          `Every secret is now sealed with key ${report.currentKeyId} (${report.resealed} re-sealed, ${report.alreadyCurrent} already current).`,
          ...(report.retiredKeyIds.length
            ? [
                `Keys no longer used: ${report.retiredKeyIds.join(', ')}. Restart every instance, then you may remove them.`,
              ]
            : []),
        ]);
      } finally {
        await database.close();
      }
    },
  );
  const kit: CliKit = { ctx, leaf, withRuntime: (out, fn) => withRuntime(ctx, out, fn) };
  for (const group of commandGroups) group(program, kit);
  return program;
}

/** Entry point of the `twofold` bin; resolves with the exit code. */
export async function runCli(argv: string[], io: CommandIo): Promise<number> {
  let exitCode = 0;
  let cached: Config | undefined;
  const ctx: Context = {
    io,
    config: () => {
      cached ??= loadConfig(io.env);
      return cached;
    },
  };
  const program = buildCli(ctx, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    return reportError(io, error, argv.includes('--json'));
  }
  return exitCode;
}
