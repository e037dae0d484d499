/**
 * Passkeys (WebAuthn, spec section 6) on @simplewebauthn/server: registration (resident key
 * preferred, user verification required, "none" attestation), an assertion as a second factor, and
 * a sign-in from the credential alone. The relying party is the host of TWOFOLD_PUBLIC_URL and the
 * only accepted origin is its origin. Each challenge is spent once (passkey-store.ts) and bound to
 * its user and method, or to its sign-in and browser; a signature counter that does not move
 * forward is refused as a cloned authenticator.
 */
import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { TwofoldError } from '@twofold/core';
import type { Kysely } from 'kysely';
import type { Actor, AuditLog } from '../../audit/audit-log.js';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/schema.js';
import { generateId } from '../../platform/ids.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import type { UserService } from '../../users/user-service.js';
import type {
  DiscoveryAnswerBinding,
  DiscoveryBinding,
  DiscoveryCheck,
  FactorCheck,
  WebAuthnOptions,
} from '../factor.js';
import { activatePendingMethod, insertPendingMethod } from '../method-service.js';
import { factorTypes } from '../registry.js';
import { checkMethodLabel } from '../totp/totp-method-service.js';
import { authenticatorModel } from './authenticator-models.js';
import { type ChallengeBinding, type CredentialRow, createPasskeyStore } from './passkey-store.js';

/** How long the browser may take (WebAuthn `timeout`), and the challenge with it. */
export const passkeyChallengeMs = 5 * 60 * 1000;

export interface PasskeyServiceDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly users: Pick<UserService, 'getById'>;
  /** TWOFOLD_PUBLIC_URL: its host is the relying party id, its origin the only one accepted. */
  readonly publicUrl: string;
}

/** A passkey as Security info and the console show it. */
export interface PasskeyDetails {
  readonly methodId: string;
  readonly model: string | null;
  readonly aaguid: string;
  /** Synced (backup eligible, `swk`) or bound to one device (`hwk`). */
  readonly synced: boolean;
  readonly backedUp: boolean;
  readonly transports: string[];
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

type Refusal = Exclude<FactorCheck, { ok: true }>;
const refusal = (reason: Refusal['reason']): Refusal => ({ ok: false, reason });

/** The challenge a browser signed, read from the response's clientDataJSON (verified again by the library). */
function signedChallenge(credential: unknown): string | undefined {
  const data = (credential as { response?: { clientDataJSON?: unknown } } | null)?.response?.clientDataJSON;
  if (typeof data !== 'string' || data.length > 4096) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof parsed.challenge === 'string' && parsed.challenge.length <= 200
      ? parsed.challenge
      : undefined;
  } catch {
    return undefined;
  }
}

function credentialIdOf(credential: unknown): string | undefined {
  const id = (credential as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length > 0 && id.length <= 1400 ? id : undefined;
}

/** What a success proves (RFC 8176): a synced passkey is a software key, else a hardware key; UV is `user`. */
export function passkeyAmr(backupEligible: boolean): string[] {
  return [backupEligible ? 'swk' : 'hwk', 'user'];
}

/** A session's amr shows a passkey: a key (hardware or synced) together with user verification. */
export function passkeyProvedIn(amr: readonly string[]): boolean {
  return amr.includes('user') && (amr.includes('hwk') || amr.includes('swk'));
}

export function createPasskeyService(deps: PasskeyServiceDeps) {
  const { db, clock, audit, users } = deps;
  const store = createPasskeyStore(db);
  const url = new URL(deps.publicUrl);
  const rpID = url.hostname;
  const origin = url.origin;

  async function issue(binding: ChallengeBinding, challenge: string): Promise<number> {
    const now = clock.now();
    await store.issueChallenge(binding, challenge, now, now + passkeyChallengeMs);
    return now + passkeyChallengeMs;
  }

  /** Checks an assertion against a stored credential; the counter must move forward. */
  async function checkAssertion(
    row: CredentialRow,
    credential: unknown,
    challenge: string,
  ): Promise<{ ok: true; amr: string[] } | Refusal> {
    let info: Awaited<ReturnType<typeof verifyAuthenticationResponse>>['authenticationInfo'];
    try {
      const verified = await verifyAuthenticationResponse({
        response: credential as AuthenticationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: origin,
        expectedRPID: rpID,
        // The counter is compared below, where a counter that went backwards has its own reason.
        credential: {
          id: row.credential_id,
          publicKey: new Uint8Array(Buffer.from(row.public_key, 'base64url')),
          counter: 0,
        },
        requireUserVerification: true,
      });
      if (!verified.verified) return refusal('passkey_invalid');
      info = verified.authenticationInfo;
    } catch {
      return refusal('passkey_invalid');
    }
    const stored = Number(row.sign_count);
    if ((stored > 0 || info.newCounter > 0) && info.newCounter <= stored) {
      return refusal('passkey_counter_replayed');
    }
    const recorded = await store.recordUse(row, info.newCounter, info.credentialBackedUp, clock.now());
    if (!recorded) return refusal('passkey_counter_replayed');
    return { ok: true, amr: passkeyAmr(row.backup_eligible === 1) };
  }

  return {
    rpID,
    origin,

    /** Starts a registration: a pending `passkey` method and the options for navigator.credentials.create(). */
    async register(
      tenant: Tenant,
      userId: string,
      input: { label?: string | undefined },
      actor: Actor,
    ): Promise<{ methodId: string; options: WebAuthnOptions }> {
      const label = checkMethodLabel(input.label) ?? 'Passkey';
      const user = await users.getById(tenant.id, userId);
      const held = await store.credentialIdsOfUser(tenant.id, userId);
      const options = await generateRegistrationOptions({
        rpName: tenant.name,
        rpID,
        userName: user.email,
        userDisplayName: user.displayName,
        userID: new TextEncoder().encode(user.id),
        timeout: passkeyChallengeMs,
        attestationType: 'none',
        excludeCredentials: held.map((c) => ({
          id: c.credential_id,
          transports: JSON.parse(c.transports) as AuthenticatorTransport[],
        })),
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
      });
      const now = clock.now();
      const methodId = generateId(now);
      await db.transaction().execute((trx) =>
        insertPendingMethod(trx, audit, {
          id: methodId,
          tenantId: tenant.id,
          userId,
          type: factorTypes.passkey,
          label,
          now,
          actor,
          columns: {},
        }),
      );
      await issue({ tenantId: tenant.id, purpose: 'register', userId, methodId }, options.challenge);
      return { methodId, options: options as unknown as WebAuthnOptions };
    },

    /** Confirms a pending passkey with the browser's registration response. */
    async confirm(
      method: { id: string; tenant_id: string; user_id: string },
      credential: unknown,
      actor?: Actor,
    ): Promise<FactorCheck> {
      const challenge = signedChallenge(credential);
      const binding = {
        tenantId: method.tenant_id,
        purpose: 'register',
        userId: method.user_id,
        methodId: method.id,
      } as const;
      if (!challenge || !(await store.spendChallenge(binding, challenge, clock.now()))) {
        return refusal('passkey_challenge_invalid');
      }
      let info: NonNullable<Awaited<ReturnType<typeof verifyRegistrationResponse>>['registrationInfo']>;
      try {
        const verified = await verifyRegistrationResponse({
          response: credential as RegistrationResponseJSON,
          expectedChallenge: challenge,
          expectedOrigin: origin,
          expectedRPID: rpID,
          requireUserVerification: true,
        });
        if (!verified.verified) return refusal('passkey_invalid');
        info = verified.registrationInfo;
      } catch {
        return refusal('passkey_invalid');
      }
      const now = clock.now();
      const backupEligible = info.credentialDeviceType === 'multiDevice';
      const stored = await store.insertCredential({
        methodId: method.id,
        tenantId: method.tenant_id,
        userId: method.user_id,
        credentialId: info.credential.id,
        publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
        signCount: info.credential.counter,
        transports: info.credential.transports ?? [],
        backupEligible,
        backedUp: info.credentialBackedUp,
        aaguid: info.aaguid,
        model: authenticatorModel(info.aaguid),
        now,
      });
      // A credential registered here before (by anyone) is not registered again.
      if (!stored) return refusal('passkey_invalid');
      const model = authenticatorModel(info.aaguid);
      if (model) await store.setMethodModel(method.id, model);
      const activated = await activatePendingMethod(
        { db, audit },
        { id: method.id, tenant_id: method.tenant_id, user_id: method.user_id, type: factorTypes.passkey },
        now,
        actor,
      );
      if (!activated) throw new TwofoldError('method_not_found', 'this passkey registration has ended');
      return { ok: true, activated: true, amr: passkeyAmr(backupEligible) };
    },

    /** Options for navigator.credentials.get() naming one of the user's passkeys. */
    async challenge(tenantId: string, userId: string, methodId: string) {
      const row = await store.credentialOfMethod(tenantId, userId, methodId);
      if (!row) throw new TwofoldError('method_not_found', 'no such passkey for this account');
      const options = await generateAuthenticationOptions({
        rpID,
        allowCredentials: [
          { id: row.credential_id, transports: JSON.parse(row.transports) as AuthenticatorTransport[] },
        ],
        userVerification: 'required',
        timeout: passkeyChallengeMs,
      });
      const expiresAt = await issue(
        { tenantId, purpose: 'authenticate', userId, methodId },
        options.challenge,
      );
      return { options: options as unknown as WebAuthnOptions, expiresAt };
    },

    /** An assertion by one of the user's passkeys, to the last challenge issued for it. */
    async verify(
      tenantId: string,
      userId: string,
      methodId: string,
      credential: unknown,
    ): Promise<FactorCheck> {
      const row = await store.credentialOfMethod(tenantId, userId, methodId);
      if (!row) return refusal('method_not_found');
      const challenge = signedChallenge(credential);
      const binding = { tenantId, purpose: 'authenticate', userId, methodId } as const;
      if (!challenge || !(await store.spendChallenge(binding, challenge, clock.now()))) {
        return refusal('passkey_challenge_invalid');
      }
      // Another user's (or another method's) credential never answers for this one.
      if (credentialIdOf(credential) !== row.credential_id) return refusal('passkey_invalid');
      return checkAssertion(row, credential, challenge);
    },

    /** A sign-in without a password: options with no allowed credentials, bound to the sign-in and browser. */
    async startDiscovery(tenant: Tenant, binding: DiscoveryBinding) {
      const options = await generateAuthenticationOptions({
        rpID,
        userVerification: 'required',
        timeout: passkeyChallengeMs,
      });
      const expiresAt = await issue(
        { tenantId: tenant.id, purpose: 'discover', ...binding },
        options.challenge,
      );
      return { options: options as unknown as WebAuthnOptions, expiresAt };
    },

    /** The answer to a discovery: which of this tenant's credentials signed, and so which user. */
    async finishDiscovery(
      tenant: Tenant,
      binding: DiscoveryAnswerBinding,
      credential: unknown,
    ): Promise<DiscoveryCheck> {
      const challenge = signedChallenge(credential);
      const spent =
        challenge !== undefined &&
        (await store.spendChallenge(
          { tenantId: tenant.id, purpose: 'discover', ...binding },
          challenge,
          clock.now(),
        ));
      if (!spent) return { ok: false, reason: 'passkey_challenge_invalid' };
      const credentialId = credentialIdOf(credential);
      const row = credentialId ? await store.credentialById(tenant.id, credentialId) : undefined;
      if (!row) return { ok: false, reason: 'passkey_unknown' };
      // The user handle, when the authenticator returns one, must be this credential's user.
      const handle = (credential as { response?: { userHandle?: unknown } }).response?.userHandle;
      if (typeof handle === 'string' && Buffer.from(handle, 'base64url').toString('utf8') !== row.user_id) {
        return { ok: false, reason: 'passkey_invalid', userId: row.user_id, methodId: row.method_id };
      }
      const checked = await checkAssertion(row, credential, challenge);
      if (!checked.ok)
        return {
          ok: false,
          reason: checked.reason,
          userId: row.user_id,
          methodId: row.method_id,
        } as DiscoveryCheck;
      return { ok: true, userId: row.user_id, methodId: row.method_id, amr: checked.amr };
    },

    /** The user's passkeys with what the console shows of each. */
    async details(tenantId: string, userId: string): Promise<PasskeyDetails[]> {
      const rows = await store.credentialsOfUser(tenantId, userId);
      return rows.map((r) => ({
        methodId: r.method_id,
        model: r.model,
        aaguid: r.aaguid,
        synced: r.backup_eligible === 1,
        backedUp: r.backed_up === 1,
        transports: JSON.parse(r.transports) as string[],
        createdAt: Number(r.created_at),
        lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
      }));
    },

    purgeChallenges: (before: number) => store.purgeChallenges(before),
  };
}

export type PasskeyService = ReturnType<typeof createPasskeyService>;
