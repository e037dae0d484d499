/**
 * The hash chain of the audit log. Every row belongs to one chain (its tenant's id, or 'global'
 * for deployment-wide events), has a position `seq` in it from 1, and carries the hash of the row
 * before it (`prev_hash`, 64 zeros for the first) and its own `hash`:
 *
 *   hash = lowercase hex of SHA-256 over the UTF-8 bytes of
 *          JSON.stringify(["twofold-audit-v1", prev_hash, id, tenant_id, at, actor_type, actor_id,
 *                          action, target_type, target_id, reason, ip, details, chain, seq])
 *
 * Strings are the stored text (details is the stored JSON text, hashed as a string, not re-encoded),
 * absent values are JSON null, and `at` and `seq` are integers written in decimal by JSON.stringify.
 * A JSON array of scalars has one serialisation, so anyone can recompute a hash with any language's
 * SHA-256 and JSON encoder; the leading tag names this version of the rule.
 *
 * Changing a stored field breaks the row's own hash; deleting a row leaves a gap in `seq` and a
 * `prev_hash` that no longer matches; moving a row breaks both. What a chain alone cannot show is
 * the removal of its newest rows: `verifyAuditChain` reports each chain's head (seq and hash) so an
 * operator can note it elsewhere and compare later.
 */
import { createHash } from 'node:crypto';

export const auditHashVersion = 'twofold-audit-v1';

/** prev_hash of the first row of a chain. */
export const genesisHash = '0'.repeat(64);

/** The chain of deployment-wide events (tenant_id null). */
export const globalChain = 'global';

export function auditChainFor(tenantId: string | null): string {
  return tenantId ?? globalChain;
}

/** Every stored field that the hash covers, as stored. */
export interface ChainedAuditFields {
  readonly id: string;
  readonly tenant_id: string | null;
  readonly at: number;
  readonly actor_type: string;
  readonly actor_id: string | null;
  readonly action: string;
  readonly target_type: string | null;
  readonly target_id: string | null;
  readonly reason: string | null;
  readonly ip: string | null;
  readonly details: string | null;
  readonly chain: string;
  readonly seq: number;
}

/** The exact text that is hashed (see the module comment). */
export function canonicalAuditRow(prevHash: string, row: ChainedAuditFields): string {
  return JSON.stringify([
    auditHashVersion,
    prevHash,
    row.id,
    row.tenant_id,
    row.at,
    row.actor_type,
    row.actor_id,
    row.action,
    row.target_type,
    row.target_id,
    row.reason,
    row.ip,
    row.details,
    row.chain,
    row.seq,
  ]);
}

export function auditRowHash(prevHash: string, row: ChainedAuditFields): string {
  return createHash('sha256').update(canonicalAuditRow(prevHash, row), 'utf8').digest('hex');
}
