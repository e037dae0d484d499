/** The shapes the admin API answers (docs: the admin API contract). Times are ISO-8601 strings. */

import type { Locale } from '@twofold/core';

export type { Role } from '@twofold/core';

export interface Lockout {
  readonly locked: boolean;
  readonly failures: number;
  readonly lockedUntil: string | null;
  readonly adminRequired: boolean;
}

export interface AdminUser {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly roles: readonly string[];
  readonly disabled: boolean;
  readonly registrationRequired: boolean;
  readonly lockout: Lockout;
  readonly pushBlocked: boolean;
  /** The language of their emails and text messages; null: the organisation's default. */
  readonly locale: Locale | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface PassState {
  readonly expiresAt: string;
  readonly reusable: boolean;
  readonly used: boolean;
}

export interface AdminUserDetails extends AdminUser {
  readonly activeSessions: number;
  readonly recoveryCodesRemaining: number;
  readonly temporaryAccessPass: PassState | null;
}

export interface UserPage {
  readonly users: readonly AdminUser[];
  readonly nextCursor: string | null;
}

export type MethodStatus = 'pending' | 'active' | 'disabled';

export interface AdminMethod {
  readonly id: string;
  readonly type: string;
  readonly label: string;
  readonly status: MethodStatus | string;
  readonly isDefault: boolean;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly driftSteps: number;
  readonly driftSeconds: number;
  readonly failures: number;
  readonly serial?: string;
  readonly manufacturer?: string;
  readonly model?: string;
}

export interface ReregistrationResult {
  readonly deletedMethods: number;
  readonly disabledHardwareTokens: number;
  readonly revokedSessions: number;
}

export interface IssuedPass {
  readonly pass: string;
  readonly expiresAt: string;
  readonly reusable: boolean;
  readonly lifetimeMinutes: number;
}

export interface SignInEvent {
  readonly id: string;
  readonly at: string;
  readonly userId: string | null;
  readonly username: string;
  readonly result: string;
  readonly reason: string | null;
  readonly methodType: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly details: unknown;
}

export interface EventPage<T> {
  readonly events: readonly T[];
  readonly nextCursor: string | null;
}

export type Bucket = 'hour' | 'day';

export interface StatsPoint {
  readonly start: string;
  readonly success: number;
  readonly interrupted: number;
  readonly failures: Readonly<Record<string, number>>;
}

export interface SignInStats {
  readonly bucket: Bucket;
  readonly from: string;
  readonly to: string;
  readonly series: readonly StatsPoint[];
}

export interface AuditEvent {
  readonly id: string;
  readonly seq: number | null;
  readonly at: string;
  readonly actorType: string;
  readonly actorId: string | null;
  readonly action: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly reason: string | null;
  readonly ip: string | null;
  readonly details: Readonly<Record<string, unknown>> | null;
}

export interface Policy {
  readonly mfaRequired: boolean;
  readonly allowedMethods: readonly string[];
  readonly totp: {
    readonly algorithm: 'SHA1' | 'SHA256' | 'SHA512';
    readonly digits: 6 | 8;
    readonly period: 30 | 60;
  };
  readonly lockout: { readonly failuresPerLock: number; readonly firstLockMinutes: number };
  readonly temporaryAccessPass: {
    readonly minMinutes: number;
    readonly maxMinutes: number;
    readonly defaultMinutes: number;
  };
  /** Codes sent by text message or email, at most per hour. */
  readonly sendLimits: SendLimits;
  /** The language of pages when the browser asks for none Twofold speaks, and of messages to users who chose none. */
  readonly defaultLocale: Locale;
}

export interface SendLimits {
  readonly perUser: number;
  readonly perDestination: number;
  readonly perIp: number;
  readonly perTenant: number;
}

export type OutboxChannel = 'email' | 'sms';
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** `GET /admin/outbox`: a message queued for a person (newest first); unknown fields are ignored. */
export interface OutboxMessage {
  readonly id: string;
  readonly channel: OutboxChannel | string;
  readonly recipient: string;
  readonly subject: string | null;
  readonly body: string;
  readonly status: OutboxStatus | string;
  readonly attempts: number;
  readonly createdAt: string;
  readonly sentAt: string | null;
  readonly lastError: string | null;
}

/** `GET /me`: who is using the console. */
export interface Me {
  readonly user: {
    readonly id: string;
    readonly email: string;
    readonly displayName: string;
    readonly roles: readonly string[];
  };
  readonly stepUpUntil: string | null;
}

/** An application that signs its users in through this tenant (OpenID Connect client). */
export interface OidcClient {
  readonly clientId: string;
  readonly name: string;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  /** A server-side app with a secret; false: a public client (PKCE only). */
  readonly confidential: boolean;
  /** The organisation's own app: no consent screen; false: users are asked for consent. */
  readonly firstParty: boolean;
  readonly createdAt: string;
}

export interface OidcClientList {
  readonly issuer: string;
  readonly discoveryUrl: string;
  readonly clients: readonly OidcClient[];
}

export interface CreatedOidcClient {
  readonly client: OidcClient;
  /** Shown this once (confidential clients only); the server keeps only its hash. */
  readonly clientSecret?: string;
  readonly issuer: string;
  readonly discoveryUrl: string;
}
