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
  readonly createdAt: number;
}

export interface CreateClientInput {
  readonly tenantId: string;
  readonly name: string;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris?: readonly string[] | undefined;
  /** Default true: a confidential client with a secret. */
  readonly confidential?: boolean | undefined;
  /** Default true. */
  readonly firstParty?: boolean | undefined;
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
      const redirectUris = checkUris('redirectUris', input.redirectUris, true);
      const postLogoutRedirectUris = checkUris(
        'postLogoutRedirectUris',
        input.postLogoutRedirectUris ?? [],
        false,
      );
      const confidential = input.confidential ?? true;
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
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('oidc_clients').values(row).execute();
        await audit.record(
          {
            tenantId: input.tenantId,
            actor,
            action: 'oidc_client.create',
            target: { type: 'oidc_client', id: row.id },
            details: { name, redirectUris, confidential, firstParty: row.first_party === 1 },
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
