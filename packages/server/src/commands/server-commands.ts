/** `twofold serve` and `twofold migrate`: run the server, bring the database up to date. */
import { listMigrations, migrateToLatest, openDatabase, sqlitePathFor } from '../platform/db/database.js';
import type { CommandGroup } from './kit.js';
import { progressLine } from './output.js';

export const serverCommands: CommandGroup = (program, kit) => {
  kit.leaf(program.command('serve').description('Run the HTTP server (what `npm start` runs).'), async () => {
    // Loaded only here: the other verbs need no HTTP stack, and start faster without it.
    const { startServer } = await import('../serve.js');
    await startServer(kit.ctx.config(), { handleSignals: true });
    // Keep running: the signal handlers exit the process.
    await new Promise(() => {});
  });

  kit.leaf(
    program
      .command('migrate')
      .description('Apply pending database migrations (the server also does this on start).')
      .option('--status', 'only list migrations and whether each has run'),
    async (out, opts: { status?: boolean }) => {
      const config = kit.ctx.config();
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
};
