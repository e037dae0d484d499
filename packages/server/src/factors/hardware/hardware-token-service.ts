/**
 * Hardware OATH tokens (spec section 2, type `hardware_oath`): an admin imports a CSV file in
 * Microsoft Entra's format (hardware-token-csv.ts); each good row becomes a pending TOTP method of
 * the user it names, with its secret sealed like every method secret; one correct code from the
 * token makes it active (the TOTP service's verification, with its replay compare-and-set), after
 * which it signs in like any TOTP method.
 *
 * The import streams: rows are checked as they are read and inserted in batches of `batchSize`,
 * each batch in one transaction, so a file of any length needs memory for one batch (plus the
 * serial numbers already seen, to report duplicates within the file). Bad rows do not stop it:
 * each is reported with its line and a reason, and the good rows are imported. One audit event
 * records the import (counts only: never a secret).
 */
import { TwofoldError } from '@twofold/core';
import type { Kysely, Selectable } from 'kysely';
import type { Actor, AuditLog } from '../../audit/audit-log.js';
import type { Clock } from '../../platform/clock.js';
import type { Sealer } from '../../platform/crypto/sealer.js';
import { quote } from '../../platform/csv.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import type { Database } from '../../platform/db/schema.js';
import { generateId } from '../../platform/ids.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { normalizeEmail } from '../../users/email.js';
import type { User } from '../../users/user-service.js';
import { type Method, methodNotFound, readUserMethod, toMethod } from '../method-service.js';
import { methodSecretAad, type TotpMethodService } from '../totp/totp-method-service.js';
import {
  type CsvSource,
  checkHardwareTokenRow,
  type HardwareTokenRow,
  hardwareTokenLabel,
  readHardwareTokenCsv,
} from './hardware-token-csv.js';

export const hardwareTokenType = 'hardware_oath';
/** Tokens of Microsoft's format: the file has no columns for these. */
export const hardwareTokenAlgorithm = 'SHA1';
export const hardwareTokenDigits = 6;

/** Rows per transaction. */
export const importBatchSize = 500;
/** At most this many errors are listed; the rest are counted in `errorsOmitted`. */
export const maxListedErrors = 1000;

/** A method of type hardware_oath (serial, manufacturer and model are on every Method). */
export interface HardwareToken extends Method {
  readonly type: 'hardware_oath';
  /** Seconds per code (30 or 60). */
  readonly period: number;
}

export interface ImportError {
  /** 1-based line of the file where the row starts; the header is line 1. */
  readonly line: number;
  readonly message: string;
}

export interface ImportResult {
  readonly imported: number;
  /** Sorted by line; at most `maxListedErrors`. */
  readonly errors: ImportError[];
  /** Errors beyond the listed ones. */
  readonly errorsOmitted: number;
}

export interface ImportProgress {
  /** The last line read so far. */
  readonly line: number;
  readonly imported: number;
  readonly errors: number;
}

export interface ImportInput {
  readonly tenantId: string;
  /** The CSV file: a stream or any async iterable of chunks; read once, front to back. */
  readonly source: CsvSource;
  /**
   * Whether the caller may give a token to this user: a reason why not, or undefined. The admin
   * API passes its role rules here (only a global admin acts on another admin).
   */
  readonly mayAssignTo?: (user: User) => string | undefined;
}

export interface ActivateInput {
  readonly tenantId: string;
  readonly userId: string;
  readonly methodId: string;
  readonly code: string;
}

export interface HardwareTokenService {
  /**
   * Imports tokens from a CSV file (see the module comment). Throws tenant_not_found,
   * method_type_not_allowed (the tenant's policy does not allow hardware tokens), and whatever
   * reading the source throws. Audited once, as `hardware_tokens.import`.
   */
  import(
    input: ImportInput,
    actor: Actor,
    onProgress?: (progress: ImportProgress) => void,
  ): Promise<ImportResult>;
  /**
   * Activates a pending token (or one that re-registration deactivated) with one code from it.
   * A wrong code leaves it as it was and throws otp_invalid (otp_replayed, otp_clock_skew with
   * `offsetSeconds`); also method_not_found, method_already_active. Audited.
   */
  activate(input: ActivateInput, actor: Actor): Promise<HardwareToken>;
  /** One of the user's hardware tokens, any status. Throws method_not_found. */
  get(tenantId: string, userId: string, methodId: string): Promise<HardwareToken>;
}

type MethodRow = Selectable<Database['methods']>;

export function toHardwareToken(row: MethodRow): HardwareToken {
  return { ...toMethod(row), type: 'hardware_oath', period: row.period ?? 30 };
}

interface PendingRow {
  readonly line: number;
  readonly userId: string;
  readonly token: HardwareTokenRow;
}

/** The errors of one import, kept sorted and bounded. */
function createErrorList() {
  let list: ImportError[] = [];
  let total = 0;
  const byLine = (a: ImportError, b: ImportError) => a.line - b.line;
  return {
    add(line: number, message: string) {
      total += 1;
      list.push({ line, message });
      // Rows of a batch report late, so keep a margin before cutting to the first lines.
      if (list.length >= maxListedErrors * 2) list = list.sort(byLine).slice(0, maxListedErrors);
    },
    get total() {
      return total;
    },
    result(): { errors: ImportError[]; errorsOmitted: number } {
      const errors = list.sort(byLine).slice(0, maxListedErrors);
      return { errors, errorsOmitted: total - errors.length };
    },
  };
}

/** The users a file names, looked up once each (bounded: a file may name any number of users). */
function createUserCache(lookup: (upn: string) => Promise<User | undefined>) {
  const cache = new Map<string, User | null>();
  return async (upn: string): Promise<User | undefined> => {
    const key = normalizeEmail(upn);
    const cached = cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const user = await lookup(upn);
    if (cache.size >= 10_000) cache.clear();
    cache.set(key, user ?? null);
    return user;
  };
}

export function createHardwareTokenService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
  sealer: Sealer;
  tenants: { getById(id: string): Promise<Tenant> };
  users: { findByEmail(tenantId: string, email: string): Promise<User | undefined> };
  totp: Pick<TotpMethodService, 'verify'>;
}): HardwareTokenService {
  const { db, clock, audit, sealer, tenants, users, totp } = deps;

  function loadRow(tenantId: string, userId: string, methodId: string): Promise<MethodRow | undefined> {
    return readUserMethod(db, { tenantId, userId, methodId }, [hardwareTokenType]);
  }

  async function existingSerials(tenantId: string, serials: string[]): Promise<Set<string>> {
    if (serials.length === 0) return new Set();
    const rows = await db
      .selectFrom('methods')
      .select('serial')
      .where('tenant_id', '=', tenantId)
      .where('serial', 'in', serials)
      .execute();
    return new Set(rows.map((r) => r.serial ?? ''));
  }

  /**
   * Inserts one batch in one transaction. Serials already in the tenant are reported instead;
   * when a concurrent import takes a serial between that check and the insert, the unique index
   * refuses the batch and it is checked and inserted again.
   */
  async function insertBatch(
    tenantId: string,
    batch: PendingRow[],
    report: (line: number, message: string) => void,
  ): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const taken = await existingSerials(
        tenantId,
        batch.map((r) => r.token.serial),
      );
      const fresh = batch.filter((r) => !taken.has(r.token.serial));
      if (fresh.length > 0) {
        const now = clock.now();
        const values = fresh.map((r) => {
          const id = generateId(now);
          return {
            id,
            tenant_id: tenantId,
            user_id: r.userId,
            type: hardwareTokenType,
            label: hardwareTokenLabel(r.token),
            status: 'pending',
            secret_sealed: sealer.seal(r.token.secret, methodSecretAad(id)),
            algorithm: hardwareTokenAlgorithm,
            digits: hardwareTokenDigits,
            period: r.token.period,
            destination: null,
            last_step: null,
            skew_step: null,
            skew_offset: null,
            push_activation_hash: null,
            serial: r.token.serial,
            manufacturer: r.token.manufacturer,
            model: r.token.model,
            created_at: now,
            confirmed_at: null,
            last_used_at: null,
            updated_at: now,
          };
        });
        try {
          await db.transaction().execute(async (trx) => {
            // 100 rows a statement keeps well under both databases' limits on bound parameters.
            for (let i = 0; i < values.length; i += 100) {
              await trx
                .insertInto('methods')
                .values(values.slice(i, i + 100))
                .execute();
            }
          });
        } catch (error) {
          // A concurrent import took one of these serials after the check: check again.
          if (attempt < 5 && isUniqueViolation(error)) continue;
          throw error;
        }
      }
      for (const r of batch) {
        if (taken.has(r.token.serial)) report(r.line, alreadyInTenant(r.token.serial));
      }
      return fresh.length;
    }
  }

  async function get(tenantId: string, userId: string, methodId: string): Promise<HardwareToken> {
    const row = await loadRow(tenantId, userId, methodId);
    if (!row) throw methodNotFound();
    return toHardwareToken(row);
  }

  function alreadyInTenant(serial: string): string {
    return `serial number ${quote(serial)} is already imported in this tenant`;
  }

  function refusal(result: { reason: string; offsetSeconds?: number }): TwofoldError {
    switch (result.reason) {
      case 'otp_replayed':
        return new TwofoldError(
          'otp_replayed',
          'that code was already used; wait for the token to show the next one',
        );
      case 'otp_clock_skew': {
        const offset = result.offsetSeconds ?? 0;
        const seconds = Math.abs(offset);
        const amount = seconds < 90 ? `${seconds} seconds` : `${Math.round(seconds / 60)} minutes`;
        return new TwofoldError(
          'otp_clock_skew',
          `the token's clock looks about ${amount} ${offset > 0 ? 'fast' : 'slow'}; enter the next code it shows to resynchronise it`,
          { offsetSeconds: offset },
        );
      }
      case 'method_not_found':
        return methodNotFound();
      default:
        return new TwofoldError(
          'otp_invalid',
          'that is not the current code of this token; it stays inactive',
        );
    }
  }

  return {
    async import(input, actor, onProgress) {
      const { tenantId, source, mayAssignTo } = input;
      const tenant = await tenants.getById(tenantId);
      if (!tenant.policy.allowedMethods.includes(hardwareTokenType)) {
        throw new TwofoldError(
          'method_type_not_allowed',
          'this organisation does not allow hardware tokens (hardware_oath); change its policy first',
        );
      }
      const findUser = createUserCache((upn) => users.findByEmail(tenantId, upn));
      const errors = createErrorList();
      // First line of each serial accepted so far, for duplicates within the file.
      const seen = new Map<string, number>();
      let batch: PendingRow[] = [];
      let imported = 0;
      let line = 0;
      let completed = false;

      const flush = async () => {
        if (batch.length === 0) return;
        const rows = batch;
        batch = [];
        try {
          imported += await insertBatch(tenantId, rows, errors.add);
        } finally {
          for (const r of rows) r.token.secret.fill(0);
        }
        onProgress?.({ line, imported, errors: errors.total });
      };

      try {
        for await (const entry of readHardwareTokenCsv(source)) {
          line = entry.line;
          if (entry.kind !== 'row') {
            errors.add(entry.line, entry.message);
            continue;
          }
          const checked = checkHardwareTokenRow(entry.values);
          if (!checked.ok) {
            errors.add(entry.line, checked.message);
            continue;
          }
          const token = checked.row;
          const firstLine = seen.get(token.serial);
          if (firstLine !== undefined) {
            token.secret.fill(0);
            errors.add(entry.line, `serial number ${quote(token.serial)} is already on line ${firstLine}`);
            continue;
          }
          const user = await findUser(token.upn);
          const refused = user ? mayAssignTo?.(user) : undefined;
          if (!user || refused !== undefined) {
            token.secret.fill(0);
            errors.add(
              entry.line,
              user ? `${quote(token.upn)}: ${refused}` : `unknown user ${quote(token.upn)} in this tenant`,
            );
            continue;
          }
          seen.set(token.serial, entry.line);
          batch.push({ line: entry.line, userId: user.id, token });
          if (batch.length >= importBatchSize) await flush();
        }
        await flush();
        completed = true;
      } finally {
        for (const r of batch) r.token.secret.fill(0);
        // Recorded even when reading failed half-way: the batches before it are committed.
        if (completed || imported > 0) {
          await audit.record({
            tenantId,
            actor,
            action: 'hardware_tokens.import',
            target: { type: 'tenant', id: tenantId },
            details: {
              imported,
              errors: errors.total,
              lines: line,
              ...(completed ? {} : { incomplete: true }),
            },
          });
        }
      }
      onProgress?.({ line, imported, errors: errors.total });
      return { imported, ...errors.result() };
    },

    async activate(input, actor) {
      const { tenantId, userId, methodId } = input;
      let row = await loadRow(tenantId, userId, methodId);
      if (!row) throw methodNotFound();
      if (row.status === 'active') {
        throw new TwofoldError('method_already_active', 'this hardware token is already active');
      }
      // A token deactivated by "require re-registration" is pending again while its code is checked.
      let reopened = false;
      if (row.status === 'disabled') {
        const now = clock.now();
        const updated = await db
          .updateTable('methods')
          .set({ status: 'pending', updated_at: now })
          .where('id', '=', row.id)
          .where('status', '=', 'disabled')
          .returning('id')
          .executeTakeFirst();
        reopened = updated !== undefined;
        if (!reopened) {
          row = await loadRow(tenantId, userId, methodId);
          if (!row) throw methodNotFound();
          if (row.status === 'active')
            throw new TwofoldError('method_already_active', 'this hardware token is already active');
        }
      }
      const result = await totp.verify({ tenantId, userId, methodId, code: input.code, actor });
      if (!result.ok) {
        if (reopened) {
          await db
            .updateTable('methods')
            .set({ status: 'disabled', updated_at: clock.now() })
            .where('id', '=', methodId)
            .where('status', '=', 'pending')
            .execute();
        }
        throw refusal(result);
      }
      await audit.record({
        tenantId,
        actor,
        action: 'hardware_token.activate',
        target: { type: 'method', id: methodId },
        details: { userId, serial: row.serial, ...(reopened ? { reactivated: true } : {}) },
      });
      return get(tenantId, userId, methodId);
    },

    get,
  };
}
