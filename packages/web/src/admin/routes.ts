/**
 * The console's views live in the address's hash (`#/users/ID`, `#/sign-ins?result=failure`), so a reload or
 * a shared link opens the same view, and the server serves one page for all of them.
 */
import type { MessageKey } from '../i18n/i18n.js';
import { type AdminAction, can } from './roles.js';

export type View =
  | 'users'
  | 'user'
  | 'groups'
  | 'group'
  | 'help-requests'
  | 'sign-ins'
  | 'audit'
  | 'policy'
  | 'messages'
  | 'apps';

export interface Route {
  readonly view: View;
  /** The user of the `user` view. */
  readonly userId?: string;
  /** The group of the `group` view. */
  readonly groupId?: string;
  /** Filters and search terms of the view, as text. */
  readonly params: Readonly<Record<string, string>>;
}

export const defaultRoute: Route = { view: 'users', params: {} };

export interface Section {
  readonly view: View;
  readonly label: MessageKey;
  readonly hash: string;
  /** The action an admin needs to see the section in the navigation; every admin sees it when unset. */
  readonly needs?: AdminAction;
}

/** The top-level sections, in the navigation's order. */
export const sections: readonly Section[] = [
  { view: 'users', label: 'admin.users.title', hash: '#/users' },
  { view: 'groups', label: 'adminGroups.title', hash: '#/groups', needs: 'groups.read' },
  {
    view: 'help-requests',
    label: 'helpRequests.title',
    hash: '#/help-requests',
    needs: 'help_requests.read',
  },
  { view: 'sign-ins', label: 'admin.signIns.title', hash: '#/sign-ins' },
  { view: 'audit', label: 'admin.audit.title', hash: '#/audit', needs: 'audit.read' },
  { view: 'policy', label: 'admin.policy.title', hash: '#/policy' },
  { view: 'messages', label: 'admin.messages.title', hash: '#/messages', needs: 'outbox.read' },
  { view: 'apps', label: 'admin.apps.title', hash: '#/apps', needs: 'oidc_clients.read' },
];

/** The sections an admin holding these roles is shown (the server still refuses what they may not read). */
export function visibleSections(held: readonly string[]): Section[] {
  return sections.filter((section) => section.needs === undefined || can(held, section.needs));
}

function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/** Reads a hash such as `#/users/u_1?tab=x`; anything unknown is the users list. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const queryAt = raw.indexOf('?');
  const path = queryAt >= 0 ? raw.slice(0, queryAt) : raw;
  const params: Record<string, string> = {};
  if (queryAt >= 0) {
    for (const [key, value] of new URLSearchParams(raw.slice(queryAt + 1))) {
      if (value !== '') params[key] = value;
    }
  }
  const parts = path.split('/').filter((part) => part !== '');
  const [first, second] = parts;
  switch (first) {
    case 'users': {
      if (second === undefined) return { view: 'users', params };
      const userId = decode(second);
      return userId ? { view: 'user', userId, params } : defaultRoute;
    }
    case 'groups': {
      if (second === undefined) return { view: 'groups', params };
      const groupId = decode(second);
      return groupId ? { view: 'group', groupId, params } : defaultRoute;
    }
    case 'help-requests':
      return { view: 'help-requests', params };
    case 'sign-ins':
      return { view: 'sign-ins', params };
    case 'audit':
      return { view: 'audit', params };
    case 'policy':
      return { view: 'policy', params };
    case 'messages':
      return { view: 'messages', params };
    case 'apps':
      return { view: 'apps', params };
    default:
      return { ...defaultRoute, params: first === undefined ? params : {} };
  }
}

/** The hash of a route; empty parameters are left out. */
export function formatRoute(route: Route): string {
  const path =
    route.view === 'user' && route.userId !== undefined
      ? `#/users/${encodeURIComponent(route.userId)}`
      : route.view === 'user'
        ? '#/users'
        : route.view === 'group'
          ? route.groupId !== undefined
            ? `#/groups/${encodeURIComponent(route.groupId)}`
            : '#/groups'
          : `#/${route.view}`;
  const query = queryString(route.params);
  return query ? `${path}?${query}` : path;
}

/** `a=1&b=x%20y` from the non-empty values, in the order given. */
export function queryString(params: Readonly<Record<string, string | number | undefined | null>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  return search.toString();
}

/** The navigation section a route belongs to (a user page is part of Users). */
export function sectionOf(route: Route): View {
  return route.view === 'user' ? 'users' : route.view === 'group' ? 'groups' : route.view;
}

export function groupHash(groupId: string): string {
  return formatRoute({ view: 'group', groupId, params: {} });
}

export function userHash(userId: string): string {
  return formatRoute({ view: 'user', userId, params: {} });
}
