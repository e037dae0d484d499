import type { HelpRequestView } from '@twofold/api/troubleshoot';
import { type ApiClient, type ApiResult, apiBase } from '../shared/api.js';
import { queryString } from './routes.js';
import type {
  AdminMethod,
  AdminUser,
  AdminUserDetails,
  AuditEvent,
  Bucket,
  CreatedOidcClient,
  EventPage,
  Group,
  GroupDetail,
  GroupList,
  IssuedPass,
  Me,
  NewGroup,
  NewOidcClient,
  NewUser,
  OidcClientList,
  OutboxMessage,
  Policy,
  ReregistrationResult,
  SignInEvent,
  SignInStats,
  UserChange,
  UserImport,
  UserPage,
} from './types.js';

export type { NewOidcClient, NewUser, UserChange } from './types.js';

export interface SignInFilter {
  readonly userId?: string | undefined;
  readonly result?: string | undefined;
  readonly reason?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

export interface AuditFilter {
  readonly actorId?: string | undefined;
  readonly action?: string | undefined;
  readonly targetId?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

export const pageSize = 50;

/** How many groups the Groups view lists at once (a search finds the others). */
export const groupLimit = 500;

/** How many of the newest outbox messages the Messages view reads. */
export const outboxLimit = 100;

const id = encodeURIComponent;

/** `?a=1&b=2`, or nothing when every value is empty. */
function withQuery(path: string, params: Readonly<Record<string, string | number | undefined | null>>) {
  const query = queryString(params);
  return query ? `${path}?${query}` : path;
}

/** A reason is sent only when one was typed. */
function reasonBody(reason: string | undefined): { reason?: string } {
  const trimmed = reason?.trim();
  return trimmed ? { reason: trimmed } : {};
}

export function createAdminApi(api: ApiClient, tenant: string) {
  const userPath = (userId: string) => `/admin/users/${id(userId)}`;
  const methodPath = (userId: string, methodId: string) => `${userPath(userId)}/methods/${id(methodId)}`;
  const groupPath = (groupId: string) => `/admin/groups/${id(groupId)}`;
  return {
    me: () => api.get<Me>('/me'),
    signOut: () => api.post<void>('/sign-out'),

    listUsers: (options: { query?: string; cursor?: string | null; limit?: number }) =>
      api.get<UserPage>(
        withQuery('/admin/users', {
          query: options.query?.trim(),
          cursor: options.cursor,
          limit: options.limit ?? pageSize,
        }),
      ),
    createUser: (user: NewUser) => api.post<AdminUser>('/admin/users', user),
    /** Users from a CSV file (email,name,role): checked only with `dryRun`; all lines or none. */
    importUsers: (csv: string, dryRun: boolean) =>
      api.post<UserImport>(withQuery('/admin/users/import', { dryRun: dryRun ? 'true' : undefined }), csv, {
        contentType: 'text/csv',
      }),
    getUser: (userId: string) => api.get<AdminUserDetails>(userPath(userId)),
    updateUser: (userId: string, { reason, ...change }: UserChange) =>
      api.patch<AdminUser>(userPath(userId), { ...change, ...reasonBody(reason) }),
    deleteUser: (userId: string, reason?: string) => api.delete<void>(userPath(userId), reasonBody(reason)),

    listMethods: (userId: string) => api.get<{ methods: AdminMethod[] }>(`${userPath(userId)}/methods`),
    deleteMethod: (userId: string, methodId: string, reason: string) =>
      api.delete<void>(methodPath(userId, methodId), { reason: reason.trim() }),
    resyncMethod: (userId: string, methodId: string, code1: string, code2: string) =>
      api.post<AdminMethod>(`${methodPath(userId, methodId)}/resync`, { code1, code2 }),
    resetDrift: (userId: string, methodId: string, reason?: string) =>
      api.post<AdminMethod>(`${methodPath(userId, methodId)}/reset-drift`, reasonBody(reason)),
    activateMethod: (userId: string, methodId: string, code: string) =>
      api.post<AdminMethod>(`${methodPath(userId, methodId)}/activate`, { code }),

    requireReregistration: (userId: string, reason: string) =>
      api.post<ReregistrationResult>(`${userPath(userId)}/require-reregistration`, {
        reason: reason.trim(),
      }),
    issuePass: (userId: string, pass: { lifetimeMinutes: number; reusable: boolean; reason?: string }) =>
      api.post<IssuedPass>(`${userPath(userId)}/temporary-access-pass`, {
        lifetimeMinutes: pass.lifetimeMinutes,
        reusable: pass.reusable,
        ...reasonBody(pass.reason),
      }),
    revokeSessions: (userId: string, reason?: string) =>
      api.post<{ revokedSessions: number }>(`${userPath(userId)}/revoke-sessions`, reasonBody(reason)),
    unlock: (userId: string, reason?: string) =>
      api.post<AdminUser>(`${userPath(userId)}/unlock`, reasonBody(reason)),
    clearPushBlock: (userId: string, reason?: string) =>
      api.post<AdminUser>(`${userPath(userId)}/clear-push-block`, reasonBody(reason)),

    /** Groups by name (the first `groupLimit`), those whose name contains `query`, or those of one user. */
    listGroups: (options: { query?: string; userId?: string } = {}) =>
      api.get<GroupList>(
        withQuery('/admin/groups', {
          query: options.query?.trim(),
          userId: options.userId,
          limit: groupLimit,
        }),
      ),
    createGroup: (group: NewGroup) => api.post<Group>('/admin/groups', group),
    getGroup: (groupId: string) => api.get<GroupDetail>(groupPath(groupId)),
    updateGroup: (groupId: string, change: NewGroup) => api.patch<Group>(groupPath(groupId), change),
    deleteGroup: (groupId: string) => api.delete<void>(groupPath(groupId)),
    addGroupMember: (groupId: string, userId: string) =>
      api.put<void>(`${groupPath(groupId)}/members/${id(userId)}`),
    removeGroupMember: (groupId: string, userId: string) =>
      api.delete<void>(`${groupPath(groupId)}/members/${id(userId)}`),

    signIns: (filter: SignInFilter, cursor?: string | null) =>
      api.get<EventPage<SignInEvent>>(withQuery('/admin/sign-ins', { ...filter, cursor, limit: pageSize })),
    signInStats: (range: { from: string; to: string; bucket: Bucket }) =>
      api.get<SignInStats>(withQuery('/admin/sign-ins/stats', range)),
    audit: (filter: AuditFilter, cursor?: string | null) =>
      api.get<EventPage<AuditEvent>>(withQuery('/admin/audit', { ...filter, cursor, limit: pageSize })),

    /** Help requests from the sign-in page's troubleshooter, with the user's diagnosis and one-click actions. */
    helpRequests: (status: 'open' | 'resolved' | 'all') =>
      api.get<{ helpRequests: HelpRequestView[] }>(withQuery('/admin/help-requests', { status })),
    resolveHelpRequest: (requestId: string, resolution: string) =>
      api.post<HelpRequestView>(`/admin/help-requests/${id(requestId)}/resolve`, { resolution }),

    getPolicy: () => api.get<Partial<Policy>>('/admin/policy'),
    putPolicy: (policy: Policy, reason?: string) =>
      api.put<Partial<Policy>>('/admin/policy', { ...policy, ...reasonBody(reason) }),

    /** The newest messages queued for people (global admins only). */
    outbox: (limit = outboxLimit) =>
      api.get<{ messages: OutboxMessage[] }>(withQuery('/admin/outbox', { limit })),

    /** The applications that sign users in through this tenant, with its issuer (global admins only). */
    listOidcClients: () => api.get<OidcClientList>('/admin/oidc-clients'),
    /** Registers an application; the answer holds its secret this once. */
    createOidcClient: (client: NewOidcClient) => api.post<CreatedOidcClient>('/admin/oidc-clients', client),
    /** Deletes an application: its tokens stop working at once. */
    deleteOidcClient: (clientId: string) => api.delete<void>(`/admin/oidc-clients/${id(clientId)}`),

    /** Addresses for a plain download link (the session cookie goes with it). */
    exportUrl: (log: 'sign-ins' | 'audit', filter: SignInFilter | AuditFilter, format: 'csv' | 'json') =>
      withQuery(`${apiBase(tenant)}/admin/${log}`, { ...filter, format }),
  };
}

export type AdminApi = ReturnType<typeof createAdminApi>;

/**
 * The same client, but every answer that says the session has ended (401) is also reported to `onEnded`, so
 * the console can say so once instead of every view handling it.
 */
export function guardSession(api: ApiClient, onEnded: () => void): ApiClient {
  const watch = async <T>(answer: Promise<ApiResult<T>>): Promise<ApiResult<T>> => {
    const result = await answer;
    if (!result.ok && result.problem.code === 'unauthenticated') onEnded();
    return result;
  };
  return {
    get: (path) => watch(api.get(path)),
    post: (path, body, options) => watch(api.post(path, body, options)),
    put: (path, body) => watch(api.put(path, body)),
    patch: (path, body) => watch(api.patch(path, body)),
    delete: (path, body) => watch(api.delete(path, body)),
  };
}
