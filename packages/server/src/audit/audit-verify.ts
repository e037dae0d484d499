import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import { auditChainFor, auditRowHash, genesisHash } from './audit-chain.js';

/**
 * What is wrong at a row of a chain, from the most to the least specific:
 * - `row_changed`: the row's stored fields no longer give its hash (a field, its seq or its chain
 *   was changed, or the row was forged without recomputing the hash);
 * - `rows_missing`: seq jumps over one or more positions just before this row (rows were deleted);
 * - `link_broken`: the row does not name the hash of the row before it (that row was deleted or
 *   replaced and the rest renumbered, or this row was inserted or moved here);
 * - `malformed`: chain columns missing (a chained row without seq or hash).
 */
export type AuditProblemKind = 'row_changed' | 'rows_missing' | 'link_broken' | 'malformed';

export interface AuditProblem {
  readonly kind: AuditProblemKind;
  /** The row where the walk noticed it. */
  readonly seq: number | null;
  readonly id: string;
  readonly message: string;
}

export interface AuditChainReport {
  /** The tenant id, or 'global'. */
  readonly chain: string;
  /** Rows of this chain that were checked. */
  readonly rows: number;
  /** The newest row; note it elsewhere to detect a later removal of the newest rows. */
  readonly head: { readonly seq: number; readonly hash: string } | null;
  readonly ok: boolean;
  /** How many rows had a problem (the walk carries on after each one). */
  readonly problemCount: number;
  /** The first problems found, in chain order (at most `maxProblemsPerChain`). */
  readonly problems: readonly AuditProblem[];
}

export interface AuditVerifyReport {
  readonly ok: boolean;
  readonly chains: readonly AuditChainReport[];
  readonly rowsChecked: number;
  /** Rows written before chaining existed (migration 0003): not checked, not an error. */
  readonly unchained: number;
}

export interface AuditVerifyProgress {
  readonly chain: string;
  /** Rows checked so far, over all chains. */
  readonly done: number;
  readonly total: number;
}

export interface AuditVerifyOptions {
  /** Only this tenant's chain; all chains (every tenant and 'global') when absent. */
  readonly tenantId?: string | undefined;
  /** Rows read per query (default 1000): memory stays constant whatever the size of the log. */
  readonly pageSize?: number;
  readonly maxProblemsPerChain?: number;
  readonly onProgress?: (progress: AuditVerifyProgress) => void;
}

type AuditRow = Selectable<Database['audit_events']>;

/**
 * Walks each chain in seq order, a page at a time, recomputes every hash and checks every link.
 * After a problem the walk resynchronises on the row it stopped at, so one deleted row gives one
 * problem, not one per later row.
 */
export async function verifyAuditChain(
  db: Kysely<Database>,
  options: AuditVerifyOptions = {},
): Promise<AuditVerifyReport> {
  const pageSize = options.pageSize ?? 1000;
  const maxProblems = options.maxProblemsPerChain ?? 20;
  const { tenantId } = options;

  let unchainedQuery = db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('chain', 'is', null);
  if (tenantId !== undefined) unchainedQuery = unchainedQuery.where('tenant_id', '=', tenantId);
  const unchained = Number((await unchainedQuery.executeTakeFirstOrThrow()).n);

  let chainsQuery = db
    .selectFrom('audit_events')
    .select(['chain'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('chain', 'is not', null)
    .groupBy('chain')
    .orderBy('chain');
  if (tenantId !== undefined) chainsQuery = chainsQuery.where('chain', '=', auditChainFor(tenantId));
  const chains = (await chainsQuery.execute()).map((c) => ({ chain: c.chain as string, rows: Number(c.n) }));
  const total = chains.reduce((sum, c) => sum + c.rows, 0);

  let done = 0;
  const reports: AuditChainReport[] = [];
  for (const { chain } of chains) {
    const problems: AuditProblem[] = [];
    let problemCount = 0;
    let rows = 0;
    let expectedSeq = 1;
    let prevHash = genesisHash;
    let head: AuditChainReport['head'] = null;
    const report = (problem: AuditProblem) => {
      problemCount++;
      if (problems.length < maxProblems) problems.push(problem);
    };
    // Keyset pages on the UNIQUE (chain, seq) index. Rows with a null seq sort apart (first on
    // SQLite, last on PostgreSQL), so they are read separately below.
    let afterSeq = 0;
    for (;;) {
      const page = await db
        .selectFrom('audit_events')
        .selectAll()
        .where('chain', '=', chain)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(pageSize)
        .execute();
      for (const row of page) {
        const seq = row.seq as number;
        const problem = checkRow(row, chain, seq, expectedSeq, prevHash);
        if (problem) report(problem);
        rows++;
        expectedSeq = seq + 1;
        prevHash = row.hash ?? '';
        head = { seq, hash: row.hash ?? '' };
      }
      done += page.length;
      options.onProgress?.({ chain, done, total });
      const last = page.at(-1);
      if (page.length < pageSize || !last) break;
      afterSeq = last.seq as number;
    }
    const unnumbered = await db
      .selectFrom('audit_events')
      .select(['id'])
      .where('chain', '=', chain)
      .where('seq', 'is', null)
      .orderBy('id')
      .limit(maxProblems)
      .execute();
    if (unnumbered.length > 0) {
      const count = await db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('chain', '=', chain)
        .where('seq', 'is', null)
        .executeTakeFirstOrThrow();
      for (const row of unnumbered) {
        report({
          kind: 'malformed',
          seq: null,
          id: row.id,
          message: `row ${row.id} is in the chain without a seq`,
        });
      }
      problemCount += Number(count.n) - unnumbered.length;
      rows += Number(count.n);
      done += Number(count.n);
    }
    reports.push({ chain, rows, head, ok: problemCount === 0, problemCount, problems });
  }
  return {
    ok: reports.every((r) => r.ok),
    chains: reports,
    rowsChecked: done,
    unchained,
  };
}

function checkRow(
  row: AuditRow,
  chain: string,
  seq: number,
  expectedSeq: number,
  prevHash: string,
): AuditProblem | undefined {
  const where = { seq, id: row.id };
  if (row.hash === null || row.prev_hash === null) {
    return { kind: 'malformed', ...where, message: `seq ${seq} (row ${row.id}) has no hash` };
  }
  const recomputed = auditRowHash(row.prev_hash, {
    id: row.id,
    tenant_id: row.tenant_id,
    at: row.at,
    actor_type: row.actor_type,
    actor_id: row.actor_id,
    action: row.action,
    target_type: row.target_type,
    target_id: row.target_id,
    reason: row.reason,
    ip: row.ip,
    details: row.details,
    chain,
    seq,
  });
  if (recomputed !== row.hash || auditChainFor(row.tenant_id) !== chain) {
    return {
      kind: 'row_changed',
      ...where,
      message: `seq ${seq} (row ${row.id}) was changed after it was written: its fields no longer match its hash`,
    };
  }
  if (seq !== expectedSeq) {
    const missing =
      seq - expectedSeq === 1 ? `seq ${expectedSeq} is` : `seq ${expectedSeq} to ${seq - 1} are`;
    return {
      kind: 'rows_missing',
      ...where,
      message: `${missing} missing before seq ${seq} (row ${row.id}): rows were deleted`,
    };
  }
  if (row.prev_hash !== prevHash) {
    return {
      kind: 'link_broken',
      ...where,
      message: `seq ${seq} (row ${row.id}) does not follow the row before it: a row was deleted or replaced, or this one was inserted or moved`,
    };
  }
  return undefined;
}
