import { useEffect, useState } from 'preact/hooks';
import { type MessageKey, t } from '../i18n/i18n.js';
import { type ApiClient, createApiClient, type Problem } from '../shared/api.js';
import { Brand, Heading, Page } from '../shared/components/layout.js';
import { StepUp } from '../shared/components/step-up.js';
import { describeProblem } from '../shared/messages.js';
import type { OwnMethod } from '../shared/methods.js';
import { SignInApp } from './sign-in-app.js';

/** `GET /t/{tenant}/oidc/interaction/{uid}/details`: what an application's sign-in needs from this browser. */
export interface InteractionDetails {
  readonly mode: 'sign-in' | 'step-up' | 'consent' | 'continue';
  readonly client: { readonly id: string; readonly name: string };
  readonly scopes: readonly string[];
  readonly continueTo: string;
}

/** What each scope lets an application do, as the consent screen says it. */
export const scopeDescriptions: Readonly<Record<string, MessageKey>> = {
  openid: 'signIn.app.scope.openid',
  email: 'signIn.app.scope.email',
  profile: 'signIn.app.scope.profile',
  offline_access: 'signIn.app.scope.offline_access',
};

/** An interaction uid as the provider makes them; anything else in the address is not followed. */
export function interactionUidFrom(search: string): string | undefined {
  const uid = new URLSearchParams(search).get('interaction');
  return uid && /^[A-Za-z0-9_-]{1,64}$/.test(uid) ? uid : undefined;
}

export function interactionBase(tenant: string, uid: string): string {
  return `/t/${encodeURIComponent(tenant)}/oidc/interaction/${encodeURIComponent(uid)}`;
}

type State =
  | { readonly kind: 'loading' }
  | { readonly kind: 'problem'; readonly problem: Problem }
  | {
      readonly kind: 'ready';
      readonly details: InteractionDetails;
      readonly methods?: readonly OwnMethod[];
      readonly recoveryCodes?: number;
    };

interface Me {
  readonly methods: readonly OwnMethod[];
  readonly recoveryCodesRemaining: number;
}

/**
 * Signing in to an application through Twofold (OpenID Connect): the sign-in, a fresh second factor
 * when the application asks for one (max_age, acr_values), or consent for a third-party application.
 * Each step ends by loading `continueTo`, where the server decides what comes next.
 */
export function AppSignIn(props: { tenant: string; uid: string; go: (url: string) => void }) {
  const { tenant, uid, go } = props;
  const api = createApiClient(tenant);
  const interaction: ApiClient = createApiClient(tenant, undefined, interactionBase(tenant, uid));
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void (async () => {
      const details = await interaction.get<InteractionDetails>('/details');
      if (!details.ok) {
        setState({ kind: 'problem', problem: details.problem });
        return;
      }
      if (details.data.mode === 'continue') {
        go(details.data.continueTo);
        return;
      }
      if (details.data.mode !== 'step-up') {
        setState({ kind: 'ready', details: details.data });
        return;
      }
      const me = await api.get<Me>('/me');
      if (!me.ok) {
        setState({ kind: 'ready', details: { ...details.data, mode: 'sign-in' } });
        return;
      }
      setState({
        kind: 'ready',
        details: details.data,
        methods: me.data.methods,
        recoveryCodes: me.data.recoveryCodesRemaining,
      });
    })();
  }, []);

  async function answer(path: '/consent' | '/abort', body?: unknown) {
    if (busy) return;
    setBusy(true);
    const result = await interaction.post<{ location: string }>(path, body);
    if (result.ok) {
      go(result.data.location);
      return;
    }
    setBusy(false);
    setState({ kind: 'problem', problem: result.problem });
  }

  if (state.kind === 'loading') {
    return (
      <Page>
        <Brand />
        <p class="lead" role="status">
          {t('common.loading')}
        </p>
      </Page>
    );
  }
  if (state.kind === 'problem') {
    return (
      <Page>
        <Brand />
        <Heading focus>{t('signIn.app.failed.title')}</Heading>
        <p class="notice" role="alert">
          {describeProblem(state.problem, 'general', { now: Date.now() })}
        </p>
        <p>{t('signIn.app.failed.lead')}</p>
      </Page>
    );
  }
  const { details } = state;
  const continueTo = () => go(details.continueTo);
  switch (details.mode) {
    case 'step-up':
      return (
        <Page>
          <Brand />
          <StepUp
            api={api}
            level={1}
            methods={state.methods ?? []}
            recoveryCodes={state.recoveryCodes ?? 0}
            reason={t('signIn.app.stepUp', { app: details.client.name })}
            onDone={(confirmed) => (confirmed ? continueTo() : void answer('/abort'))}
          />
        </Page>
      );
    case 'consent':
      return (
        <Page>
          <Brand />
          <Heading focus>{t('signIn.app.consent.title', { app: details.client.name })}</Heading>
          <p class="lead">{t('signIn.app.consent.lead', { app: details.client.name })}</p>
          <ul class="consent-scopes">
            {details.scopes.flatMap((scope) => {
              const description = scopeDescriptions[scope];
              return description ? [<li key={scope}>{t(description)}</li>] : [];
            })}
          </ul>
          <p>{t('signIn.app.consent.takeBack')}</p>
          <div class="actions">
            <button
              type="button"
              class="secondary"
              disabled={busy}
              onClick={() => void answer('/consent', { decision: 'deny' })}
            >
              {t('common.action.cancel')}
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() => void answer('/consent', { decision: 'allow' })}
            >
              {t('signIn.app.consent.allow')}
            </button>
          </div>
        </Page>
      );
    default:
      return <SignInApp api={api} appName={details.client.name} onSignedIn={continueTo} />;
  }
}
