/**
 * SCIM 2.0 (RFC 7643, 7644) at /t/{tenant}/scim/v2/: how directories (Entra ID, Okta, HR systems)
 * provision users and groups. Authenticated by an API key of role `provisioning` of the tenant.
 */
import { TwofoldError } from '@twofold/core';
import type { ApiKeyService } from '../../api-keys/api-key-service.js';
import type { Actor } from '../../audit/audit-log.js';
import { issuerOf } from '../../oidc/provider-registry.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { createScimGroups, type ScimGroupDeps } from './scim-groups.js';
import type { ScimContext } from './scim-users.js';
import { createScimUsers, type ScimUserDeps } from './scim-users.js';

export {
  project,
  resourceTypes,
  schemaDocuments,
  scimError,
  scimMediaType,
  serviceProviderConfig,
} from './scim-json.js';
export type { ScimContext } from './scim-users.js';

export interface ScimDeps extends ScimUserDeps, ScimGroupDeps {
  readonly apiKeys: Pick<ApiKeyService, 'authenticate'>;
  readonly publicUrl: string;
}

export function createScimFlows(deps: ScimDeps) {
  return {
    users: createScimUsers(deps),
    groups: createScimGroups(deps),

    /** `{TWOFOLD_PUBLIC_URL}/t/{tenant}/scim/v2` */
    baseOf: (tenant: Tenant) => `${issuerOf(deps.publicUrl, tenant.slug)}/scim/v2`,

    /**
     * The caller of a SCIM request: a Bearer API key of role `provisioning` of this tenant. Another
     * tenant's key, an unknown one or none is 401; an admin's key is 403 (keys are made for one purpose).
     */
    async authenticate(tenant: Tenant, authorization: string | undefined, ip: string): Promise<ScimContext> {
      const bearer = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
      const key = bearer ? await deps.apiKeys.authenticate(bearer) : undefined;
      if (!key || key.tenantId !== tenant.id)
        throw new TwofoldError('unauthenticated', 'send an API key of role provisioning as a Bearer token');
      if (key.role !== 'provisioning')
        throw new TwofoldError('forbidden', `SCIM takes a provisioning key, not a ${key.role} key`);
      const actor: Actor = { type: 'api_key', id: key.id, ip };
      return { tenantId: tenant.id, base: `${issuerOf(deps.publicUrl, tenant.slug)}/scim/v2`, actor };
    },
  };
}

export type ScimFlows = ReturnType<typeof createScimFlows>;
