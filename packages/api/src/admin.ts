/** The admin part of the API: request and response schemas (TypeBox), shared by the server (which validates with them and publishes them as OpenAPI) and the pages. */
import { type Static, Type } from '@sinclair/typebox';
import { roles } from '@twofold/core';
import {
  DateTime,
  type Frozen,
  Id,
  LocaleJson,
  NullableDateTime,
  Slug,
  strict,
  UserLocaleJson,
} from './common.js';

export const UserParams = Type.Object({ tenant: Slug, id: Id });

export const MethodParams = Type.Object({ tenant: Slug, id: Id, methodId: Id });

export const Reason = Type.String({ minLength: 1, maxLength: 500 });

export const RoleName = Type.Union(roles.map((r) => Type.Literal(r)));

export const ReasonBody = Type.Object({ reason: Reason }, strict);

export const OptionalReasonBody = Type.Object({ reason: Type.Optional(Reason) }, strict);

export const ListQuery = Type.Object(
  {
    query: Type.Optional(Type.String({ maxLength: 200 })),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  strict,
);

export const CreateUserBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    roles: Type.Optional(Type.Array(RoleName, { maxItems: 3 })),
    password: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  strict,
);

export const PatchUserBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    disabled: Type.Optional(Type.Boolean()),
    roles: Type.Optional(Type.Array(RoleName, { maxItems: 3 })),
    locale: Type.Optional(UserLocaleJson),
    reason: Type.Optional(Reason),
  },
  { ...strict, minProperties: 1 },
);

export const PassBody = Type.Object(
  {
    lifetimeMinutes: Type.Optional(Type.Integer({ minimum: 10, maximum: 30 * 24 * 60 })),
    reusable: Type.Optional(Type.Boolean()),
    reason: Type.Optional(Reason),
  },
  strict,
);

export const ResyncBody = Type.Object(
  {
    code1: Type.String({ minLength: 1, maxLength: 64 }),
    code2: Type.String({ minLength: 1, maxLength: 64 }),
  },
  strict,
);

export const PolicyJson = Type.Object(
  {
    mfaRequired: Type.Boolean(),
    allowedMethods: Type.Array(
      Type.String({ minLength: 1, maxLength: 40, description: 'A method type (spec section 2)' }),
      {
        maxItems: 20,
      },
    ),
    totp: Type.Object(
      {
        algorithm: Type.Union([Type.Literal('SHA1'), Type.Literal('SHA256'), Type.Literal('SHA512')]),
        digits: Type.Union([Type.Literal(6), Type.Literal(8)]),
        period: Type.Union([Type.Literal(30), Type.Literal(60)]),
      },
      strict,
    ),
    lockout: Type.Object({ failuresPerLock: Type.Integer(), firstLockMinutes: Type.Integer() }, strict),
    temporaryAccessPass: Type.Object(
      { minMinutes: Type.Integer(), maxMinutes: Type.Integer(), defaultMinutes: Type.Integer() },
      strict,
    ),
    // Optional for clients older than it: answers always carry it; a PUT without it keeps it.
    registrationRequiresPass: Type.Optional(
      Type.Boolean({
        description:
          'Every registration of a method at sign-in needs a sign-in with a Temporary Access Pass (default false); always in answers, kept as it is when a PUT leaves it out',
      }),
    ),
  },
  strict,
);

export const SendLimitsJson = Type.Object(
  {
    perUser: Type.Integer(),
    perDestination: Type.Integer(),
    perIp: Type.Integer(),
    perTenant: Type.Integer(),
  },
  strict,
);

export const PolicyResponse = Type.Object({
  ...PolicyJson.properties,
  sendLimits: SendLimitsJson,
  defaultLocale: LocaleJson,
});

/** The whole document; sendLimits (and registrationRequiresPass) may be left out (kept as they are), for clients older than them. */
export const PolicyBody = Type.Object(
  {
    ...PolicyJson.properties,
    sendLimits: Type.Optional(SendLimitsJson),
    defaultLocale: Type.Optional(LocaleJson),
    reason: Type.Optional(Reason),
  },
  strict,
);

export const LockoutJson = Type.Object({
  locked: Type.Boolean(),
  failures: Type.Integer(),
  lockedUntil: NullableDateTime,
  adminRequired: Type.Boolean(),
});

export const UserJson = Type.Object({
  id: Type.String(),
  email: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(RoleName),
  disabled: Type.Boolean(),
  registrationRequired: Type.Boolean(),
  lockout: LockoutJson,
  pushBlocked: Type.Boolean(),
  locale: UserLocaleJson,
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const UserDetailJson = Type.Object({
  ...UserJson.properties,
  activeSessions: Type.Integer(),
  recoveryCodesRemaining: Type.Integer(),
  temporaryAccessPass: Type.Union([
    Type.Object({
      expiresAt: DateTime,
      reusable: Type.Boolean(),
      used: Type.Boolean(),
      issuedBy: Type.Optional(
        Type.Object(
          {
            type: Type.String({ description: 'user (an admin), api_key or operator' }),
            role: Type.String({ description: 'The role it was issued with (a role, or operator)' }),
            email: Type.Union([Type.String(), Type.Null()], {
              description: "The issuing admin's email; null for an API key, the operator or a deleted admin",
            }),
          },
          { description: 'Who issued the pass (a pass stops working once its user outranks its issuer)' },
        ),
      ),
    }),
    Type.Null(),
  ]),
});

export const AdminMethodJson = Type.Object({
  id: Type.String(),
  type: Type.String(),
  label: Type.String(),
  status: Type.String(),
  isDefault: Type.Boolean(),
  createdAt: DateTime,
  lastUsedAt: NullableDateTime,
  driftSteps: Type.Integer(),
  driftSeconds: Type.Integer(),
  failures: Type.Integer(),
  serial: Type.Optional(Type.String()),
  manufacturer: Type.Optional(Type.String()),
  model: Type.Optional(Type.String()),
});

/** A message queued for a person (emails, and SMS with the development outbox provider). */
export const OutboxJson = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  recipient: Type.String(),
  subject: Type.Union([Type.String(), Type.Null()]),
  body: Type.String(),
  status: Type.String({
    description:
      'pending, sending, sent (a provider took it), kept (the development outbox provider kept it: nobody received it), failed',
  }),
  attempts: Type.Integer(),
  createdAt: DateTime,
  sentAt: NullableDateTime,
  lastError: Type.Union([Type.String(), Type.Null()]),
});

export const ReregistrationJson = Type.Object({
  deletedMethods: Type.Integer(),
  disabledHardwareTokens: Type.Integer(),
  revokedSessions: Type.Integer(),
  revokedPasses: Type.Integer({ description: 'Temporary Access Passes that could still be used (0 or 1)' }),
  endedRecoveryCodes: Type.Integer({
    description: 'Unused recovery codes that ended; new ones are issued with the next registration',
  }),
});

export const RevokedSessionsJson = Type.Object({
  revokedSessions: Type.Integer(),
  revokedPasses: Type.Integer({ description: 'Temporary Access Passes that could still be used (0 or 1)' }),
});

export const IssuedPassJson = Type.Object({
  pass: Type.String(),
  expiresAt: DateTime,
  reusable: Type.Boolean(),
  lifetimeMinutes: Type.Integer(),
});

export type Lockout = Frozen<Static<typeof LockoutJson>>;
export type AdminUser = Frozen<Static<typeof UserJson>>;
export type AdminUserDetails = Frozen<Static<typeof UserDetailJson>>;
export type PassState = NonNullable<AdminUserDetails['temporaryAccessPass']>;
export type UserPage = { readonly users: readonly AdminUser[]; readonly nextCursor: string | null };
export type AdminMethod = Frozen<Static<typeof AdminMethodJson>>;
export type Policy = Frozen<Static<typeof PolicyResponse>>;
export type SendLimits = Frozen<Static<typeof SendLimitsJson>>;
export type OutboxMessage = Frozen<Static<typeof OutboxJson>>;
/** What "require re-registration" ended. */
export type ReregistrationResult = Frozen<Static<typeof ReregistrationJson>>;
/** What revoking a user's sessions ended. */
export type RevokedSessions = Frozen<Static<typeof RevokedSessionsJson>>;
/** A pass as issued (shown once). */
export type IssuedPass = Frozen<Static<typeof IssuedPassJson>>;
export type NewUser = Frozen<Static<typeof CreateUserBody>>;
export type UserChange = Frozen<Static<typeof PatchUserBody>>;
