import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { t, tRich } from '../i18n/i18n.js';
import { LanguagePicker } from '../i18n/language-picker.js';
import type { ApiClient, Problem } from '../shared/api.js';
import { FormError } from '../shared/components/field.js';
import { Brand, Heading, Page } from '../shared/components/layout.js';
import { pagePath } from '../shared/tenant.js';
import { createAdminApi, guardSession } from './admin-api.js';
import { adminMessage } from './admin-messages.js';
import { AppsView } from './apps-view.js';
import { AuditView } from './audit-view.js';
import { Loading } from './components.js';
import type { Console } from './console.js';
import { GroupsView, GroupView } from './groups-view.js';
import { HelpRequestsView } from './help-requests-view.js';
import { MessagesView } from './messages-view.js';
import { PolicyView } from './policy-view.js';
import { roleName, strongestRole } from './roles.js';
import { parseRoute, type Route, sectionOf, sections, visibleSections } from './routes.js';
import { SignInLogView } from './sign-in-log-view.js';
import type { Me } from './types.js';
import { UserView } from './user-view.js';
import { UsersView } from './users-view.js';

const strong = (chunks: ComponentChildren[]) => <strong>{chunks}</strong>;

type Phase =
  | { readonly kind: 'loading' }
  | { readonly kind: 'signed-out'; readonly ended: boolean }
  | { readonly kind: 'error'; readonly problem: Problem }
  | { readonly kind: 'ready'; readonly me: Me };

/** The admin console: who is signed in, the sections, and the view the address names. */
export function AdminApp(props: { api: ApiClient; tenant: string }) {
  const { tenant } = props;
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  const [flash, setFlash] = useState<{ hash: string; notice: string }>();
  const admin = useMemo(
    () =>
      createAdminApi(
        guardSession(props.api, () => setPhase({ kind: 'signed-out', ended: true })),
        tenant,
      ),
    [props.api, tenant],
  );

  async function load() {
    setPhase({ kind: 'loading' });
    const result = await admin.me();
    if (result.ok) setPhase({ kind: 'ready', me: result.data });
    else if (result.problem.code === 'unauthenticated') setPhase({ kind: 'signed-out', ended: false });
    else setPhase({ kind: 'error', problem: result.problem });
  }

  useEffect(() => {
    void load();
    const onHash = () => {
      setRoute(parseRoute(location.hash));
      // A success line belongs to the view it was meant for, not to the next one.
      setFlash((current) => (current && current.hash === location.hash ? current : undefined));
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  // Back to this console after signing in (the sign-in page follows returnTo within the tenant only).
  const signInPath = `${pagePath(tenant, 'sign-in')}?returnTo=${encodeURIComponent(pagePath(tenant, 'admin'))}`;

  // The tab's title names the view, so history entries and screen readers tell the views apart.
  useEffect(() => {
    const section = sections.find((s) => s.view === sectionOf(route));
    const view =
      route.view === 'user'
        ? t('admin.user.title')
        : route.view === 'group'
          ? t('adminGroups.groupTitle')
          : t(section?.label ?? 'admin.users.title');
    document.title = t('admin.documentTitle', { view });
  }, [route]);

  if (phase.kind === 'loading') {
    return (
      <Page>
        <Brand />
        <Heading>{t('admin.title')}</Heading>
        <Loading>{t('common.loading')}</Loading>
      </Page>
    );
  }
  if (phase.kind === 'signed-out') {
    return (
      <Page>
        <Brand />
        <Heading focus>{t(phase.ended ? 'admin.signedOut.endedTitle' : 'admin.signedOut.title')}</Heading>
        <p class="lead">{t(phase.ended ? 'admin.signedOut.endedLead' : 'admin.signedOut.lead')}</p>
        <div class="actions actions-start">
          <a class="button" href={signInPath}>
            {t('admin.signedOut.signIn')}
          </a>
        </div>
      </Page>
    );
  }
  if (phase.kind === 'error') {
    return (
      <Page>
        <Brand />
        <Heading>{t('admin.title')}</Heading>
        <FormError id="load-error" message={adminMessage(phase.problem)} />
        <button type="button" onClick={() => void load()}>
          {t('common.action.tryAgain')}
        </button>
      </Page>
    );
  }

  const { me } = phase;
  const role = strongestRole(me.user.roles);
  async function signOut() {
    await admin.signOut();
    location.assign(signInPath);
  }

  if (!role) {
    return (
      <Page>
        <Brand />
        <Heading focus>{t('admin.notAdmin.title')}</Heading>
        <p class="lead">{tRich('admin.notAdmin.lead', { strong, email: me.user.email })}</p>
        <div class="actions actions-start">
          <a class="button secondary" href={pagePath(tenant, 'security-info')}>
            {t('admin.notAdmin.securityInfo')}
          </a>
          <button type="button" class="secondary" onClick={() => void signOut()}>
            {t('common.action.signOut')}
          </button>
        </div>
      </Page>
    );
  }
  if (me.stepUpUntil === null) {
    return (
      <Page>
        <Brand />
        <Heading focus>{t('admin.stepUp.title')}</Heading>
        <p class="lead">{t('admin.stepUp.lead')}</p>
        <div class="actions actions-start">
          <button type="button" onClick={() => void signOut()}>
            {t('common.action.signOut')}
          </button>
        </div>
      </Page>
    );
  }

  const context: Console = {
    admin,
    me: me.user,
    navigate: (hash, notice) => {
      setFlash(notice ? { hash, notice } : undefined);
      if (location.hash === hash) setRoute(parseRoute(hash));
      else location.hash = hash;
    },
  };
  const current = sectionOf(route);
  const notice = flash && parseRoute(flash.hash).view === route.view ? flash.notice : undefined;

  return (
    <div class="admin">
      <header class="admin-header">
        <div class="admin-bar">
          <p class="brand">
            Twofold <span class="brand-sub">{t('admin.title')}</span>
          </p>
          <div class="summary-line">
            <span class="user-line">
              {me.user.displayName ? `${me.user.displayName} · ` : ''}
              {me.user.email} · {roleName(role)}
            </span>
            <a href={pagePath(tenant, 'security-info')}>{t('admin.mySecurityInfo')}</a>
            <button type="button" class="secondary small" onClick={() => void signOut()}>
              {t('common.action.signOut')}
            </button>
            <LanguagePicker />
          </div>
        </div>
        <nav class="admin-nav" aria-label={t('admin.title')}>
          <ul>
            {visibleSections(me.user.roles).map((section) => (
              <li key={section.view}>
                <a href={section.hash} aria-current={current === section.view ? 'page' : undefined}>
                  {t(section.label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main class="admin-main">
        <CurrentView
          key={`${route.view}/${route.userId ?? route.groupId ?? ''}`}
          console={context}
          route={route}
          notice={notice}
        />
      </main>
    </div>
  );
}

function CurrentView(props: { console: Console; route: Route; notice: string | undefined }) {
  const { route } = props;
  switch (route.view) {
    case 'user':
      return <UserView console={props.console} userId={route.userId ?? ''} notice={props.notice} focus />;
    case 'groups':
      return (
        <GroupsView console={props.console} query={route.params['query'] ?? ''} notice={props.notice} focus />
      );
    case 'group':
      return <GroupView console={props.console} groupId={route.groupId ?? ''} notice={props.notice} focus />;
    case 'help-requests':
      return <HelpRequestsView console={props.console} params={route.params} focus />;
    case 'sign-ins':
      return <SignInLogView console={props.console} params={route.params} focus />;
    case 'audit':
      return <AuditView console={props.console} params={route.params} focus />;
    case 'policy':
      return <PolicyView console={props.console} focus />;
    case 'messages':
      return <MessagesView console={props.console} focus />;
    case 'apps':
      return <AppsView console={props.console} focus />;
    default:
      return (
        <UsersView console={props.console} query={route.params['query'] ?? ''} notice={props.notice} focus />
      );
  }
}
