import { hkdfSync } from 'node:crypto';
import { TwofoldError } from '@twofold/core';
import type { Kysely } from 'kysely';
import Provider, { type Configuration, interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { GroupService } from '../groups/group-service.js';
import type { Clock } from '../platform/clock.js';
import type { Keyring } from '../platform/crypto/keyring.js';
import type { Sealer } from '../platform/crypto/sealer.js';
import { constantTimeEqual, hashToken } from '../platform/crypto/tokens.js';
import type { Database } from '../platform/db/schema.js';
import { type Session, type SessionService, sessionCookieName } from '../sessions/session-service.js';
import type { Tenant } from '../tenants/tenant-service.js';
import type { UserService } from '../users/user-service.js';
import type { ApplicationLogout } from './backchannel-logout.js';
import type { OidcClientService } from './client-service.js';
import { groupClaims, groupsClaimsConfig, groupsScope } from './group-claims.js';
import { issuerOf } from './issuer.js';
import {
  escapeHtml,
  type OidcPageText,
  oidcPageLocale,
  oidcPageText,
  rememberChosenLanguage,
  renderOidcPage,
} from './pages.js';
import { pinToPublicUrl } from './public-origin.js';
import { type SigningKeyStore, signingAlgorithm } from './signing-keys.js';
import { storageAdapterFactory } from './storage-adapter.js';

/**
 * `acr` values: a phishing-resistant factor (a passkey) was verified in the session, a second
 * factor was, or the password alone.
 */
export const acrPhishingResistant = 'urn:twofold:acr:phr';
export const acrMfa = 'urn:twofold:acr:mfa';
export const acrPassword = 'urn:twofold:acr:pwd';

/** Whether a session's amr shows a phishing-resistant factor (the factor registry's answer). */
export type PhishingResistance = (amr: readonly string[]) => boolean;

/**
 * Asking for `acr_values=urn:twofold:acr:mfa` asks for a second factor verified at most this long
 * ago, as Keycloak's levels of authentication have a maximum age: the same window as changing
 * one's own methods.
 */
export const mfaAcrMaxAgeMs = 10 * 60_000;

/** The provider's endpoints under /t/{tenant}; discovery stays at /t/{tenant}/.well-known/openid-configuration. */
export const oidcRoutes = {
  authorization: '/oidc/auth',
  token: '/oidc/token',
  userinfo: '/oidc/userinfo',
  jwks: '/oidc/jwks',
  end_session: '/oidc/session/end',
  revocation: '/oidc/token/revocation',
  introspection: '/oidc/token/introspection',
  code_verification: '/oidc/device',
  device_authorization: '/oidc/device/auth',
  pushed_authorization_request: '/oidc/request',
  registration: '/oidc/reg',
  backchannel_authentication: '/oidc/backchannel',
} as const;

/** The provider's cookie that binds an interaction to the browser that started it. */
export const interactionCookieName = 'twofold_oidc_interaction';

export { issuerOf } from './issuer.js';

export function interactionPath(slug: string, uid: string): string {
  return `/t/${encodeURIComponent(slug)}/oidc/interaction/${encodeURIComponent(uid)}`;
}

export function acrOf(session: Pick<Session, 'amr'>, phishingResistant: PhishingResistance): string {
  if (session.amr.includes('mfa') && phishingResistant(session.amr)) return acrPhishingResistant;
  return session.amr.includes('mfa') ? acrMfa : acrPassword;
}

/** When the session's user last proved who they are: the second factor, else the sign-in. */
export function authTimeOf(session: Pick<Session, 'mfaAt' | 'createdAt'>): number {
  return session.mfaAt ?? session.createdAt;
}

/** What an authorization request asks of the Twofold session behind it. */
export interface SessionRequirement {
  /** A second factor at all (the tenant requires MFA, or acr_values asks for it). */
  readonly mfa: boolean;
  /** The second factor must be at least this recent (ms since epoch); from max_age and acr_values. */
  readonly mfaSince?: number;
  /** A phishing-resistant factor (a passkey): `acr_values=urn:twofold:acr:phr`. */
  readonly phishingResistant?: boolean;
}

export function requirementOf(
  params: { max_age?: unknown; acr_values?: unknown; prompt?: unknown },
  tenant: Tenant,
  now: number,
): SessionRequirement {
  const acrValues = typeof params.acr_values === 'string' ? params.acr_values.split(' ') : [];
  const wantsMfa = acrValues.includes(acrMfa);
  const bounds: number[] = [];
  const maxAge = typeof params.max_age === 'number' ? params.max_age : Number(params.max_age);
  if (params.max_age !== undefined && Number.isFinite(maxAge) && maxAge >= 0)
    bounds.push(now - maxAge * 1000);
  if (wantsMfa) bounds.push(now - mfaAcrMaxAgeMs);
  const wantsPhr = acrValues.includes(acrPhishingResistant);
  const mfa = wantsMfa || wantsPhr || tenant.policy.mfaRequired || bounds.length > 0;
  return {
    mfa,
    ...(bounds.length > 0 ? { mfaSince: Math.max(...bounds) } : {}),
    ...(wantsPhr ? { phishingResistant: true } : {}),
  };
}

/** Whether a live session answers the requirement without asking the user anything. */
export function sessionSatisfies(
  session: Session,
  requirement: SessionRequirement,
  phishingResistant: PhishingResistance,
): boolean {
  if (requirement.mfa && !session.amr.includes('mfa')) return false;
  if (requirement.phishingResistant && !phishingResistant(session.amr)) return false;
  if (requirement.mfaSince !== undefined && (session.mfaAt === null || session.mfaAt < requirement.mfaSince))
    return false;
  return true;
}

export interface OidcProviderDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly sealer: Sealer;
  readonly keyring: Keyring;
  readonly clients: OidcClientService;
  readonly keys: SigningKeyStore;
  readonly users: UserService;
  readonly groups: Pick<GroupService, 'namesOf'>;
  readonly sessions: SessionService;
  /**
   * Back-channel logout: which applications each Twofold session signed in to (and their `sid`),
   * and the tokens of RP-initiated logout, through the courier.
   */
  readonly applicationLogout: Pick<ApplicationLogout, 'clientSignedOut' | 'signedIn'>;
  /** `email_verified`: the user confirmed a code sent to that address (factors/message-codes). */
  readonly confirmedEmail: (tenantId: string, userId: string, email: string) => Promise<boolean>;
  /** Which sessions a phishing-resistant factor proved (acr `urn:twofold:acr:phr`). */
  readonly factors: { phishingResistant: PhishingResistance };
  /** TWOFOLD_PUBLIC_URL: the issuer, and the origin of every URL the provider publishes. */
  readonly publicUrl: string;
  /** The stylesheet of the web pages, for the few pages the provider renders (sign-out, errors). */
  readonly stylesheet?: string | undefined;
}

export interface OidcProviders {
  /** The tenant's provider, rebuilt when its signing keys changed (a rotation on any instance). */
  forTenant(tenant: Tenant): Promise<Provider>;
}

/** Cookie signing keys for one tenant's provider, derived from every secret key (newest signs, all verify). */
function cookieKeys(keyring: Keyring, tenantId: string): string[] {
  return keyring.keyIds.flatMap((keyId) => {
    const key = keyring.keyFor(keyId);
    if (!key) return [];
    return [
      Buffer.from(
        hkdfSync('sha256', key.export(), Buffer.from(tenantId), 'twofold oidc cookies v1', 32),
      ).toString('base64url'),
    ];
  });
}

/**
 * The live Twofold session of the browser behind a provider request (the HttpOnly session cookie),
 * if any: read once per request, though both login checks ask for it.
 */
function browserSession(
  ctx: KoaContextWithOIDC,
  sessions: SessionService,
  tenantId: string,
): Promise<Session | undefined> {
  const state = ctx.state as { twofoldSession?: Promise<Session | undefined> };
  if (!state.twofoldSession) {
    const token = ctx.cookies.get(sessionCookieName, { signed: false });
    state.twofoldSession = token ? sessions.authenticate(token, { tenantId }) : Promise.resolve(undefined);
  }
  return state.twofoldSession;
}

function buildPolicy(deps: OidcProviderDeps, tenant: Tenant) {
  const { Check, base } = interactionPolicy;
  const policy = base();
  const login = policy.get('login');
  if (!login) throw new Error('oidc-provider has no login prompt');
  // The provider's own session only says which user signed in through it. The Twofold session is
  // what counts: signed out, revoked ("sign out everywhere"), disabled, or another user, and the
  // provider asks again; a second factor older than max_age or the mfa acr allows is asked again too.
  login.checks.add(
    new Check('twofold_session', 'the Twofold session ended or belongs to another user', async (ctx) => {
      const session = await browserSession(ctx, deps.sessions, tenant.id);
      if (!session || session.userId !== ctx.oidc.session?.accountId) return Check.REQUEST_PROMPT;
      return Check.NO_NEED_TO_PROMPT;
    }),
  );
  login.checks.add(
    new Check('twofold_step_up', 'a fresh second factor is required', async (ctx) => {
      if (ctx.oidc.result?.login) return Check.NO_NEED_TO_PROMPT;
      const session = await browserSession(ctx, deps.sessions, tenant.id);
      if (!session) return Check.REQUEST_PROMPT;
      const requirement = requirementOf(ctx.oidc.params as Record<string, unknown>, tenant, deps.clock.now());
      return sessionSatisfies(session, requirement, deps.factors.phishingResistant)
        ? Check.NO_NEED_TO_PROMPT
        : Check.REQUEST_PROMPT;
    }),
  );
  return policy;
}

async function buildProvider(deps: OidcProviderDeps, tenant: Tenant): Promise<Provider> {
  const { users, sessions } = deps;
  const keys = await deps.keys.keys(tenant.id);
  const secure = deps.publicUrl.startsWith('https:');
  const cookiePath = `/t/${encodeURIComponent(tenant.slug)}/oidc`;
  /** A page in the language of the request that gets it; `body` is made with `text` in that language. */
  const page = (ctx: KoaContextWithOIDC, make: (text: OidcPageText) => { title: string; body: string }) => {
    const locale = oidcPageLocale(ctx, tenant.policy.defaultLocale);
    const made = make((key, values, tags) => oidcPageText(locale, key, values, tags));
    // A page answering a GET may be loaded again in another language; one answering a POST may not.
    const reloadable = ctx.method === 'GET';
    if (reloadable) rememberChosenLanguage(ctx, secure);
    ctx.type = 'html';
    ctx.body = renderOidcPage({
      locale,
      ...made,
      stylesheet: deps.stylesheet,
      reloadQuery: reloadable ? ctx.querystring : undefined,
    });
  };

  const configuration: Configuration = {
    adapter: storageAdapterFactory(deps, tenant.id),
    clients: [],
    jwks: { keys: keys.map((k) => k.jwk) as NonNullable<Configuration['jwks']>['keys'] },
    async findAccount(_ctx, sub) {
      const user = await users.getById(tenant.id, sub).catch((error: unknown) => {
        if (error instanceof TwofoldError && error.code === 'user_not_found') return undefined;
        throw error;
      });
      if (!user || user.disabled) return undefined;
      return {
        accountId: user.id,
        async claims(_use, scope) {
          const scopes = new Set(String(scope ?? '').split(' '));
          return {
            sub: user.id,
            email: user.email,
            ...(scopes.has('email')
              ? { email_verified: await deps.confirmedEmail(tenant.id, user.id, user.email) }
              : {}),
            name: user.displayName || user.email,
            // The name the user signs in with.
            preferred_username: user.email,
            ...(await groupClaims(deps.groups, tenant.id, user.id, scope)),
          };
        },
      };
    },
    // acr, amr and auth_time go in every ID token (how and when the user proved it), not only when asked for.
    claims: {
      acr: null,
      amr: null,
      auth_time: null,
      sid: null,
      iss: null,
      openid: ['sub', 'acr', 'amr', 'auth_time'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      ...groupsClaimsConfig(),
    },
    // email and name in the ID token itself (when their scopes were granted), not only from userinfo.
    conformIdTokenClaims: false,
    scopes: ['openid', 'offline_access', 'email', 'profile', groupsScope],
    acrValues: [acrPhishingResistant, acrMfa, acrPassword],
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    enabledJWA: {
      idTokenSigningAlgValues: [signingAlgorithm],
      userinfoSigningAlgValues: [signingAlgorithm],
      requestObjectSigningAlgValues: [signingAlgorithm],
      clientAuthSigningAlgValues: [signingAlgorithm],
      introspectionSigningAlgValues: [signingAlgorithm],
      authorizationSigningAlgValues: [signingAlgorithm],
    },
    // Every client uses PKCE with S256 (public clients have nothing else); plain is not offered.
    pkce: { methods: ['S256'], required: () => true },
    routes: oidcRoutes,
    cookies: {
      keys: cookieKeys(deps.keyring, tenant.id),
      names: {
        session: 'twofold_oidc_session',
        interaction: interactionCookieName,
        resume: 'twofold_oidc_resume',
      },
      long: { signed: true, httpOnly: true, sameSite: 'lax', secure, path: cookiePath },
      short: { signed: true, httpOnly: true, sameSite: 'lax', secure, path: cookiePath },
    },
    extraClientMetadata: { properties: ['urn:twofold:first_party'] },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      // Logout tokens are queued in the courier, not posted by the library (see backchannelLogout below).
      backchannelLogout: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // A token's own application may ask about it, and so may services (APIs checking the
        // access tokens they are sent); another application may not.
        allowedPolicy: async (_ctx, client, token) =>
          token.clientId === client.clientId || client.grantTypeAllowed('client_credentials'),
      },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          const app = ctx.oidc.client?.clientName;
          page(ctx, (text) => ({
            title: text('oidc.signOut.title'),
            body: `<h1>${app ? text('oidc.signOut.headingApp', { app }) : text('oidc.signOut.heading')}</h1>
<p>${text('oidc.signOut.lead', { tenant: tenant.name })}</p>
${form}
<div class="actions">
<button type="submit" form="op.logoutForm" class="secondary">${text('oidc.signOut.stay')}</button>
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">${text('oidc.signOut.confirm')}</button>
</div>`,
          }));
        },
        async postLogoutSuccessSource(ctx) {
          const signIn = `/t/${encodeURIComponent(tenant.slug)}/sign-in`;
          page(ctx, (text) => ({
            title: text('oidc.signedOut.title'),
            body: `<h1>${text('oidc.signedOut.heading')}</h1><p>${text(
              'oidc.signedOut.lead',
              {},
              { link: (content) => `<a href="${escapeHtml(signIn)}">${content}</a>` },
            )}</p>`,
          }));
        },
      },
    },
    interactions: {
      url: (_ctx, interaction) => interactionPath(tenant.slug, interaction.uid),
      policy: buildPolicy(deps, tenant),
    },
    // A first-party client's users are not asked for consent: its grant covers what it asks.
    async loadExistingGrant(ctx) {
      const grantId =
        ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(ctx.oidc.client?.clientId ?? '');
      if (grantId) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      const client = ctx.oidc.client;
      const accountId = ctx.oidc.session?.accountId;
      if (!client || !accountId || client['urn:twofold:first_party'] !== true) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId });
      grant.addOIDCScope(String(ctx.oidc.params?.scope ?? 'openid'));
      await grant.save();
      return grant;
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: {
      AccessToken: 60 * 60,
      // A service's token (client_credentials) lives as long as a user's access token.
      ClientCredentials: 60 * 60,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      RefreshToken: 14 * 24 * 60 * 60,
      Grant: 14 * 24 * 60 * 60,
      Interaction: 10 * 60,
      Session: 7 * 24 * 60 * 60,
    },
    clientBasedCORS: (_ctx, origin, client) =>
      client.redirectUris?.some((uri) => {
        try {
          return new URL(uri).origin === origin;
        } catch {
          return false;
        }
      }) ?? false,
    async renderError(ctx, out) {
      // The provider's `error` code chooses the words (its English description is not shown).
      const error = String(out.error ?? 'invalid_request');
      page(ctx, (text) => ({
        title: text('oidc.error.title'),
        body: `<h1>${text('oidc.error.heading')}</h1>
<p class="notice">${text('oidc.error.reason', { error })}</p>
<p>${text('oidc.error.lead', { error }, { code: (content) => `<code>${content}</code>` })}</p>`,
      }));
    },
  };

  const provider = new Provider(issuerOf(deps.publicUrl, tenant.slug), configuration);
  pinToPublicUrl(provider, deps.publicUrl);

  // Client secrets are stored as their SHA-256 (see storage-adapter.ts): compare through it.
  provider.Client.prototype.compareClientSecret = async function compareHashed(
    this: { clientSecret?: string },
    actual: string,
  ) {
    return (
      typeof actual === 'string' &&
      !!this.clientSecret &&
      constantTimeEqual(this.clientSecret, hashToken(actual))
    );
  };

  // Redirect URIs are compared byte for byte with the registered ones (OAuth 2.1 section 2.3.1;
  // RFC 9700 section 4.1.3). The library compares parsed URLs, which accepts another case of the
  // host, a default port, dot segments, a backslash, a tab, or a decoded character as the same URI.
  provider.Client.prototype.redirectUriAllowed = function exactRedirectUri(
    this: { redirectUris?: string[] },
    value: string,
  ) {
    return typeof value === 'string' && (this.redirectUris ?? []).includes(value);
  };
  provider.Client.prototype.postLogoutRedirectUriAllowed = function exactPostLogoutRedirectUri(
    this: { postLogoutRedirectUris?: string[] },
    value: string,
  ) {
    return typeof value === 'string' && (this.postLogoutRedirectUris ?? []).includes(value);
  };

  // RP-initiated sign-out tells the session's other applications through the courier (retried,
  // audited) rather than by the library's one POST that nobody retries.
  provider.Client.prototype.backchannelLogout = async function queueLogoutToken(
    this: { clientId: string },
    sub: string,
    sid?: string,
  ) {
    await deps.applicationLogout.clientSignedOut(tenant.id, this.clientId, sub, sid, {
      type: 'user',
      id: sub,
    });
  };

  // An application signed in: the Twofold session of the browser is linked to the `sid` its ID
  // tokens carry, so that this session's ending tells it (backchannel-logout.ts). Recorded before
  // the answer leaves, so a sign-out right after finds the link.
  provider.on('authorization.success', (ctx: KoaContextWithOIDC) => {
    const client = ctx.oidc.client;
    const session = ctx.oidc.session;
    if (!client?.backchannelLogoutUri || !session?.accountId) return;
    const sid = session.sidFor(client.clientId);
    if (sid) ctx.state.twofoldSignedIn = { clientId: client.clientId, accountId: session.accountId, sid };
  });

  // RP-initiated sign-out ends the Twofold session too, before the answer leaves: the session of
  // the user whose provider session ended (when another user signs in in the same browser, the
  // provider ends the first user's session itself; the new user's Twofold session stays).
  provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
    if (ctx.oidc.params?.logout) ctx.state.twofoldSignOut = { accountId: ctx.oidc.session?.accountId };
  });
  provider.use(async (ctx, next) => {
    await next();
    const signedIn = ctx.state.twofoldSignedIn as
      | { clientId: string; accountId: string; sid: string }
      | undefined;
    if (signedIn) {
      const session = await browserSession(ctx as KoaContextWithOIDC, sessions, tenant.id);
      if (session?.userId === signedIn.accountId) {
        await deps.applicationLogout.signedIn({
          tenantId: tenant.id,
          sessionId: session.id,
          userId: session.userId,
          clientId: signedIn.clientId,
          sid: signedIn.sid,
        });
      }
    }
    const signOut = ctx.state.twofoldSignOut as { accountId?: string } | undefined;
    if (!signOut) return;
    const session = await browserSession(ctx as KoaContextWithOIDC, sessions, tenant.id);
    if (session && signOut.accountId !== undefined && session.userId !== signOut.accountId) return;
    if (session) {
      await sessions.revoke(
        tenant.id,
        session.id,
        { type: 'user', id: session.userId, ip: ctx.ip },
        {
          reason: 'signed out from an application (OpenID Connect RP-initiated logout)',
        },
      );
    }
    ctx.cookies.set(sessionCookieName, null, {
      path: '/',
      signed: false,
      httpOnly: true,
      sameSite: 'lax',
      secure,
    });
  });
  return provider;
}

export function createOidcProviders(deps: OidcProviderDeps): OidcProviders {
  const cache = new Map<string, { version: string; provider: Promise<Provider> }>();
  return {
    async forTenant(tenant) {
      const version = await deps.keys.version(tenant.id);
      const cached = cache.get(tenant.id);
      if (cached && cached.version === version) return cached.provider;
      const provider = buildProvider(deps, tenant);
      // A failed build is not kept: the next request tries again.
      provider.catch(() => cache.delete(tenant.id));
      // The first build creates the tenant's first key, which changes the version: key the cache
      // by what the provider was built with.
      const built = provider.then(async (p) => {
        const current = await deps.keys.version(tenant.id);
        cache.set(tenant.id, { version: current, provider: Promise.resolve(p) });
        return p;
      });
      cache.set(tenant.id, { version, provider: built });
      return built;
    },
  };
}
