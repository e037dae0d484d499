/**
 * TOTP methods (spec section 2): `totp` for any authenticator app, and `authenticator`, whose URI
 * also carries the `twofold_push` activation token that the Twofold Authenticator redeems for
 * push approvals. Registration shows the secret once; the method is active only after a code.
 *
 * Verification (RFC 6238):
 * - the current step and one either side, around the step corrected by the method's recorded
 *   drift (section 5.2, section 6);
 * - a step is accepted once: its row in `accepted_steps` is inserted by one compare-and-set, so
 *   two concurrent requests with one code, on one instance or several, give exactly one success;
 *   a code is a replay only if its own step was accepted before (spec section 6);
 * - a method resynchronised for a skewed clock also accepts codes at the server's own time, and
 *   then forgets its drift: the user fixed the clock as the page advised (issue 15, defect 1);
 * - a code that matches further out (10 minutes either side) is refused as `otp_clock_skew` with
 *   the measured offset and remembered as a hint; the next code, one step later at the same
 *   offset (±1), resynchronises the method (section 6) and is accepted.
 * Failures are counted by the caller with the MFA lockout (mfa-lockout.ts).
 */
import { randomBytes } from 'node:crypto';
import {
  DEFAULT_SKEW_SEARCH_SECONDS,
  encodeBase32,
  findTotpOffset,
  formatOtpauthUri,
  type OtpAlgorithm,
  TwofoldError,
  verifyTotp,
} from '@twofold/core';
import type { Kysely, Selectable } from 'kysely';
import type { Actor, AuditLog } from '../../audit/audit-log.js';
import type { Clock } from '../../platform/clock.js';
import { nodeHmac } from '../../platform/crypto/otp-hmac.js';
import type { Sealer } from '../../platform/crypto/sealer.js';
import { generateToken, hashToken } from '../../platform/crypto/tokens.js';
import type { PrepareSync } from '../../platform/db/group-commit.js';
import { preparedQuery, type Slots } from '../../platform/db/prepared-query.js';
import type { Database } from '../../platform/db/schema.js';
import { generateId } from '../../platform/ids.js';
import type { TenantService } from '../../tenants/tenant-service.js';
import type { UserService } from '../../users/user-service.js';
import { activatePendingMethod, insertPendingMethod } from '../method-service.js';
import { acceptStep, acceptStepSync, wasStepAccepted } from './accepted-steps.js';
import { renderQrCodeSvg } from './qr-code.js';

/** Method types whose rows hold a TOTP secret (hardware tokens are TOTP too). */
export const totpMethodTypes = ['totp', 'authenticator', 'hardware_oath'] as const;
export type RegistrableTotpType = 'totp' | 'authenticator';

/** 160 bits, RFC 4226 section 4's recommended length and what every app expects for SHA1. */
export const totpSecretBytes = 20;
/** The otpauth parameter that carries the push activation token. */
export const pushActivationParameter = 'twofold_push';
/** Next to it, where the Twofold Authenticator activates push: the public URL and the tenant's slug. */
export const pushServerParameter = 'twofold_server';
export const pushTenantParameter = 'twofold_tenant';
export const maxLabelLength = 64;

const defaultLabels: Record<RegistrableTotpType, string> = {
  authenticator: 'Authenticator app',
  totp: 'Authenticator app (code only)',
};

/** The associated data that binds a method's sealed secret to its row. */
export function methodSecretAad(methodId: string): string {
  return `method:${methodId}:secret`;
}

export interface RegisterTotpInput {
  readonly tenantId: string;
  readonly userId: string;
  readonly type: RegistrableTotpType;
  readonly label?: string | undefined;
}

export interface RegisteredTotp {
  readonly methodId: string;
  readonly otpauthUri: string;
  /** base32, for typing in by hand; shown once, never again. */
  readonly secret: string;
  readonly qrCodeSvg: string;
}

export interface VerifyTotpInput {
  readonly tenantId: string;
  readonly userId: string;
  readonly methodId: string;
  readonly code: string;
  /** Who confirms a pending method, for the audit log (default: the user; an admin for hardware tokens). */
  readonly actor?: Actor;
  /** The method's row as the caller read it a moment ago in this request: not read again. */
  readonly read?: Readonly<MethodRow> | undefined;
}

export type TotpFailureReason = 'otp_invalid' | 'otp_replayed' | 'otp_clock_skew' | 'method_not_found';

export type TotpVerification =
  | {
      readonly ok: true;
      /** The accepted time step (now the method's last_step). */
      readonly step: number;
      /** The accepted step minus the server's current step (drift included). */
      readonly offsetSteps: number;
      /** True when this code completed a resynchronisation (the method's drift changed). */
      readonly resynced: boolean;
      /** True when this code confirmed a pending method. */
      readonly activated: boolean;
    }
  | {
      readonly ok: false;
      readonly reason: TotpFailureReason;
      /** otp_clock_skew: how far the device's clock is off; positive when it runs ahead. */
      readonly offsetSeconds?: number;
      /** otp_clock_skew: a sentence for the user about their device's clock. */
      readonly message?: string;
    };

export type TotpResync =
  | { readonly ok: true; readonly driftSteps: number; readonly step: number }
  | { readonly ok: false; readonly reason: 'otp_invalid' | 'otp_replayed' | 'method_not_found' };

export interface TotpMethodService {
  /**
   * Creates a pending method with a fresh secret (replacing an older pending method of the same
   * user and type) and returns what the user needs to add it to an app. Throws validation_failed,
   * method_type_not_allowed, tenant_not_found, user_not_found. Audited.
   */
  register(input: RegisterTotpInput, actor: Actor): Promise<RegisteredTotp>;
  /** Checks a code against a pending or active TOTP method; a correct code confirms a pending one. */
  verify(input: VerifyTotpInput): Promise<TotpVerification>;
  /**
   * Admin resynchronisation with two consecutive codes from the device (up to 10 minutes off):
   * records the drift and accepts the second code's step. Audited.
   */
  resync(input: VerifyTotpInput & { readonly code2: string }, actor: Actor): Promise<TotpResync>;
}

/** "Your device's clock looks about 4 minutes fast...": tells the user what to fix. */
export function describeClockSkew(offsetSeconds: number): string {
  if (offsetSeconds === 0) {
    // The device is on time now but was not when the method last resynchronised.
    return (
      "Your device's clock seems to have been corrected since you last signed in with it. " +
      'Enter the next code to resynchronise.'
    );
  }
  const seconds = Math.abs(offsetSeconds);
  const amount = seconds < 90 ? `${seconds} seconds` : `${Math.round(seconds / 60)} minutes`;
  const direction = offsetSeconds > 0 ? 'fast' : 'slow';
  return (
    `Your device's clock looks about ${amount} ${direction}, so its codes do not match. ` +
    'Set the date and time on your phone to update automatically, then enter the next code.'
  );
}

export function checkMethodLabel(label: string | undefined): string | undefined {
  if (label === undefined) return undefined;
  const cleaned = label.normalize('NFC').trim();
  if (cleaned === '') return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (cleaned.length > maxLabelLength || /[\u0000-\u001f\u007f-\u009f]/u.test(cleaned)) {
    throw new TwofoldError(
      'validation_failed',
      `label: at most ${maxLabelLength} characters, without control characters`,
    );
  }
  return cleaned;
}

type MethodRow = Selectable<Database['methods']>;

// A code's check reads its method and then advances last_step with a compare-and-set: both once per check.
const totpMethodById = preparedQuery((db, v: Slots<{ methodId: string; tenantId: string; userId: string }>) =>
  db
    .selectFrom('methods')
    .selectAll()
    .where('id', '=', v.methodId)
    .where('tenant_id', '=', v.tenantId)
    .where('user_id', '=', v.userId)
    .where('type', 'in', totpMethodTypes)
    .where('status', 'in', ['pending', 'active']),
);

type RecordArgs = {
  methodId: string;
  tenantId: string;
  userId: string;
  step: number;
  now: number;
  driftSteps?: number;
};

/**
 * After a step was spent (acceptStep): the method was used now, its failures and skew hint end,
 * and with `resync` its drift becomes `driftSteps`. Two shapes, each compiled once. Returns the
 * status, or nothing when the method stopped being usable meanwhile.
 */
function recordQuery(shape: { resync: boolean }) {
  return preparedQuery((db, v: Slots<RecordArgs>) =>
    db
      .updateTable('methods')
      .set({
        last_step: v.step,
        last_used_at: v.now,
        updated_at: v.now,
        failures: 0,
        skew_step: null,
        skew_offset: null,
        ...(shape.resync ? { drift_steps: v.driftSteps } : {}),
      })
      .where('id', '=', v.methodId)
      .where('tenant_id', '=', v.tenantId)
      .where('user_id', '=', v.userId)
      .where('status', 'in', ['pending', 'active'])
      .returning('status'),
  );
}
const recordUse = recordQuery({ resync: false });
const recordResync = recordQuery({ resync: true });

/** How many steps either side the clock-skew search looks. */
export function skewSearchSteps(period: number): number {
  return Math.ceil(DEFAULT_SKEW_SEARCH_SECONDS / period);
}

/** The OTP parameters of a row, its secret unsealed; undefined for a row that cannot be a TOTP method. */
export function totpParameters(sealer: Sealer, row: MethodRow) {
  if (row.secret_sealed === null || row.period === null || row.digits === null || row.algorithm === null)
    return undefined;
  return {
    secret: sealer.open(row.secret_sealed, methodSecretAad(row.id)),
    period: row.period,
    digits: row.digits,
    algorithm: row.algorithm as OtpAlgorithm,
    hmac: nodeHmac,
  };
}

/**
 * `spend` without drift inside a synchronous unit (SQLite, `DatabaseHandle.runSync`): the step's
 * compare-and-set, then the use (which ends the method's failures and skew hint). Returns the
 * method's status, or undefined when the step was spent before.
 */
export function spendSync(
  prepare: PrepareSync,
  db: Kysely<Database>,
  row: MethodRow,
  use: { step: number; now: number; offsetSteps: number },
): string | undefined {
  const ids = { methodId: row.id, tenantId: row.tenant_id, userId: row.user_id };
  if (!acceptStepSync(prepare, db, { ...ids, ...use })) return undefined;
  return recordUse.firstSync(prepare, db, { ...ids, step: use.step, now: use.now })?.status;
}

export function createTotpMethodService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
  sealer: Sealer;
  tenants: Pick<TenantService, 'getById'>;
  users: Pick<UserService, 'getById'>;
  /** TWOFOLD_PUBLIC_URL: authenticator URIs carry it (`twofold_server`) for push activation. */
  publicUrl: string;
}): TotpMethodService {
  const { db, clock, audit, sealer, tenants, users, publicUrl } = deps;

  const tenantById = (tenantId: string) => tenants.getById(tenantId);

  async function loadMethod(input: VerifyTotpInput): Promise<MethodRow | undefined> {
    const { read } = input;
    if (read && read.id === input.methodId) {
      // What totpMethodById would select, from the row already read.
      const usable =
        read.tenant_id === input.tenantId &&
        read.user_id === input.userId &&
        (totpMethodTypes as readonly string[]).includes(read.type) &&
        (read.status === 'pending' || read.status === 'active');
      return usable ? read : undefined;
    }
    return totpMethodById.first(db, input);
  }

  function exists(methodId: string): Promise<boolean> {
    return db
      .selectFrom('methods')
      .select('id')
      .where('id', '=', methodId)
      .where('status', 'in', ['pending', 'active'])
      .executeTakeFirst()
      .then((row) => row !== undefined);
  }

  const otpParameters = (row: MethodRow) => totpParameters(sealer, row);

  /**
   * Spends `step` (the compare-and-set: see accepted-steps.ts) and records the use; with `driftSteps`
   * the method's drift becomes that. Returns the row's status after the update, or undefined when
   * the step was spent before (another request won) or the method went.
   */
  async function spend(
    row: MethodRow,
    step: number,
    now: number,
    offsetSteps: number,
    driftSteps?: number,
  ): Promise<string | undefined> {
    const ids = { methodId: row.id, tenantId: row.tenant_id, userId: row.user_id };
    if (!(await acceptStep(db, { ...ids, step, offsetSteps, now }))) return undefined;
    const query = driftSteps === undefined ? recordUse : recordResync;
    const updated = await query.first(db, {
      ...ids,
      step,
      now,
      ...(driftSteps !== undefined ? { driftSteps } : {}),
    });
    return updated?.status;
  }

  async function auditResync(
    row: MethodRow,
    actor: Actor,
    driftSteps: number,
    period: number,
    clockCorrected?: boolean,
  ): Promise<void> {
    await audit.record({
      tenantId: row.tenant_id,
      actor,
      action: 'method.resync',
      target: { type: 'method', id: row.id },
      details: {
        userId: row.user_id,
        driftSteps,
        previousDriftSteps: row.drift_steps,
        offsetSeconds: driftSteps * period,
        ...(clockCorrected ? { clockCorrected } : {}),
      },
    });
  }

  const activate = (method: MethodRow, now: number, actor?: Actor) =>
    activatePendingMethod({ db, audit }, method, now, actor);

  async function lostRace(methodId: string): Promise<'otp_replayed' | 'method_not_found'> {
    return (await exists(methodId)) ? 'otp_replayed' : 'method_not_found';
  }

  return {
    async register(input, actor) {
      const { tenantId, userId, type } = input;
      if (type !== 'totp' && type !== 'authenticator') {
        throw new TwofoldError(
          'validation_failed',
          `type: must be totp or authenticator, got '${String(type)}'`,
        );
      }
      const label = checkMethodLabel(input.label) ?? defaultLabels[type];
      const tenant = await tenantById(tenantId);
      if (!tenant.policy.allowedMethods.includes(type)) {
        throw new TwofoldError('method_type_not_allowed', `this organisation does not allow ${type} methods`);
      }
      const user = await users.getById(tenantId, userId);
      const { algorithm, digits, period } = tenant.policy.totp;
      const secret = randomBytes(totpSecretBytes);
      const pushToken = type === 'authenticator' ? generateToken('tfp_') : undefined;
      const otpauthUri = formatOtpauthUri({
        type: 'totp',
        issuer: `Twofold (${tenant.name})`,
        accountName: user.email,
        secret,
        algorithm,
        digits,
        period,
        extra: pushToken
          ? {
              [pushActivationParameter]: pushToken,
              [pushServerParameter]: publicUrl,
              [pushTenantParameter]: tenant.slug,
            }
          : {},
      });
      const qrCodeSvg = await renderQrCodeSvg(otpauthUri);
      const now = clock.now();
      const methodId = generateId(now);
      // An unfinished registration of the same kind is replaced: its QR code was never confirmed.
      await db.transaction().execute((trx) =>
        insertPendingMethod(trx, audit, {
          id: methodId,
          tenantId,
          userId,
          type,
          label,
          now,
          actor,
          columns: {
            secret_sealed: sealer.seal(secret, methodSecretAad(methodId)),
            algorithm,
            digits,
            period,
            push_activation_hash: pushToken ? hashToken(pushToken) : null,
          },
          details: { algorithm, digits, period },
        }),
      );
      return { methodId, otpauthUri, secret: encodeBase32(secret), qrCodeSvg };
    },

    async verify(input) {
      const row = await loadMethod(input);
      const parameters = row ? otpParameters(row) : undefined;
      if (!row || !parameters) return { ok: false, reason: 'method_not_found' };
      if (typeof input.code !== 'string' || input.code.length > 64)
        return { ok: false, reason: 'otp_invalid' };
      const now = clock.now();
      const check = { ...parameters, code: input.code, time: now / 1000 };
      const userActor: Actor = { type: 'user', id: row.user_id };

      const match = verifyTotp({ ...check, window: 1, driftSteps: row.drift_steps });
      if (match) {
        const status = await spend(row, match.step, now, match.offset);
        if (status === undefined) return { ok: false, reason: await lostRace(row.id) };
        const activated = status === 'pending' && (await activate(row, now, input.actor));
        return { ok: true, step: match.step, offsetSteps: match.offset, resynced: false, activated };
      }

      // A method resynchronised for a skewed clock, whose clock was then set right (as the page
      // advised): a code at the server's own time is accepted and the drift is forgotten, so the
      // user is never stuck between an old drift and a correct clock (issue 15, defect 1).
      const corrected = row.drift_steps !== 0 ? verifyTotp({ ...check, window: 1, driftSteps: 0 }) : null;
      if (corrected) {
        const status = await spend(row, corrected.step, now, corrected.offset, 0);
        if (status === undefined) return { ok: false, reason: await lostRace(row.id) };
        await auditResync(row, userActor, 0, parameters.period, true);
        const activated = status === 'pending' && (await activate(row, now, input.actor));
        return { ok: true, step: corrected.step, offsetSteps: corrected.offset, resynced: true, activated };
      }

      const skew = findTotpOffset({ ...check, maxOffsetSteps: skewSearchSteps(parameters.period) });
      if (!skew) return { ok: false, reason: 'otp_invalid' };
      // An old code (captured, or typed again) is a replay, not a clock problem.
      if (await wasStepAccepted(db, row.id, skew.step)) return { ok: false, reason: 'otp_replayed' };

      const consecutive =
        row.skew_step !== null &&
        row.skew_offset !== null &&
        skew.step === row.skew_step + 1 &&
        Math.abs(skew.offset - row.skew_offset) <= 1;
      if (consecutive) {
        const status = await spend(row, skew.step, now, skew.offset, skew.offset);
        if (status === undefined) return { ok: false, reason: await lostRace(row.id) };
        await auditResync(row, userActor, skew.offset, parameters.period);
        const activated = status === 'pending' && (await activate(row, now, input.actor));
        return { ok: true, step: skew.step, offsetSteps: skew.offset, resynced: true, activated };
      }

      await db
        .updateTable('methods')
        .set({ skew_step: skew.step, skew_offset: skew.offset, updated_at: now })
        .where('id', '=', row.id)
        .where('tenant_id', '=', row.tenant_id)
        .where('user_id', '=', row.user_id)
        .execute();
      const offsetSeconds = skew.offset * parameters.period;
      return {
        ok: false,
        reason: 'otp_clock_skew',
        offsetSeconds,
        message: describeClockSkew(offsetSeconds),
      };
    },

    async resync(input, actor) {
      const row = await loadMethod(input);
      const parameters = row ? otpParameters(row) : undefined;
      if (!row || !parameters) return { ok: false, reason: 'method_not_found' };
      const now = clock.now();
      const time = now / 1000;
      if (input.code.length > 64 || input.code2.length > 64) return { ok: false, reason: 'otp_invalid' };
      const first = findTotpOffset({
        ...parameters,
        code: input.code,
        time,
        maxOffsetSteps: skewSearchSteps(parameters.period),
      });
      // The second code must be the very next step after the first.
      const second =
        first &&
        verifyTotp({ ...parameters, code: input.code2, time, window: 0, driftSteps: first.offset + 1 });
      if (!first || !second) return { ok: false, reason: 'otp_invalid' };
      // The first code's step is proven too: spend it, so it cannot be typed again later.
      const ids = { methodId: row.id, tenantId: row.tenant_id, userId: row.user_id };
      await acceptStep(db, { ...ids, step: first.step, offsetSteps: first.offset, now });
      const status = await spend(row, second.step, now, second.offset, second.offset);
      if (status === undefined) return { ok: false, reason: await lostRace(row.id) };
      await auditResync(row, actor, second.offset, parameters.period);
      return { ok: true, driftSteps: second.offset, step: second.step };
    },
  };
}
