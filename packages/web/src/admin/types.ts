/**
 * The shapes the admin API answers and takes: the API contract's own types (@twofold/api), under
 * the names the console uses. Nothing here is declared twice.
 */
export type {
  AdminMethod,
  AdminUser,
  AdminUserDetails,
  IssuedPass,
  Lockout,
  NewUser,
  OutboxMessage,
  PassState,
  Policy,
  ReregistrationResult,
  SendLimits,
  UserChange,
  UserPage,
} from '@twofold/api/admin';
export type { CreatedOidcClient, NewOidcClient, OidcClient, OidcClientList } from '@twofold/api/admin-apps';
export type { Group, GroupDetail, GroupList, GroupMember, NewGroup } from '@twofold/api/admin-groups';
export type {
  AuditEvent,
  Bucket,
  EventPage,
  SignInEvent,
  SignInStats,
  StatsPoint,
} from '@twofold/api/admin-logs';
export type { RefusedLine, UserImport } from '@twofold/api/admin-user-import';
export type { Me } from '@twofold/api/self-service';
export type { Role } from '@twofold/core';
