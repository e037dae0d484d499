import '../shared/styles/twofold.css';
import './admin.css';
import { render } from 'preact';
import { createApiClient } from '../shared/api.js';
import { TenantMissing } from '../shared/components/tenant-missing.js';
import { tenantFromPath } from '../shared/tenant.js';
import { AdminApp } from './admin-app.js';

const root = document.getElementById('app');
const tenant = tenantFromPath(location.pathname);
if (root) {
  render(tenant ? <AdminApp api={createApiClient(tenant)} tenant={tenant} /> : <TenantMissing />, root);
}
