import '../shared/styles/twofold.css';
import { render } from 'preact';
import { createApiClient } from '../shared/api.js';
import { TenantMissing } from '../shared/components/tenant-missing.js';
import { afterSignIn, tenantFromPath } from '../shared/tenant.js';
import { SignInApp } from './sign-in-app.js';

const root = document.getElementById('app');
const tenant = tenantFromPath(location.pathname);
if (root) {
  render(
    tenant ? (
      <SignInApp
        api={createApiClient(tenant)}
        onSignedIn={() => location.assign(afterSignIn(tenant, location.search))}
      />
    ) : (
      <TenantMissing />
    ),
    root,
  );
}
