/** The self service part of the API: request and response schemas (TypeBox), shared by the server (which validates with them and publishes them as OpenAPI) and the pages. */
import { type Static, Type } from '@sinclair/typebox';
import { type Frozen, UserLocaleJson } from './common.js';

export const MethodParams = Type.Object({
  tenant: Type.String({ minLength: 1, maxLength: 63 }),
  id: Type.String({ minLength: 1, maxLength: 100 }),
});

export const AddMethodBody = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 40 }),
    phoneNumber: Type.Optional(Type.String({ maxLength: 40 })),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    label: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const CodeBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

export const StepUpBody = Type.Object(
  {
    methodId: Type.String({ minLength: 1, maxLength: 100 }),
    code: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);

export const DefaultBody = Type.Object(
  { methodId: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

export const MethodJson = Type.Object({
  id: Type.String(),
  type: Type.String(),
  label: Type.String(),
  isDefault: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const MeJson = Type.Object({
  user: Type.Object({
    id: Type.String(),
    email: Type.String(),
    displayName: Type.String(),
    roles: Type.Array(Type.String()),
    locale: UserLocaleJson,
  }),
  methods: Type.Array(MethodJson),
  recoveryCodesRemaining: Type.Integer(),
  stepUpUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  currentPasswordRequired: Type.Boolean({
    description:
      'Whether POST /me/password needs currentPassword: false in a session started with a Temporary Access Pass in the last hour, or for an account without a password yet',
  }),
});

export const SentCodeJson = Type.Object({
  sentTo: Type.String({ description: 'The masked destination, as +1 ••• •• 23 or a•••@example.com' }),
  expiresAt: Type.String({ format: 'date-time' }),
  resendAfter: Type.Integer({ description: 'Seconds before another code may be sent' }),
});

export const RegisterJson = Type.Union([
  Type.Object({
    methodId: Type.String(),
    otpauthUri: Type.String(),
    secret: Type.String(),
    qrCodeSvg: Type.String(),
  }),
  Type.Object({ methodId: Type.String(), ...SentCodeJson.properties }),
]);

export const MethodIdBody = Type.Object(
  { methodId: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

export const SignedOutEverywhereJson = Type.Object({
  revokedSessions: Type.Integer(),
  revokedPushDevices: Type.Integer(),
  revokedPasses: Type.Integer({ description: 'Temporary Access Passes that could still be used (0 or 1)' }),
});

/** The password rules (spec section 6): 8 to 256 characters, not a common one (checked by the server). */
export const NewPassword = Type.String({
  minLength: 1,
  maxLength: 1024,
  description:
    '8 to 256 characters, not one of the common or breached passwords Twofold ships (password_too_short, password_too_long, password_too_common)',
});

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description:
          'Needed unless the session was started with a Temporary Access Pass in the last hour, or the account has no password yet',
      }),
    ),
    newPassword: NewPassword,
  },
  { additionalProperties: false },
);

export const PasswordChangedJson = Type.Object({
  revokedSessions: Type.Integer({ description: 'Other sessions that ended (this one stays)' }),
  revokedPasses: Type.Integer({ description: 'Temporary Access Passes that could still be used (0 or 1)' }),
});

export type Me = Frozen<Static<typeof MeJson>>;
export type PasswordChange = Frozen<Static<typeof ChangePasswordBody>>;
export type PasswordChanged = Frozen<Static<typeof PasswordChangedJson>>;
export type OwnMethod = Frozen<Static<typeof MethodJson>>;
export type Registration = Frozen<Static<typeof RegisterJson>>;
export type SentCodeAnswer = Frozen<Static<typeof SentCodeJson>>;

/** `PATCH /me`: the language of the user's emails and text messages (null: their organisation's). */
export const PatchMeBody = Type.Object({ locale: UserLocaleJson }, { additionalProperties: false });
export const PatchMeJson = Type.Object({ locale: UserLocaleJson });
