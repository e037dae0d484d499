import '../shared/styles/twofold.css';
import './admin.css';
import { render } from 'preact';
import { startPage } from '../i18n/i18n.js';
import { createApiClient } from '../shared/api.js';
import { TenantMissing } from '../shared/components/tenant-missing.js';
import { tenantFromPath } from '../shared/tenant.js';
import { AdminApp } from './admin-app.js';

const root = document.getElementById('app');
const tenant = tenantFromPath(location.pathname);
if (root) {
  await startPage('admin');
  render(tenant ? <AdminApp api={createApiClient(tenant)} tenant={tenant} /> : <TenantMissing />, root);
}
