import { describe, expect, it } from 'vitest';
import { t } from '../i18n/i18n.js';
import { withMessages } from '../i18n/test-messages.js';
import { formatRoute, parseRoute, queryString, sectionOf, userHash, visibleSections } from './routes.js';

withMessages();

describe('console routes in the hash', () => {
  it('reads every view, with its parameters', () => {
    expect(parseRoute('')).toEqual({ view: 'users', params: {} });
    expect(parseRoute('#/users')).toEqual({ view: 'users', params: {} });
    expect(parseRoute('#/users?query=ada%20l')).toEqual({ view: 'users', params: { query: 'ada l' } });
    expect(parseRoute('#/users/u_01%2Fx')).toEqual({ view: 'user', userId: 'u_01/x', params: {} });
    expect(parseRoute('#/sign-ins?result=failure&reason=otp_invalid&user=')).toEqual({
      view: 'sign-ins',
      params: { result: 'failure', reason: 'otp_invalid' },
    });
    expect(parseRoute('#/audit?targetId=u1')).toEqual({ view: 'audit', params: { targetId: 'u1' } });
    expect(parseRoute('#/policy')).toEqual({ view: 'policy', params: {} });
    expect(parseRoute('#/messages')).toEqual({ view: 'messages', params: {} });
    expect(parseRoute('#/apps')).toEqual({ view: 'apps', params: {} });
    expect(parseRoute('#/groups?query=ops')).toEqual({ view: 'groups', params: { query: 'ops' } });
    expect(parseRoute('#/groups/g%2F1')).toEqual({ view: 'group', groupId: 'g/1', params: {} });
  });

  it('falls back to the users list for anything it does not know', () => {
    expect(parseRoute('#/nope/1?x=1')).toEqual({ view: 'users', params: {} });
    expect(parseRoute('#/users/%E0%A4%A')).toEqual({ view: 'users', params: {} });
    expect(parseRoute('#main')).toEqual({ view: 'users', params: {} });
  });

  it('writes what it reads', () => {
    const routes = [
      '#/users',
      '#/users?query=a+b',
      '#/users/u%2F1',
      '#/sign-ins?user=ada%40example.com&result=failure',
      '#/audit',
      '#/policy',
      '#/messages',
      '#/apps',
      '#/groups',
      '#/groups?query=ops',
      '#/groups/g%2F1',
    ];
    for (const hash of routes) expect(formatRoute(parseRoute(hash))).toBe(hash);
    expect(formatRoute({ view: 'sign-ins', params: { user: '', result: 'success' } })).toBe(
      '#/sign-ins?result=success',
    );
    expect(userHash('u 1')).toBe('#/users/u%201');
  });

  it('puts a user page under Users in the navigation', () => {
    expect(sectionOf(parseRoute('#/users/u1'))).toBe('users');
    expect(sectionOf(parseRoute('#/audit'))).toBe('audit');
    expect(sectionOf(parseRoute('#/groups/g1'))).toBe('groups');
  });

  it('reads the help-request queue with its filter and chosen request (the help email links #help-requests)', () => {
    expect(parseRoute('#/help-requests?status=resolved&id=hr_1')).toEqual({
      view: 'help-requests',
      params: { status: 'resolved', id: 'hr_1' },
    });
    expect(parseRoute('#help-requests').view).toBe('help-requests');
    expect(formatRoute({ view: 'help-requests', params: { id: 'hr 1' } })).toBe('#/help-requests?id=hr+1');
  });

  it('shows each admin the sections their role can read', () => {
    const labels = (roles: string[]) => visibleSections(roles).map((section) => t(section.label));
    expect(labels(['global-admin'])).toEqual([
      'Users',
      'Groups',
      'Help requests',
      'Sign-in log',
      'Audit log',
      'Policy',
      'Messages',
      'Applications',
    ]);
    expect(labels(['authentication-admin'])).toEqual([
      'Users',
      'Groups',
      'Help requests',
      'Sign-in log',
      'Audit log',
      'Policy',
    ]);
    expect(labels(['helpdesk'])).toEqual(['Users', 'Groups', 'Help requests', 'Sign-in log', 'Policy']);
    expect(visibleSections(['helpdesk', 'global-admin']).at(-1)?.hash).toBe('#/apps');
  });

  it('leaves empty values out of query strings', () => {
    expect(queryString({ a: '1', b: '', c: undefined, d: null, e: 0 })).toBe('a=1&e=0');
  });
});
