/**
 * A setup link is read before its form is shown (issue 15, defect 7): a link that already made its
 * admin says so and leads to sign-in, an expired or unknown one says to ask the operator; only a ready
 * link (or one that could not be checked) gets the form, which the server still checks.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import type { ApiClient } from '../shared/api.js';
import { Brand, Heading, Page } from '../shared/components/layout.js';

type LinkState = 'checking' | 'ready' | 'used' | 'expired' | 'unknown';

export function SetupLinkGate(props: {
  api: ApiClient;
  token: string | undefined;
  signInPath: string;
  children: ComponentChildren;
}) {
  const [state, setState] = useState<LinkState>(props.token ? 'checking' : 'ready');

  useEffect(() => {
    if (!props.token) return;
    void props.api
      .post<{ state: LinkState }>('/setup/link', { token: props.token })
      .then((result) => setState(result.ok ? result.data.state : 'ready'));
  }, [props.token]);

  if (state === 'ready') return <>{props.children}</>;
  const reloadTo = props.token ? () => `${location.pathname}#token=${props.token}` : undefined;
  return (
    <Page reloadTo={reloadTo}>
      <Brand />
      {state === 'checking' ? (
        <p class="muted" role="status">
          {t('common.loading')}
        </p>
      ) : (
        <>
          <Heading focus>{t(`setup.link.${state}.title`)}</Heading>
          <p class="lead">{t(`setup.link.${state}.lead`)}</p>
          <p>
            <a class={state === 'used' ? 'button' : 'button secondary'} href={props.signInPath}>
              {t('setup.done.signIn')}
            </a>
          </p>
        </>
      )}
    </Page>
  );
}
