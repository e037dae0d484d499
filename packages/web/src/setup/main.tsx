import '../shared/styles/twofold.css';
import { render } from 'preact';
import { startPage } from '../i18n/i18n.js';
import { createApiClient } from '../shared/api.js';
import { TenantMissing } from '../shared/components/tenant-missing.js';
import { pagePath, tenantFromPath } from '../shared/tenant.js';
import { SetupLinkGate } from './link-state.js';
import { SetupApp } from './setup-app.js';

const root = document.getElementById('app');
const tenant = tenantFromPath(location.pathname);
// The token lives in the fragment, so it never reaches server logs or referrers; drop it once read.
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? undefined;
if (token) history.replaceState(null, '', location.pathname);
if (root) {
  await startPage('setup');
  render(
    tenant ? (
      <SetupLinkGate api={createApiClient(tenant)} token={token} signInPath={pagePath(tenant, 'sign-in')}>
        <SetupApp api={createApiClient(tenant)} token={token} signInPath={pagePath(tenant, 'sign-in')} />
      </SetupLinkGate>
    ) : (
      <TenantMissing />
    ),
    root,
  );
}
