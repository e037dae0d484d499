import '../shared/styles/twofold.css';
import { render } from 'preact';
import { startPage } from '../i18n/i18n.js';
import { createApiClient } from '../shared/api.js';
import { TenantMissing } from '../shared/components/tenant-missing.js';
import { afterSignIn, tenantFromPath } from '../shared/tenant.js';
import { AppSignIn, interactionUidFrom } from './app-sign-in.js';
import { SignInApp } from './sign-in-app.js';
import { UnlessSignedIn } from './signed-in.js';

const root = document.getElementById('app');
const tenant = tenantFromPath(location.pathname);
// Signing in to an application (OpenID Connect): /t/{tenant}/sign-in?interaction={uid}
const interaction = interactionUidFrom(location.search);
if (root) {
  await startPage('sign-in');
  render(
    !tenant ? (
      <TenantMissing />
    ) : interaction ? (
      <AppSignIn tenant={tenant} uid={interaction} go={(url) => location.assign(url)} />
    ) : (
      <UnlessSignedIn
        api={createApiClient(tenant)}
        tenant={tenant}
        next={afterSignIn(tenant, location.search)}
      >
        <SignInApp
          api={createApiClient(tenant)}
          onSignedIn={() => location.assign(afterSignIn(tenant, location.search))}
        />
      </UnlessSignedIn>
    ),
    root,
  );
}
