import { TwofoldError } from '@twofold/core';
import { globalChain } from '../audit/audit-chain.js';
import { type AuditChainReport, verifyAuditChain } from '../audit/audit-verify.js';
import type { CommandGroup } from './kit.js';
import { progressLine } from './output.js';

/** `twofold audit verify`: checks the hash chains of the audit log. */
export const auditCommands: CommandGroup = (program, kit) => {
  const audit = program.command('audit').description('Check the tamper-evident audit log.');
  kit.leaf(
    audit
      .command('verify')
      .description(
        "Recompute the audit log's hash chains (one per tenant, and one for deployment-wide events) and report any row that was changed, deleted, inserted or moved. Exits 1 when a chain is broken.",
      )
      .option('--tenant <slug>', "only this tenant's chain"),
    async (out, opts: { tenant?: string }) => {
      await kit.withRuntime(out, async (runtime) => {
        const { tenants } = runtime.services;
        const tenant = opts.tenant === undefined ? undefined : await tenants.getBySlug(opts.tenant);
        const slugs = new Map((await tenants.list()).map((t) => [t.id, t.slug]));
        const name = (chain: string) =>
          chain === globalChain ? 'global' : (slugs.get(chain) ?? `${chain} (deleted tenant)`);

        let lastNote = 0;
        const report = await verifyAuditChain(runtime.database.db, {
          tenantId: tenant?.id,
          onProgress: ({ chain, done, total }) => {
            // A line per page would flood a log; every 2% (and the end) is enough to show it moves.
            if (done === total || done - lastNote >= Math.max(1000, total / 50)) {
              lastNote = done;
              out.note(`${progressLine('verifying', done, total)} ${name(chain)}`);
            }
          },
        });

        const chains = report.chains.map((c) => ({ ...c, name: name(c.chain) }));
        out.result({ ...report, chains }, () => [
          ...chains.flatMap((c) => describeChain(c.name, c)),
          ...(report.unchained > 0
            ? [`${report.unchained} older rows were written before the chain existed and are not checked.`]
            : []),
          report.chains.length === 0
            ? 'No chained audit rows yet.'
            : report.ok
              ? `All ${report.chains.length} chain(s) intact: ${report.rowsChecked} rows checked.`
              : `${report.chains.filter((c) => !c.ok).length} of ${report.chains.length} chain(s) broken.`,
        ]);
        if (!report.ok) {
          const broken = chains.filter((c) => !c.ok);
          const first = broken[0]?.problems[0];
          throw new TwofoldError(
            'audit_chain_broken',
            `the audit log was tampered with: ${broken.map((c) => `${c.name} (${c.problemCount} problem${c.problemCount === 1 ? '' : 's'})`).join(', ')}${first ? `; first: ${first.message}` : ''}`,
            { chains: broken.map((c) => c.chain) },
          );
        }
      });
    },
  );
};

function describeChain(name: string, chain: AuditChainReport): string[] {
  const head = chain.head ? `head seq ${chain.head.seq} ${chain.head.hash}` : 'empty';
  if (chain.ok) return [`ok      ${name}: ${chain.rows} rows, ${head}`];
  return [
    `BROKEN  ${name}: ${chain.rows} rows, ${chain.problemCount} problem(s), ${head}`,
    ...chain.problems.map((p) => `        ${p.kind}: ${p.message}`),
    ...(chain.problemCount > chain.problems.length
      ? [`        ... and ${chain.problemCount - chain.problems.length} more`]
      : []),
  ];
}
