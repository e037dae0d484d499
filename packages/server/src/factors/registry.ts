/**
 * The only list of factor types, and the registry that flows ask instead of naming a factor.
 *
 * The names are public (spec section 2: `methods.type`, the policy's `allowedMethods`, sign-in
 * log entries). Each factor's implementation lives in its folder and is handed to
 * `createFactorRegistry` by the wiring (factors/index.ts); the registry refuses to start unless
 * every type below has exactly one implementation.
 */
import { TwofoldError } from '@twofold/core';
import type { Actor, Executor } from '../audit/audit-log.js';
import type {
  ChallengeInput,
  EndEvent,
  EndResult,
  EndTarget,
  EntryTarget,
  Factor,
  FactorChallenge,
  FactorContext,
  FactorEntry,
  FactorRegistration,
  MethodDescription,
  OfferedEntry,
  RegistrationInput,
} from './factor.js';
import type { Method } from './method-service.js';

export const factorTypes = {
  authenticator: 'authenticator',
  totp: 'totp',
  sms: 'sms',
  email: 'email',
  hardwareOath: 'hardware_oath',
  /** WebAuthn credentials (phishing-resistant; with user verification also a sign-in without a password). */
  passkey: 'passkey',
  /** Approvals on the Twofold Authenticator: rides on `authenticator` methods (their devices). */
  push: 'push',
  recoveryCodes: 'recovery_codes',
  temporaryAccessPass: 'temporary_access_pass',
} as const;

/** Types of rows in `methods`. */
export const methodTypes = [
  factorTypes.authenticator,
  factorTypes.totp,
  factorTypes.sms,
  factorTypes.email,
  factorTypes.hardwareOath,
  factorTypes.passkey,
] as const;
export type MethodType = (typeof methodTypes)[number];

/** What the tenant policy's `allowedMethods` may name (push is allowed with `authenticator`). */
export const policyTypes = [
  ...methodTypes,
  factorTypes.recoveryCodes,
  factorTypes.temporaryAccessPass,
] as const;
export type PolicyType = (typeof policyTypes)[number];

/** Policy types that are a second factor on their own (MFA-required tenants must allow one). */
export const secondFactorPolicyTypes: readonly PolicyType[] = methodTypes;

/** The sign-in log's name for a sign-in with a Temporary Access Pass. */
export const passMethodType = factorTypes.temporaryAccessPass;

/** Every factor type, in the order entries are offered for one method (push before its code). */
const offerOrder: readonly string[] = [
  factorTypes.passkey,
  factorTypes.push,
  factorTypes.authenticator,
  factorTypes.totp,
  factorTypes.hardwareOath,
  factorTypes.sms,
  factorTypes.email,
  factorTypes.recoveryCodes,
  factorTypes.temporaryAccessPass,
];

export interface ResolvedEntry extends EntryTarget {
  readonly factor: Factor;
}

export interface FactorRegistry {
  /** The factor of a type (a method's `type`, or `push`, `recovery_codes`, ...); undefined when unknown. */
  get(type: string): Factor | undefined;
  /** Every factor, in offer order. */
  readonly all: readonly Factor[];
  /** The policy allows this factor now. */
  permitted(tenantPolicy: { readonly allowedMethods: readonly string[] }, factor: Factor): boolean;
  /**
   * The entries a user can answer a challenge with now, default first: their active methods of
   * the types the policy allows, a push entry before an authenticator method that push reaches,
   * and recovery codes last (only beside others). A type the policy turned off stops at once.
   *
   * `proof`: the entries a user may prove who they are with before registering a new method
   * (spec section 6): every method they hold with a code, of any type (the policy no longer
   * allowing it does not make it someone else's), and recovery codes if the policy allows them.
   */
  offer(
    ctx: FactorContext,
    activeMethods: readonly Method[],
    options?: { proof?: boolean },
  ): Promise<FactorEntry[]>;
  /**
   * What an entry id is: one of the factors' own ids, or one of the user's methods (active; or
   * pending with `pending`), of a type the policy allows. Undefined when it is none of them.
   */
  resolve(
    ctx: FactorContext,
    entryId: string,
    findMethod: (methodId: string) => Promise<Method | undefined>,
    options?: { pending?: boolean; proof?: boolean },
  ): Promise<ResolvedEntry | undefined>;
  /** `resolve` for a method already read (undefined when it is not a usable entry). */
  resolveMethod(
    ctx: FactorContext,
    method: Method,
    options?: { pending?: boolean; proof?: boolean },
  ): ResolvedEntry | undefined;
  /** The factor whose own entries start like this id (`push:...`, `recovery-codes`), if any. */
  ownerOfEntry(entryId: string): Factor | undefined;
  /** The factor that signs in from a credential alone (a passkey), if the policy allows one. */
  discoverer(tenantPolicy: { readonly allowedMethods: readonly string[] }): Factor | undefined;
  /** The session's amr shows a phishing-resistant factor (a passkey). */
  phishingResistant(amr: readonly string[]): boolean;
  /** The method types that are phishing-resistant. */
  phishingResistantTypes(): string[];
  /** What every factor says of the user's methods beyond their rows, by method id. */
  describe(tenantId: string, userId: string): Promise<Map<string, MethodDescription>>;
  /** The types a user may register now, in the order offered. */
  registrableTypes(tenantPolicy: { readonly allowedMethods: readonly string[] }): string[];
  /** Registers a method of `type`; validation_failed or method_type_not_allowed when it cannot be. */
  register(
    ctx: FactorContext,
    type: string,
    input: RegistrationInput,
    actor: Actor,
  ): Promise<FactorRegistration>;
  /** Sends a code or starts a push for a resolved entry ({} when nothing needs doing). */
  challenge(ctx: FactorContext, entry: ResolvedEntry, input: ChallengeInput): Promise<FactorChallenge>;
  /** Asks every factor what the event ends, inside the caller's transaction, and sums the answers. */
  end(executor: Executor, target: EndTarget, event: EndEvent): Promise<Required<EndResult>>;
}

export function createFactorRegistry(factors: readonly Factor[]): FactorRegistry {
  const byType = new Map<string, Factor>();
  for (const factor of factors) {
    if (byType.has(factor.type)) throw new Error(`two implementations of the factor '${factor.type}'`);
    if (!offerOrder.includes(factor.type)) throw new Error(`'${factor.type}' is not a factor type`);
    byType.set(factor.type, factor);
  }
  const missing = offerOrder.filter((type) => !byType.has(type));
  if (missing.length > 0) throw new Error(`no implementation of the factor ${missing.join(', ')}`);
  const all = offerOrder.map((type) => byType.get(type)!);
  const own = all.filter((f) => f.source === 'own' && f.entryPrefix !== undefined);
  const permitted = (policy: { readonly allowedMethods: readonly string[] }, factor: Factor) =>
    policy.allowedMethods.includes(factor.policyType);
  /** A proof before registration: any method the user holds proves them, whatever the policy says now. */
  const usable = (policy: { readonly allowedMethods: readonly string[] }, factor: Factor, proof: boolean) =>
    proof
      ? (factor.verify !== undefined || factor.verifyCredential !== undefined) &&
        ((methodTypes as readonly string[]).includes(factor.policyType) || permitted(policy, factor))
      : permitted(policy, factor);
  const registrable = all.filter((f) => f.register !== undefined);

  function resolveMethod(
    ctx: FactorContext,
    method: Method,
    options: { pending?: boolean; proof?: boolean } = {},
  ): ResolvedEntry | undefined {
    const live = method.status === 'active' || (options.pending === true && method.status === 'pending');
    const factor = byType.get(method.type);
    if (!live || factor?.source !== 'method' || !usable(ctx.tenant.policy, factor, options.proof === true))
      return undefined;
    return { factor, entryId: method.id, method };
  }

  return {
    get: (type) => byType.get(type),
    all,
    permitted,

    async offer(ctx, activeMethods, options = {}) {
      const policy = ctx.tenant.policy;
      const proof = options.proof === true;
      const methods = activeMethods.filter((m) => {
        const factor = byType.get(m.type);
        return factor?.source === 'method' && m.status === 'active' && usable(policy, factor, proof);
      });
      const offered: OfferedEntry[] = methods.map((m) => ({
        id: m.id,
        type: m.type,
        label: m.label,
        isDefault: m.isDefault,
        methodId: m.id,
      }));
      for (const factor of all) {
        if (factor.source !== 'own' || factor.fallback || !factor.offer || !usable(policy, factor, proof))
          continue;
        offered.push(...(await factor.offer(ctx, methods, offered.length)));
      }
      // Per method, in offer order (push before its code); the first keeps the method's default.
      const rank = (e: OfferedEntry) => offerOrder.indexOf(e.type);
      const entries: FactorEntry[] = [];
      for (const method of methods) {
        const mine = offered.filter((e) => e.methodId === method.id).sort((a, b) => rank(a) - rank(b));
        for (const [i, e] of mine.entries()) {
          entries.push({ id: e.id, type: e.type, label: e.label, isDefault: i === 0 && e.isDefault });
        }
      }
      for (const e of offered) {
        if (e.methodId === undefined)
          entries.push({ id: e.id, type: e.type, label: e.label, isDefault: e.isDefault });
      }
      for (const factor of all) {
        if (!factor.fallback || !factor.offer || !usable(policy, factor, proof)) continue;
        for (const e of await factor.offer(ctx, methods, entries.length)) {
          entries.push({ id: e.id, type: e.type, label: e.label, isDefault: e.isDefault });
        }
      }
      return entries;
    },

    async resolve(ctx, entryId, findMethod, options = {}) {
      const owner = own.find((f) => entryId.startsWith(f.entryPrefix!));
      const proof = options.proof === true;
      if (owner) {
        if (!usable(ctx.tenant.policy, owner, proof)) return undefined;
        const ref = entryId.slice(owner.entryPrefix!.length);
        return { factor: owner, entryId, ...(ref ? { ref } : {}) };
      }
      const method = await findMethod(entryId);
      return method && resolveMethod(ctx, method, options);
    },

    resolveMethod,

    ownerOfEntry: (entryId) => own.find((f) => entryId.startsWith(f.entryPrefix!)),

    discoverer: (policy) => all.find((f) => f.discover !== undefined && permitted(policy, f)),

    phishingResistant: (amr) => all.some((f) => f.provedIn?.(amr) === true),
    phishingResistantTypes: () => all.filter((f) => f.provedIn && f.source === 'method').map((f) => f.type),

    async describe(tenantId, userId) {
      const described = new Map<string, MethodDescription>();
      for (const factor of all) {
        if (!factor.describe) continue;
        for (const [id, d] of await factor.describe(tenantId, userId)) described.set(id, d);
      }
      return described;
    },

    registrableTypes: (policy) => registrable.filter((f) => permitted(policy, f)).map((f) => f.type),

    async register(ctx, type, input, actor) {
      const factor = registrable.find((f) => f.type === type);
      if (!factor?.register) {
        throw new TwofoldError(
          'validation_failed',
          `type: '${type}' cannot be registered here; use ${registrable.map((f) => f.type).join(', ')}`,
        );
      }
      if (!permitted(ctx.tenant.policy, factor)) {
        throw new TwofoldError('method_type_not_allowed', `your organisation does not allow ${type} methods`);
      }
      return factor.register(ctx, input, actor);
    },

    async challenge(ctx, entry, input) {
      return entry.factor.challenge ? entry.factor.challenge(ctx, entry, input) : {};
    },

    async end(executor, target, event) {
      const deletedMethods: { id: string; type: string }[] = [];
      let disabledMethods = 0;
      let revokedDevices = 0;
      let revokedPasses = 0;
      let endedRecoveryCodes = 0;
      for (const factor of all) {
        if (!factor.end) continue;
        const ended = await factor.end(executor, target, event);
        deletedMethods.push(...(ended.deletedMethods ?? []));
        disabledMethods += ended.disabledMethods ?? 0;
        revokedDevices += ended.revokedDevices ?? 0;
        revokedPasses += ended.revokedPasses ?? 0;
        endedRecoveryCodes += ended.endedRecoveryCodes ?? 0;
      }
      return { deletedMethods, disabledMethods, revokedDevices, revokedPasses, endedRecoveryCodes };
    },
  };
}
