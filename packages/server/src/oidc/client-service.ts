import type { Static } from '@sinclair/typebox';
import type { ClientJson } from '@twofold/api/admin-apps';
import { TwofoldError } from '@twofold/core';
import type { Kysely, Selectable } from 'kysely';
import type { Actor, AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../platform/clock.js';
import { generateToken, hashToken } from '../platform/crypto/tokens.js';
import type { Database } from '../platform/db/schema.js';
import { generateId } from '../platform/ids.js';

/** Client secrets: this prefix and 256 random bits; only their SHA-256 is stored. */
export const clientSecretPrefix = 'tfcs_';
const maxRedirectUris = 10;
const maxUriLength = 2000;

export interface OidcClient {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  /** False: a public client (a single-page or native app) that authenticates with PKCE alone. */
  readonly confidential: boolean;
  readonly redirectUris: string[];
  readonly postLogoutRedirectUris: string[];
  /** An application of the organisation itself: its users are not asked for consent. */
  readonly firstParty: boolean;
  /** A service: it signs in as itself (client_credentials), never on behalf of a user. */
  readonly service: boolean;
  /** Where OpenID Connect back-channel logout tokens go when a user's sessions end. */
  readonly backchannelLogoutUri: string | null;
  readonly createdAt: number;
}

/** An application as the admin API and the command line show it. */
export function clientJson(client: OidcClient): Static<typeof ClientJson> {
  return {
    clientId: client.id,
    name: client.name,
    redirectUris: client.redirectUris,
    postLogoutRedirectUris: client.postLogoutRedirectUris,
    confidential: client.confidential,
    firstParty: client.firstParty,
    service: client.service,
    backchannelLogoutUri: client.backchannelLogoutUri,
    createdAt: new Date(client.createdAt).toISOString(),
  };
}

export interface CreateClientInput {
  readonly tenantId: string;
  readonly name: string;
  /** At least one, except for a service (which has none). */
  readonly redirectUris?: readonly string[] | undefined;
  readonly postLogoutRedirectUris?: readonly string[] | undefined;
  /** Default true: a confidential client with a secret. */
  readonly confidential?: boolean | undefined;
  /** Default true. */
  readonly firstParty?: boolean | undefined;
  /** Default false: a service (client_credentials only; confidential, no redirect URIs). */
  readonly service?: boolean | undefined;
  /** https (http only to a loopback host): where back-channel logout tokens are POSTed. */
  readonly backchannelLogoutUri?: string | undefined;
}

export interface OidcClientService {
  /** Registers a client; the secret (confidential clients) is returned once and stored hashed. Audited. */
  create(input: CreateClientInput, actor: Actor): Promise<{ client: OidcClient; clientSecret?: string }>;
  list(tenantId: string): Promise<OidcClient[]>;
  /** Undefined when the tenant has no such client. */
  find(tenantId: string, clientId: string): Promise<(OidcClient & { secretHash: string | null }) | undefined>;
  /** Deletes the client; its tokens stop working at once (the provider refuses tokens of unknown clients). Throws oidc_client_not_found. Audited. */
  delete(tenantId: string, clientId: string, actor: Actor): Promise<void>;
}

type ClientRow = Selectable<Database['oidc_clients']>;

function toClient(row: ClientRow): OidcClient {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    confidential: row.secret_hash !== null,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
    firstParty: row.first_party === 1,
    service: row.service === 1,
    backchannelLogoutUri: row.backchannel_logout_uri,
    createdAt: row.created_at,
  };
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why a redirect URI is refused: `rule` names it for pages (which say it in their own language), `message`
 * says it in English for the API's `errors[]`.
 */
export interface UriProblem {
  readonly rule:
    | 'too_long'
    | 'whitespace'
    | 'not_absolute'
    | 'fragment'
    | 'wildcard'
    | 'credentials'
    | 'no_host'
    | 'http'
    | 'scheme';
  readonly message: string;
}

/**
 * A redirect URI as OAuth 2.1 and RFC 8252 want it: absolute, no fragment, no wildcard, matched
 * exactly later. https anywhere; http only to a loopback host (development and native apps); a
 * private-use scheme with a dot (`com.example.app:/callback`) for native apps. Returns why it is
 * refused, or undefined.
 */
export function redirectUriProblem(value: string): UriProblem | undefined {
  if (value.length > maxUriLength)
    return { rule: 'too_long', message: `is longer than ${maxUriLength} characters` };
  if (/\s/.test(value)) return { rule: 'whitespace', message: 'contains white space' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { rule: 'not_absolute', message: 'is not an absolute URL' };
  }
  if (url.hash !== '' || value.includes('#'))
    return { rule: 'fragment', message: 'must not have a fragment (#...)' };
  if (value.includes('*'))
    return { rule: 'wildcard', message: 'must not contain a wildcard; list each URI exactly' };
  if (url.username !== '' || url.password !== '')
    return { rule: 'credentials', message: 'must not contain a user name or password' };
  if (url.protocol === 'https:')
    return url.hostname ? undefined : { rule: 'no_host', message: 'has no host' };
  if (url.protocol === 'http:') {
    return loopbackHosts.has(url.hostname)
      ? undefined
      : {
          rule: 'http',
          message: 'must use https (plain http is allowed only for localhost, 127.0.0.1 and [::1])',
        };
  }
  const scheme = url.protocol.slice(0, -1);
  if (/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+$/.test(scheme)) return undefined;
  return {
    rule: 'scheme',
    message: `uses the scheme '${scheme}'; use https, http on a loopback host, or a reverse-domain scheme such as com.example.app`,
  };
}

function checkUris(field: string, uris: readonly string[], required: boolean): string[] {
  const errors: { path: string; message: string; rule?: UriProblem['rule'] }[] = [];
  if (required && uris.length === 0) errors.push({ path: field, message: 'give at least one URI' });
  if (uris.length > maxRedirectUris) errors.push({ path: field, message: `at most ${maxRedirectUris} URIs` });
  uris.forEach((uri, index) => {
    const problem: UriProblem | undefined =
      typeof uri === 'string'
        ? redirectUriProblem(uri)
        : { rule: 'not_absolute', message: 'is not a string' };
    if (problem)
      errors.push({
        path: `${field}/${index}`,
        message: `'${String(uri).slice(0, 80)}' ${problem.message}`,
        rule: problem.rule,
      });
  });
  if (errors.length > 0) {
    throw new TwofoldError('validation_failed', `${errors[0]?.path}: ${errors[0]?.message}`, { errors });
  }
  return [...new Set(uris)];
}

function invalid(path: string, message: string): TwofoldError {
  return new TwofoldError('validation_failed', `${path}: ${message}`, { errors: [{ path, message }] });
}

/**
 * A back-channel logout URI (OpenID Connect Back-Channel Logout 1.0, section 2.2): an absolute
 * https URL (http only to a loopback host), no fragment; the server POSTs logout tokens to it.
 */
function checkLogoutUri(value: string | undefined): string | null {
  if (value === undefined) return null;
  const problem = redirectUriProblem(value);
  if (problem) return failUri(`'${value.slice(0, 80)}' ${problem.message}`);
  if (!/^https?:$/.test(new URL(value).protocol))
    return failUri('must use https (plain http is allowed only for localhost, 127.0.0.1 and [::1])');
  return value;
}

function failUri(message: string): never {
  throw invalid('backchannelLogoutUri', message);
}

export function createOidcClientService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
}): OidcClientService {
  const { db, clock, audit } = deps;

  return {
    async create(input, actor) {
      const name = input.name.trim();
      if (name.length === 0 || name.length > 100)
        throw new TwofoldError('validation_failed', 'name: give 1 to 100 characters', {
          errors: [{ path: 'name', message: 'give 1 to 100 characters' }],
        });
      const service = input.service ?? false;
      if (service) {
        // A service signs in as itself: no user is redirected to it, and it has to hold a secret.
        if ((input.redirectUris?.length ?? 0) > 0 || (input.postLogoutRedirectUris?.length ?? 0) > 0)
          throw invalid('redirectUris', 'a service has no redirect URIs (no user signs in to it)');
        if (input.confidential === false) throw invalid('confidential', 'a service is always confidential');
        if (input.backchannelLogoutUri !== undefined)
          throw invalid('backchannelLogoutUri', 'a service has no user sessions to end');
      }
      const redirectUris = checkUris('redirectUris', input.redirectUris ?? [], !service);
      const postLogoutRedirectUris = checkUris(
        'postLogoutRedirectUris',
        input.postLogoutRedirectUris ?? [],
        false,
      );
      const backchannelLogoutUri = checkLogoutUri(input.backchannelLogoutUri);
      const confidential = service || (input.confidential ?? true);
      const clientSecret = confidential ? generateToken(clientSecretPrefix) : undefined;
      const now = clock.now();
      const row: ClientRow = {
        id: generateId(now),
        tenant_id: input.tenantId,
        name,
        secret_hash: clientSecret ? hashToken(clientSecret) : null,
        redirect_uris: JSON.stringify(redirectUris),
        post_logout_redirect_uris: JSON.stringify(postLogoutRedirectUris),
        first_party: (input.firstParty ?? true) ? 1 : 0,
        created_at: now,
        backchannel_logout_uri: backchannelLogoutUri,
        service: service ? 1 : 0,
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('oidc_clients').values(row).execute();
        await audit.record(
          {
            tenantId: input.tenantId,
            actor,
            action: 'oidc_client.create',
            target: { type: 'oidc_client', id: row.id },
            details: {
              name,
              redirectUris,
              confidential,
              firstParty: row.first_party === 1,
              ...(service ? { service } : {}),
              ...(backchannelLogoutUri ? { backchannelLogoutUri } : {}),
            },
          },
          trx,
        );
      });
      return { client: toClient(row), ...(clientSecret ? { clientSecret } : {}) };
    },

    async list(tenantId) {
      const rows = await db
        .selectFrom('oidc_clients')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map(toClient);
    },

    async find(tenantId, clientId) {
      const row = await db
        .selectFrom('oidc_clients')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', clientId)
        .executeTakeFirst();
      return row ? { ...toClient(row), secretHash: row.secret_hash } : undefined;
    },

    async delete(tenantId, clientId, actor) {
      await db.transaction().execute(async (trx) => {
        const deleted = await trx
          .deleteFrom('oidc_clients')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', clientId)
          .returning(['name'])
          .executeTakeFirst();
        if (!deleted) throw new TwofoldError('oidc_client_not_found', 'no such application in this tenant');
        await audit.record(
          {
            tenantId,
            actor,
            action: 'oidc_client.delete',
            target: { type: 'oidc_client', id: clientId },
            details: { name: deleted.name },
          },
          trx,
        );
      });
    },
  };
}
