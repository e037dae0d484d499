import '../shared/styles/twofold.css';
import { render } from 'preact';
import { startPage } from '../i18n/i18n.js';
import { createApiClient } from '../shared/api.js';
import { TenantMissing } from '../shared/components/tenant-missing.js';
import { pagePath, tenantFromPath } from '../shared/tenant.js';
import { SecurityInfoApp } from './security-info-app.js';

const root = document.getElementById('app');
const tenant = tenantFromPath(location.pathname);
if (root) {
  await startPage('security-info');
  render(
    tenant ? (
      <SecurityInfoApp
        api={createApiClient(tenant)}
        onSignedOut={() => location.assign(pagePath(tenant, 'sign-in'))}
      />
    ) : (
      <TenantMissing />
    ),
    root,
  );
}
