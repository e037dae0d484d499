import { t } from '../../i18n/i18n.js';
import { Brand, Heading, Page } from './layout.js';

/** Shown when the address has no /t/{tenant}/ (the server only serves these pages under one). */
export function TenantMissing() {
  return (
    <Page>
      <Brand />
      <Heading>{t('common.tenantMissing.title')}</Heading>
      <p class="lead">{t('common.tenantMissing.lead')}</p>
    </Page>
  );
}
