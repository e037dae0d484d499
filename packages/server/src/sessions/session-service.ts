import { TwofoldError } from '@twofold/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Actor, AuditLog, Executor } from '../audit/audit-log.js';
import { revokeApplicationGrants } from '../oidc/account-hash.js';
import type { ApplicationLogout } from '../oidc/backchannel-logout.js';
import type { Clock } from '../platform/clock.js';
import { generateToken, hashToken } from '../platform/crypto/tokens.js';
import { preparedQuery, type Slots } from '../platform/db/prepared-query.js';
import type { Database } from '../platform/db/schema.js';
import { generateId } from '../platform/ids.js';

/**
 * Session tokens: this prefix and 256 random bits in base64url. The prefix is not `tfs_`, which
 * setup links use, so a leaked token says what it is and secret scanners can tell them apart.
 */
export const sessionTokenPrefix = 'tfsess_';
const sessionTokenPattern = /^tfsess_[A-Za-z0-9_-]{43}$/;

export const defaultSessionLifetimes = {
  /** A session unused for this long ends. */
  idleMs: 8 * 60 * 60_000,
  /** A session ends this long after sign-in however much it is used. */
  absoluteMs: 7 * 24 * 60 * 60_000,
} as const;

/** `authenticate` moves the idle expiry at most this often, so busy sessions do not write on every request. */
export const lastSeenWriteIntervalMs = 60_000;

/** Changing sign-in methods needs a second factor this recent (spec section 4). */
export const stepUpWindowMs = 10 * 60 * 1000;

/** The session proved a second factor within the step-up window. */
export function hasRecentSecondFactor(session: { readonly mfaAt: number | null }, now: number): boolean {
  return session.mfaAt !== null && now - session.mfaAt <= stepUpWindowMs;
}

/** Name of the session cookie. */
export const sessionCookieName = 'twofold_session';

/**
 * Attributes of the session cookie (in the shape @fastify/cookie takes): HttpOnly (no script
 * reads it), SameSite=Lax (not sent on cross-site POSTs, still sent when a link from another
 * site is followed), Path=/, and Secure when the public URL is https (a Secure cookie is never
 * sent over plain http, so it would break a deployment on http://localhost). `maxAge` in seconds;
 * without it the cookie ends with the browser session.
 */
export function sessionCookieOptions(options: { secure: boolean; maxAge?: number }) {
  return {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: options.secure,
    ...(options.maxAge === undefined ? {} : { maxAge: Math.max(0, Math.floor(options.maxAge)) }),
  } as const;
}

export interface Session {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  /** RFC 8176 authentication method references gathered so far (`pwd`, `otp`, `mfa`, ...). */
  readonly amr: string[];
  /** When the last second factor was verified in this session, or null. */
  readonly mfaAt: number | null;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly idleExpiresAt: number;
  readonly absoluteExpiresAt: number;
  /** The first factor of the sign-in that started it: a password, or a Temporary Access Pass. */
  readonly firstFactor: SessionFirstFactor | null;
}

export type SessionFirstFactor = 'pwd' | 'tap';

/** A session started with a pass may set a password without the current one this long (spec section 6). */
export const passSessionPasswordWindowMs = 60 * 60_000;

/** A session as listed for its user ("where am I signed in"). */
export interface SessionSummary extends Session {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export interface CreateSessionInput {
  readonly tenantId: string;
  readonly userId: string;
  readonly amr: string[];
  readonly mfaAt: number | null;
  readonly firstFactor?: SessionFirstFactor | undefined;
  readonly ip?: string | undefined;
  readonly userAgent?: string | undefined;
}

export interface SessionService {
  /** Starts a session; the token is returned once and only its SHA-256 is stored. */
  create(input: CreateSessionInput): Promise<{ token: string; session: Session }>;
  /**
   * The live session for a token, or undefined when the token is unknown, revoked, idle- or
   * absolute-expired, its user is disabled, or (with `tenantId`) it belongs to another tenant.
   * Slides the idle expiry, writing at most once a minute.
   */
  authenticate(token: string, options?: { tenantId?: string }): Promise<Session | undefined>;
  /**
   * Step-up: records a second factor verified now, adding `amr` values. Undefined when the session
   * is no longer live. `read`: the session as the caller read it moments ago (authenticate); the
   * write is then tried first on that value, without reading the row again.
   */
  recordSecondFactor(
    sessionId: string,
    amr: readonly string[],
    read?: { readonly amr: readonly string[] },
  ): Promise<Session | undefined>;
  /** Revokes one session of the tenant; false when there was no live one. Audited. */
  revoke(tenantId: string, sessionId: string, actor: Actor, options?: { reason?: string }): Promise<boolean>;
  /**
   * Revokes every live session of a user (sign out everywhere, admin revoke, re-registration),
   * optionally sparing the caller's own; returns how many. Audited; with `executor`, inside the
   * caller's transaction so it commits or rolls back with the rest of the action.
   */
  revokeAllForUser(
    tenantId: string,
    userId: string,
    actor: Actor,
    options?: {
      exceptSessionId?: string;
      reason?: string;
      executor?: Executor;
      /** End the user's application grants too (default: unless a session is kept). */
      endGrants?: boolean;
    },
  ): Promise<number>;
  /** How many sessions of the user are live (not revoked, not expired). */
  countActive(tenantId: string, userId: string): Promise<number>;
  /** The user's live sessions, newest first. */
  listForUser(tenantId: string, userId: string): Promise<SessionSummary[]>;
  /** Deletes sessions that ended (expired or revoked) more than `retainMs` ago; returns how many. */
  purgeEnded(retainMs?: number): Promise<number>;
}

type SessionRow = Selectable<Database['sessions']>;

/** The live sessions (not revoked, not expired, of an enabled user) at `now`. */
function liveSessions(executor: Executor, now: number) {
  return executor
    .selectFrom('sessions')
    .innerJoin('users', (join) =>
      join.onRef('users.id', '=', 'sessions.user_id').onRef('users.tenant_id', '=', 'sessions.tenant_id'),
    )
    .selectAll('sessions')
    .where('users.disabled', '=', 0)
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.idle_expires_at', '>', now)
    .where('sessions.absolute_expires_at', '>', now);
}

// Every signed-in request starts with one of these two reads.
const sessionByToken = preparedQuery((db, v: Slots<{ now: number; tokenHash: string }>) =>
  liveSessions(db, v.now).where('sessions.token_hash', '=', v.tokenHash),
);
const sessionByTokenInTenant = preparedQuery(
  (db, v: Slots<{ now: number; tokenHash: string; tenantId: string }>) =>
    liveSessions(db, v.now)
      .where('sessions.token_hash', '=', v.tokenHash)
      .where('sessions.tenant_id', '=', v.tenantId),
);

/**
 * A second factor recorded on the session as the caller read it: a compare-and-set on its amr,
 * with the liveness the read checked (not revoked, not expired, user not disabled) as conditions.
 */
const recordOnLiveSession = preparedQuery(
  (
    db,
    v: Slots<{ sessionId: string; merged: string; readAmr: string; now: number; idleExpiresAt: number }>,
  ) =>
    db
      .updateTable('sessions')
      .set({
        amr: v.merged,
        mfa_at: v.now,
        last_seen_at: v.now,
        idle_expires_at: sql<number>`case when absolute_expires_at < cast(${v.idleExpiresAt} as bigint) then absolute_expires_at else cast(${v.idleExpiresAt} as bigint) end`,
      })
      .where('id', '=', v.sessionId)
      .where('amr', '=', v.readAmr)
      .where('revoked_at', 'is', null)
      .where('idle_expires_at', '>', v.now)
      .where('absolute_expires_at', '>', v.now)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('users')
            .select('users.id')
            .whereRef('users.id', '=', 'sessions.user_id')
            .whereRef('users.tenant_id', '=', 'sessions.tenant_id')
            .where('users.disabled', '=', 0),
        ),
      )
      .returningAll(),
);

function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    amr: parseAmr(row.amr),
    mfaAt: row.mfa_at,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    idleExpiresAt: row.idle_expires_at,
    absoluteExpiresAt: row.absolute_expires_at,
    firstFactor: row.first_factor === 'pwd' || row.first_factor === 'tap' ? row.first_factor : null,
  };
}

function parseAmr(text: string): string[] {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function checkAmr(amr: readonly string[]): string[] {
  const values = [...new Set(amr)];
  for (const value of values) {
    if (!/^[a-z0-9_]{1,32}$/.test(value))
      throw new TwofoldError('validation_failed', `amr: '${value.slice(0, 40)}' is not an RFC 8176 value`);
  }
  return values;
}

export function createSessionService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
  lifetimes?: { idleMs?: number; absoluteMs?: number };
  /**
   * Tells the applications when sessions end (back-channel logout, oidc/backchannel-logout.ts),
   * inside the same transaction: those one session signed in to when it ends alone, and all of
   * the user's (before the grants are deleted) when every grant ends with the sessions.
   */
  applicationLogout?: Pick<ApplicationLogout, 'sessionsEnded' | 'sessionEnded'>;
}): SessionService {
  const { db, clock, audit } = deps;
  const idleMs = deps.lifetimes?.idleMs ?? defaultSessionLifetimes.idleMs;
  const absoluteMs = deps.lifetimes?.absoluteMs ?? defaultSessionLifetimes.absoluteMs;
  if (!(idleMs > 0 && absoluteMs > 0)) throw new RangeError('session lifetimes must be positive');

  /** Sessions of live users: a disabled user's sessions stop at once, not at their expiry. */
  return {
    async create(input) {
      const amr = checkAmr(input.amr);
      const now = clock.now();
      const token = generateToken(sessionTokenPrefix);
      const row: SessionRow = {
        id: generateId(now),
        tenant_id: input.tenantId,
        user_id: input.userId,
        token_hash: hashToken(token),
        amr: JSON.stringify(amr),
        mfa_at: input.mfaAt,
        created_at: now,
        last_seen_at: now,
        idle_expires_at: Math.min(now + idleMs, now + absoluteMs),
        absolute_expires_at: now + absoluteMs,
        revoked_at: null,
        ip: input.ip?.slice(0, 64) ?? null,
        user_agent: input.userAgent?.slice(0, 512) ?? null,
        first_factor: input.firstFactor ?? null,
      };
      await db.insertInto('sessions').values(row).execute();
      return { token, session: toSession(row) };
    },

    async authenticate(token, options = {}) {
      if (typeof token !== 'string' || !sessionTokenPattern.test(token)) return undefined;
      const now = clock.now();
      const tokenHash = hashToken(token);
      const row = await (options.tenantId === undefined
        ? sessionByToken.first(db, { now, tokenHash })
        : sessionByTokenInTenant.first(db, { now, tokenHash, tenantId: options.tenantId }));
      if (!row) return undefined;
      if (now - row.last_seen_at < lastSeenWriteIntervalMs) return toSession(row);
      // Slide the idle expiry (never past the absolute one). The condition on last_seen_at makes
      // concurrent requests of one session write once, and a revocation that landed since the
      // read is not undone.
      const idleExpiresAt = Math.min(now + idleMs, row.absolute_expires_at);
      const slid = await db
        .updateTable('sessions')
        .set({ last_seen_at: now, idle_expires_at: idleExpiresAt })
        .where('id', '=', row.id)
        .where('last_seen_at', '=', row.last_seen_at)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(slid.numUpdatedRows) === 1)
        return toSession({ ...row, last_seen_at: now, idle_expires_at: idleExpiresAt });
      // Another request slid it first, or it was revoked meanwhile: the row tells which.
      const current = await liveSessions(db, now).where('sessions.id', '=', row.id).executeTakeFirst();
      return current ? toSession(current) : undefined;
    },

    async recordSecondFactor(sessionId, amr, read) {
      const added = checkAmr(amr);
      // amr is a JSON list merged in code, so the write is a compare-and-set on the value read:
      // two step-ups at once both land instead of one overwriting the other's method.
      if (read) {
        // The same write on the caller's value, with the liveness the read below checks (not
        // revoked, not expired, user not disabled) as conditions; if anything changed since,
        // nothing is written and the loop reads the row as it is now.
        const now = clock.now();
        const merged = JSON.stringify([...new Set([...read.amr, ...added])]);
        const idleExpiresAt = now + idleMs;
        const updated = await recordOnLiveSession.first(db, {
          sessionId,
          merged,
          readAmr: JSON.stringify(read.amr),
          now,
          idleExpiresAt,
        });
        if (updated) return toSession(updated);
      }
      for (let attempt = 0; attempt < 5; attempt++) {
        const now = clock.now();
        const row = await liveSessions(db, now).where('sessions.id', '=', sessionId).executeTakeFirst();
        if (!row) return undefined;
        const merged = JSON.stringify([...new Set([...parseAmr(row.amr), ...added])]);
        const idleExpiresAt = Math.min(now + idleMs, row.absolute_expires_at);
        const updated = await db
          .updateTable('sessions')
          .set({ amr: merged, mfa_at: now, last_seen_at: now, idle_expires_at: idleExpiresAt })
          .where('id', '=', sessionId)
          .where('amr', '=', row.amr)
          .where('revoked_at', 'is', null)
          .returningAll()
          .executeTakeFirst();
        if (updated) return toSession(updated);
      }
      throw new TwofoldError('service_unavailable', 'the session kept changing; retry');
    },

    async revoke(tenantId, sessionId, actor, options = {}) {
      return db.transaction().execute(async (trx) => {
        const now = clock.now();
        const revoked = await trx
          .updateTable('sessions')
          .set({ revoked_at: now })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', sessionId)
          .where('revoked_at', 'is', null)
          .where('absolute_expires_at', '>', now)
          .where('idle_expires_at', '>', now)
          .returning('user_id')
          .executeTakeFirst();
        if (!revoked) return false;
        await deps.applicationLogout?.sessionEnded(trx, tenantId, revoked.user_id, [sessionId], actor);
        await audit.record(
          {
            tenantId,
            actor,
            action: 'session.revoke',
            target: { type: 'user', id: revoked.user_id },
            ...(options.reason ? { reason: options.reason } : {}),
            details: { sessionId },
          },
          trx,
        );
        return true;
      });
    },

    async revokeAllForUser(tenantId, userId, actor, options = {}) {
      const write = async (trx: Executor) => {
        const now = clock.now();
        let update = trx
          .updateTable('sessions')
          .set({ revoked_at: now })
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .where('absolute_expires_at', '>', now)
          .where('idle_expires_at', '>', now);
        if (options.exceptSessionId !== undefined) update = update.where('id', '!=', options.exceptSessionId);
        const ended = await update.returning('id').execute();
        const count = ended.length;
        // Applications signed in through OpenID Connect lose their grants, tokens and provider
        // sessions with the Twofold sessions (except on "sign out other sessions", which keeps the
        // caller's: then only the applications the ended sessions signed in to are told).
        if (options.endGrants ?? options.exceptSessionId === undefined) {
          await deps.applicationLogout?.sessionsEnded(trx, tenantId, userId, actor);
          await revokeApplicationGrants(trx, tenantId, userId);
        } else {
          const ids = ended.map((row) => row.id);
          await deps.applicationLogout?.sessionEnded(trx, tenantId, userId, ids, actor);
        }
        await audit.record(
          {
            tenantId,
            actor,
            action: 'session.revoke_all',
            target: { type: 'user', id: userId },
            ...(options.reason ? { reason: options.reason } : {}),
            details: {
              count,
              ...(options.exceptSessionId ? { exceptSessionId: options.exceptSessionId } : {}),
            },
          },
          trx,
        );
        return count;
      };
      return options.executor ? write(options.executor) : db.transaction().execute(write);
    },

    async countActive(tenantId, userId) {
      const now = clock.now();
      const row = await db
        .selectFrom('sessions')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('idle_expires_at', '>', now)
        .where('absolute_expires_at', '>', now)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async listForUser(tenantId, userId) {
      const rows = await liveSessions(db, clock.now())
        .where('sessions.tenant_id', '=', tenantId)
        .where('sessions.user_id', '=', userId)
        .orderBy('sessions.created_at', 'desc')
        .orderBy('sessions.id', 'desc')
        .execute();
      return rows.map((row) => ({ ...toSession(row), ip: row.ip, userAgent: row.user_agent }));
    },

    async purgeEnded(retainMs = 30 * 24 * 60 * 60_000) {
      const before = clock.now() - retainMs;
      const result = await db
        .deleteFrom('sessions')
        .where((eb) =>
          eb.or([
            eb('revoked_at', '<', before),
            eb('idle_expires_at', '<', before),
            eb('absolute_expires_at', '<', before),
          ]),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
