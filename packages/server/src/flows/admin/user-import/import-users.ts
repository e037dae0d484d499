/**
 * Bulk import of users from CSV (spec section 6): `email,name,role`, from the console
 * (`POST /admin/users/import`) and `twofold user import`.
 *
 * Nothing is half-imported: the whole file is checked first (its shape, every email, name and role,
 * emails repeated in the file, emails of users who exist already); if any line is refused, nothing is
 * written and the answer lists every refused line with its number, code and reason (import_refused).
 * Otherwise every user is created in ONE transaction with their audit events and one `user.import`
 * event, so a failure halfway (a user created meanwhile by someone else, the database gone) leaves
 * nothing behind either. Imported users have no password: they sign in with a Temporary Access Pass
 * or a setup link, as users created one at a time without one do.
 */
import { type ErrorCode, isTwofoldError, TwofoldError } from '@twofold/core';
import type { Actor } from '../../../audit/audit-log.js';
import { checkEmail, normalizeEmail } from '../../../users/email.js';
import { checkRole } from '../../../users/roles.js';
import type { AdminFlowDeps } from '../deps.js';
import { parseUserCsv, type UserCsvRow } from './user-csv.js';

export interface RefusedLine {
  readonly line: number;
  /** The email as the file has it (may be empty or malformed). */
  readonly email: string;
  readonly code: ErrorCode;
  readonly message: string;
}

export interface UserImportReport {
  /** Data rows read (blank lines and the header not counted). */
  readonly rows: number;
  readonly imported: number;
  readonly refused: readonly RefusedLine[];
  /** Checked only: nothing was written. */
  readonly dryRun: boolean;
}

export interface UserImportInput {
  readonly tenantId: string;
  readonly csv: string;
  readonly actor: Actor;
  /** Check the file and report, write nothing. */
  readonly dryRun?: boolean | undefined;
  /** Called as users are created (every `progressEvery` users and at the end). */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

const progressEvery = 500;
const maxNameLength = 200;

interface CheckedRow {
  readonly line: number;
  readonly email: string;
  readonly displayName: string | undefined;
  readonly roles: string[];
}

function refusal(row: UserCsvRow, error: unknown): RefusedLine {
  if (!isTwofoldError(error)) throw error;
  return { line: row.line, email: row.values.email, code: error.code, message: error.message };
}

/** One row's own checks (not against other rows or the database). */
function checkRow(row: UserCsvRow): CheckedRow {
  const email = checkEmail(row.values.email);
  const name = row.values.name.normalize('NFC');
  if (name.length > maxNameLength)
    throw new TwofoldError('validation_failed', `name: at most ${maxNameLength} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u.test(name))
    throw new TwofoldError('validation_failed', 'name: no control or text-direction characters');
  const roles = row.values.role === '' ? [] : [checkRole(row.values.role)];
  return { line: row.line, email, displayName: name === '' ? undefined : name, roles };
}

/** Checks the whole file; writes only when no line is refused and it is not a dry run. */
export async function importUsers(deps: AdminFlowDeps, input: UserImportInput): Promise<UserImportReport> {
  const { rows, shapeErrors } = parseUserCsv(input.csv);
  const refused: RefusedLine[] = shapeErrors.map((e) => ({
    line: e.line,
    email: e.email,
    code: 'validation_failed',
    message: e.message,
  }));
  const checked: CheckedRow[] = [];
  const firstLineOf = new Map<string, number>();
  for (const row of rows) {
    try {
      const ok = checkRow(row);
      const key = normalizeEmail(ok.email);
      const first = firstLineOf.get(key);
      if (first !== undefined)
        throw new TwofoldError('user_exists', `the email '${ok.email}' is on line ${first} already`);
      firstLineOf.set(key, row.line);
      checked.push(ok);
    } catch (error) {
      refused.push(refusal(row, error));
    }
  }
  const existing = await deps.users.existingEmails(
    input.tenantId,
    checked.map((row) => row.email),
  );
  const fresh = checked.filter((row) => {
    if (!existing.has(normalizeEmail(row.email))) return true;
    refused.push({
      line: row.line,
      email: row.email,
      code: 'user_exists',
      message: `a user with email '${row.email}' already exists`,
    });
    return false;
  });
  refused.sort((a, b) => a.line - b.line);
  const total = rows.length + shapeErrors.length;
  if (refused.length > 0 || input.dryRun)
    return { rows: total, imported: 0, refused, dryRun: input.dryRun === true };

  await deps.db.transaction().execute(async (trx) => {
    for (let i = 0; i < fresh.length; i += progressEvery) {
      const batch = fresh.slice(i, i + progressEvery);
      try {
        await deps.users.createMany(trx, input.tenantId, batch, input.actor);
      } catch (error) {
        // Someone created one of these users meanwhile: the whole import is undone.
        if (isTwofoldError(error))
          throw new TwofoldError('import_refused', `${error.message}; nothing was imported`, {
            rows: total,
            refused: [],
          });
        throw error;
      }
      input.onProgress?.(i + batch.length, fresh.length);
    }
    await deps.audit.record(
      {
        tenantId: input.tenantId,
        actor: input.actor,
        action: 'user.import',
        target: { type: 'tenant', id: input.tenantId },
        details: { imported: fresh.length, admins: fresh.filter((row) => row.roles.length > 0).length },
      },
      trx,
    );
  });
  return { rows: total, imported: fresh.length, refused: [], dryRun: false };
}

/** The error a caller raises for a report with refused lines (the API's 422, the command's exit code). */
export function refusedImport(report: UserImportReport): TwofoldError {
  const n = report.refused.length;
  return new TwofoldError(
    'import_refused',
    `${n} of ${report.rows} line${report.rows === 1 ? '' : 's'} refused; nothing was imported`,
    { rows: report.rows, refused: report.refused },
  );
}
