import { localeNames } from '@twofold/core';
import { formatList, t } from '../i18n/i18n.js';
import {
  describeLockout,
  describeNextSignIn,
  describePass,
  describePassIssuer,
  formatDateTime,
} from './format.js';
import { can, roleName } from './roles.js';
import { formatRoute } from './routes.js';
import type { AdminMethod, AdminUserDetails } from './types.js';

/** The facts of a user an admin looks at first, and the links to their sign-ins and audit events. */
export function UserDetails(props: {
  user: AdminUserDetails;
  methods: readonly AdminMethod[] | undefined;
  /** The roles of the admin looking: the links show only where they may follow them. */
  roles: readonly string[];
  now: number;
}) {
  const { user, now } = props;
  return (
    <>
      <h2 id="details-title">{t('admin.user.details')}</h2>
      <dl class="facts" aria-labelledby="details-title">
        <dt>{t('admin.user.email')}</dt>
        <dd>{user.email}</dd>
        <dt>{t('admin.user.name')}</dt>
        <dd>{user.displayName || <span class="muted">—</span>}</dd>
        <dt>{t('admin.user.roles')}</dt>
        <dd>{user.roles.length ? formatList(user.roles.map(roleName)) : t('admin.user.noRole')}</dd>
        <dt>{t('admin.user.account')}</dt>
        <dd>{t(user.disabled ? 'admin.user.accountDisabled' : 'admin.user.accountEnabled')}</dd>
        <dt>{t('admin.user.created')}</dt>
        <dd>{formatDateTime(user.createdAt)}</dd>
        <dt>{t('admin.user.sessions')}</dt>
        <dd>{user.activeSessions}</dd>
        <dt>{t('admin.user.codesLeft')}</dt>
        <dd>{user.recoveryCodesRemaining}</dd>
        <dt>{t('admin.user.pass')}</dt>
        <dd>
          {describePass(user.temporaryAccessPass, now)}
          {describePassIssuer(user.temporaryAccessPass) ? (
            <span class="hint block">{describePassIssuer(user.temporaryAccessPass)}</span>
          ) : null}
        </dd>
        <dt>{t('admin.user.lockout')}</dt>
        <dd>{describeLockout(user, now)}</dd>
        <dt>{t('admin.user.push')}</dt>
        <dd>{t(user.pushBlocked ? 'admin.user.pushBlocked' : 'admin.user.pushNotBlocked')}</dd>
        <dt>{t('admin.user.nextSignIn')}</dt>
        <dd>{describeNextSignIn(user, props.methods)}</dd>
        <dt>{t('admin.user.language')}</dt>
        <dd>
          {user.locale ? (
            <span lang={user.locale}>{localeNames[user.locale]}</span>
          ) : (
            t('admin.user.languageDefault')
          )}
        </dd>
      </dl>
      <p class="links-inline">
        {can(props.roles, 'sign_ins.read') ? (
          <a href={formatRoute({ view: 'sign-ins', params: { userId: user.id } })}>
            {t('admin.user.signInsLink')}
          </a>
        ) : null}
        {can(props.roles, 'audit.read') ? (
          <a href={formatRoute({ view: 'audit', params: { targetId: user.id } })}>
            {t('admin.user.auditLink')}
          </a>
        ) : null}
      </p>
    </>
  );
}
