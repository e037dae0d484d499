/**
 * The sign-in page for someone already signed in on this browser (issue 15, defect 7): "You're signed in"
 * with the ways on (Security info, the admin console for admins, where they were going) and "Sign in as
 * someone else", instead of a form that would start a second sign-in. Anyone else gets the form.
 */
import type { Me } from '@twofold/api/self-service';
import { strongestRole } from '@twofold/core';
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t, tRich } from '../i18n/i18n.js';
import type { ApiClient } from '../shared/api.js';
import { Brand, Heading, Page } from '../shared/components/layout.js';
import { pagePath } from '../shared/tenant.js';

const strong = (chunks: ComponentChildren[]) => <strong>{chunks}</strong>;

export function UnlessSignedIn(props: {
  api: ApiClient;
  tenant: string;
  /** Where signing in would have gone (Security info, or the page in `returnTo`). */
  next: string;
  children: ComponentChildren;
}) {
  const [state, setState] = useState<'checking' | 'form' | Me>('checking');

  useEffect(() => {
    void props.api.get<Me>('/me').then((me) => setState(me.ok ? me.data : 'form'));
  }, []);

  if (state === 'form') return <>{props.children}</>;
  if (state === 'checking') {
    return (
      <Page>
        <Brand />
        <p class="muted" role="status">
          {t('common.loading')}
        </p>
      </Page>
    );
  }

  const securityInfo = pagePath(props.tenant, 'security-info');
  const admin = pagePath(props.tenant, 'admin');
  const isAdmin = strongestRole(state.user.roles) !== undefined;
  async function signInAsSomeoneElse() {
    await props.api.post('/sign-out');
    setState('form');
  }
  return (
    <Page>
      <Brand />
      <Heading focus>{t('signIn.signedIn.title')}</Heading>
      <p class="lead">{tRich('signIn.signedIn.lead', { strong, email: state.user.email })}</p>
      <ul class="choices">
        {props.next !== securityInfo && props.next !== admin ? (
          <li>
            <a class="choice" href={props.next}>
              {t('signIn.signedIn.continue')}
            </a>
          </li>
        ) : null}
        <li>
          <a class="choice" href={securityInfo}>
            {t('signIn.signedIn.securityInfo')}
          </a>
        </li>
        {isAdmin ? (
          <li>
            <a class="choice" href={admin}>
              {t('signIn.signedIn.admin')}
            </a>
          </li>
        ) : null}
      </ul>
      <div class="actions">
        <button type="button" class="secondary" onClick={() => void signInAsSomeoneElse()}>
          {t('signIn.signedIn.someoneElse')}
        </button>
      </div>
    </Page>
  );
}
