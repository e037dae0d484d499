import { operatorActor } from '../audit/audit-log.js';
import { clientJson } from '../oidc/client-service.js';
import { issuerOf } from '../oidc/provider-registry.js';
import { type CommandGroup, tenantOption } from './kit.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The redirect URI's host, else 'Service' for a service (an application must give a redirect URI anyway). */
function defaultName(redirectUri: string | undefined, service: boolean | undefined): string {
  if (redirectUri) {
    try {
      return new URL(redirectUri).host || redirectUri;
    } catch {
      return redirectUri;
    }
  }
  return service ? 'Service' : 'Application';
}

/**
 * `twofold oidc-client create|list|delete` (the applications that sign users in through a tenant)
 * and `twofold oidc-keys rotate` (a new ID token signing key).
 */
export const oidcCommands: CommandGroup = (program, kit) => {
  const clients = program
    .command('oidc-client')
    .description('Applications that sign their users in through a tenant (OpenID Connect clients).');

  kit.leaf(
    tenantOption(
      clients
        .command('create')
        .description(
          'Register an application. Prints its clientId and, for a confidential client, its clientSecret: shown once, stored hashed.',
        )
        .option(
          '--redirect-uri <uri>',
          'where the application receives the sign-in (repeat for several; matched exactly; required but for --service)',
          collect,
        )
        .option('--name <text>', 'the name users see')
        .option(
          '--post-logout-redirect-uri <uri>',
          'where the application may send users after sign-out (repeatable)',
          collect,
        )
        .option('--public', 'a public client (single-page or native app): no secret, PKCE only')
        .option('--third-party', 'an application outside the organisation: users are asked for consent')
        .option(
          '--service',
          'a service that signs in as itself (client_credentials): a secret, no redirect URI; it may introspect tokens',
        )
        .option(
          '--backchannel-logout-uri <uri>',
          "where logout tokens are POSTed when a user's sessions end (OpenID Connect back-channel logout)",
        ),
    ),
    async (
      out,
      opts: {
        tenant: string;
        redirectUri?: string[];
        name?: string;
        postLogoutRedirectUri?: string[];
        public?: boolean;
        thirdParty?: boolean;
        service?: boolean;
        backchannelLogoutUri?: string;
      },
    ) => {
      await kit.withRuntime(out, async (runtime) => {
        const tenant = await runtime.services.tenants.getBySlug(opts.tenant);
        const { client, clientSecret } = await runtime.services.oidcClients.create(
          {
            tenantId: tenant.id,
            name: opts.name ?? defaultName(opts.redirectUri?.[0], opts.service),
            redirectUris: opts.redirectUri,
            postLogoutRedirectUris: opts.postLogoutRedirectUri,
            confidential: !opts.public,
            firstParty: !opts.thirdParty,
            service: opts.service,
            backchannelLogoutUri: opts.backchannelLogoutUri,
          },
          operatorActor,
        );
        const issuer = issuerOf(runtime.config.publicUrl, tenant.slug);
        const { createdAt: _createdAt, ...registered } = clientJson(client);
        out.result(
          {
            ...registered,
            ...(clientSecret ? { clientSecret } : {}),
            issuer,
            discoveryUrl: `${issuer}/.well-known/openid-configuration`,
          },
          () => [
            `Application '${client.name}' registered in tenant ${tenant.slug}.`,
            `clientId:     ${client.id}`,
            ...(clientSecret
              ? [`clientSecret: ${clientSecret}`, 'Keep the secret now: it is not shown again.']
              : ['Public client: no secret; it must use PKCE (S256).']),
            `discovery:    ${issuer}/.well-known/openid-configuration`,
            ...(client.service
              ? [`A service: it gets tokens with grant_type=client_credentials and may introspect tokens.`]
              : []),
            ...(client.backchannelLogoutUri ? [`back-channel logout: ${client.backchannelLogoutUri}`] : []),
          ],
        );
      });
    },
  );

  kit.leaf(
    tenantOption(clients.command('list').description("List a tenant's applications.")),
    async (out, opts: { tenant: string }) => {
      await kit.withRuntime(out, async (runtime) => {
        const tenant = await runtime.services.tenants.getBySlug(opts.tenant);
        const list = await runtime.services.oidcClients.list(tenant.id);
        const rows = list.map(clientJson);
        out.result({ clients: rows }, () =>
          rows.length === 0
            ? [`No applications in tenant ${tenant.slug}.`]
            : rows.map(
                (c) =>
                  `${c.clientId}  ${c.name}  ${c.service ? 'service' : c.confidential ? 'confidential' : 'public'}${c.firstParty ? '' : ', third-party'}  ${c.redirectUris.join(' ')}`,
              ),
        );
      });
    },
  );

  kit.leaf(
    tenantOption(
      clients
        .command('delete')
        .description('Delete an application: its tokens stop working at once.')
        .argument('<clientId>', 'the clientId printed by create'),
    ),
    async (out, clientId: string, opts: { tenant: string }) => {
      await kit.withRuntime(out, async (runtime) => {
        const tenant = await runtime.services.tenants.getBySlug(opts.tenant);
        await runtime.services.oidcClients.delete(tenant.id, clientId, operatorActor);
        out.result({ deleted: clientId }, () => [`Application ${clientId} deleted.`]);
      });
    },
  );

  const keys = program.command('oidc-keys').description("A tenant's ID token signing keys.");
  kit.leaf(
    tenantOption(
      keys
        .command('rotate')
        .description(
          'Make a new signing key. The old one stops signing at once and stays published for a day, so tokens it signed still verify; every instance picks the new key up on its next request.',
        ),
    ),
    async (out, opts: { tenant: string }) => {
      await kit.withRuntime(out, async (runtime) => {
        const tenant = await runtime.services.tenants.getBySlug(opts.tenant);
        const rotated = await runtime.services.oidcKeys.rotate(tenant.id, operatorActor);
        out.result(rotated, () => [
          `New signing key ${rotated.kid} for tenant ${tenant.slug}.`,
          rotated.retired.length > 0
            ? `Retired (still published for 24 hours): ${rotated.retired.join(', ')}`
            : 'There was no key before.',
          ...(rotated.deleted > 0
            ? [`Deleted ${rotated.deleted} key(s) retired more than 24 hours ago.`]
            : []),
        ]);
      });
    },
  );
};
