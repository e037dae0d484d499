import { useEffect, useMemo, useState } from 'preact/hooks';
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
import { MessagesView } from './messages-view.js';
import { PolicyView } from './policy-view.js';
import { roleName, strongestRole } from './roles.js';
import { parseRoute, type Route, sectionOf, sections, visibleSections } from './routes.js';
import { SignInLogView } from './sign-in-log-view.js';
import type { Me } from './types.js';
import { UserView } from './user-view.js';
import { UsersView } from './users-view.js';

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
    document.title = `${route.view === 'user' ? 'User' : (section?.label ?? 'Users')} · Admin console · Twofold`;
  }, [route]);

  if (phase.kind === 'loading') {
    return (
      <Page>
        <Brand />
        <Heading>Admin console</Heading>
        <Loading>Loading…</Loading>
      </Page>
    );
  }
  if (phase.kind === 'signed-out') {
    return (
      <Page>
        <Brand />
        <Heading focus>{phase.ended ? 'Your session has ended' : 'Sign in to use the admin console'}</Heading>
        <p class="lead">
          {phase.ended
            ? 'You were signed out (or your session expired). Sign in again, then come back to this page.'
            : 'The admin console is for admins of this organisation. Sign in with your admin account and a second factor, then come back to this page.'}
        </p>
        <div class="actions actions-start">
          <a class="button" href={signInPath}>
            Sign in
          </a>
        </div>
      </Page>
    );
  }
  if (phase.kind === 'error') {
    return (
      <Page>
        <Brand />
        <Heading>Admin console</Heading>
        <FormError id="load-error" message={adminMessage(phase.problem)} />
        <button type="button" onClick={() => void load()}>
          Try again
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
        <Heading focus>You are not an admin</Heading>
        <p class="lead">
          You are signed in as <strong>{me.user.email}</strong>, which has no admin role in this organisation.
          Ask a global admin if you need access.
        </p>
        <div class="actions actions-start">
          <a class="button secondary" href={pagePath(tenant, 'security-info')}>
            Go to your security info
          </a>
          <button type="button" class="secondary" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </Page>
    );
  }
  if (me.stepUpUntil === null) {
    return (
      <Page>
        <Brand />
        <Heading focus>Sign in with a second factor</Heading>
        <p class="lead">
          The admin console needs a sign-in that used a second factor. Sign out, then sign in again with a
          code from your app.
        </p>
        <div class="actions actions-start">
          <button type="button" onClick={() => void signOut()}>
            Sign out
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
            Twofold <span class="brand-sub">Admin console</span>
          </p>
          <div class="summary-line">
            <span class="user-line">
              {me.user.displayName ? `${me.user.displayName} · ` : ''}
              {me.user.email} · {roleName(role)}
            </span>
            <a href={pagePath(tenant, 'security-info')}>My security info</a>
            <button type="button" class="secondary small" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        </div>
        <nav class="admin-nav" aria-label="Admin console">
          <ul>
            {visibleSections(me.user.roles).map((section) => (
              <li key={section.view}>
                <a href={section.hash} aria-current={current === section.view ? 'page' : undefined}>
                  {section.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main class="admin-main">
        <CurrentView
          key={`${route.view}/${route.userId ?? ''}`}
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
