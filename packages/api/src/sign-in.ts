/** The sign in part of the API: request and response schemas (TypeBox), shared by the server (which validates with them and publishes them as OpenAPI) and the pages. */
import { type Static, Type } from '@sinclair/typebox';
import { defaultPushWaitSeconds, type Frozen, maxPushWaitSeconds } from './common.js';
import { PasskeyRegistrationJson, WebAuthnCredentialJson, WebAuthnOptionsJson } from './passkeys.js';

export const FlowParams = Type.Object({
  tenant: Type.String({ minLength: 1, maxLength: 63 }),
  flowId: Type.String({ minLength: 1, maxLength: 100 }),
});

export const StartBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 254, description: 'Email address (the username).' }),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    temporaryAccessPass: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);

export const ChallengeBody = Type.Object(
  { methodId: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

export const VerifyBody = Type.Object(
  {
    methodId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'The entry answered; absent only with credential after POST /sign-in/passkey',
      }),
    ),
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'A code (with methodId)' })),
    credential: Type.Optional(WebAuthnCredentialJson),
  },
  {
    additionalProperties: false,
    description:
      '{methodId, code}; or a passkey: {methodId, credential} (second factor, or confirming one just registered), or {credential} after POST /sign-in/passkey',
  },
);

export const RegisterBody = Type.Object(
  {
    type: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'authenticator, totp, sms (with phoneNumber) or email (with email).',
    }),
    phoneNumber: Type.Optional(Type.String({ maxLength: 40 })),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    label: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const MethodView = Type.Object({
  id: Type.String({
    description: 'What to send as methodId to /challenge and /verify (push: `push:{methodId}`)',
  }),
  type: Type.String({
    description:
      'authenticator, totp, sms, email, hardware_oath, recovery_codes, or push: approve on the Twofold Authenticator (/challenge answers {number}; GET /sign-in/{flowId}/push waits for the answer)',
  }),
  label: Type.String(),
  isDefault: Type.Boolean(),
});

export const Session = Type.Object({ token: Type.String(), expiresAt: Type.String({ format: 'date-time' }) });

export const FlowResponse = Type.Object({
  flowId: Type.String(),
  status: Type.Union([
    Type.Literal('mfa_required'),
    Type.Literal('registration_required'),
    Type.Literal('signed_in'),
  ]),
  methods: Type.Array(MethodView),
  expiresAt: Type.String({ format: 'date-time' }),
  session: Type.Optional(Session),
  registrationTypes: Type.Optional(
    Type.Array(Type.String(), { description: 'registration_required: the types the user may register' }),
  ),
  proofRequired: Type.Optional(
    Type.Union([Type.Literal('method'), Type.Literal('pass')], {
      description:
        "registration_required: what the user must prove before registering. method: answer with one of `methods` first (the user's own methods, even of types the policy no longer allows, or a recovery code), then register; pass: only a sign-in with a Temporary Access Pass may register (policy registrationRequiresPass). Absent: register now.",
    }),
  ),
});

export const SignedInResponse = Type.Object({
  status: Type.Literal('signed_in'),
  session: Session,
  recoveryCodes: Type.Optional(Type.Array(Type.String())),
  recoveryCodesRemaining: Type.Optional(Type.Integer()),
});

/** What verify answers: signed in, or (after a proof before registration) the flow waiting for the new method. */
export const VerifyResponse = Type.Union([SignedInResponse, FlowResponse]);

export const SentCode = {
  sentTo: Type.String({ description: 'The masked destination, as +1 ••• •• 23 or a•••@example.com' }),
  expiresAt: Type.String({ format: 'date-time' }),
  resendAfter: Type.Integer({ description: 'Seconds before another code may be sent' }),
};

export const RegisterResponse = Type.Union([
  Type.Object({
    methodId: Type.String(),
    otpauthUri: Type.String(),
    secret: Type.String(),
    qrCodeSvg: Type.String(),
  }),
  Type.Object({ methodId: Type.String(), ...SentCode }),
  PasskeyRegistrationJson,
]);

export const ChallengeResponse = Type.Object({
  number: Type.Optional(
    Type.Integer({ minimum: 10, maximum: 99, description: 'Push: the number to type on the device' }),
  ),
  options: Type.Optional(WebAuthnOptionsJson),
  sentTo: Type.Optional(SentCode.sentTo),
  expiresAt: Type.Optional(SentCode.expiresAt),
  resendAfter: Type.Optional(SentCode.resendAfter),
});

export const PushQuery = Type.Object(
  {
    wait: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: maxPushWaitSeconds,
        description: `Seconds to wait for an answer (default ${defaultPushWaitSeconds})`,
      }),
    ),
  },
  { additionalProperties: false },
);

export const PushPendingResponse = Type.Object({
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('denied'),
    Type.Literal('expired'),
    Type.Literal('reported'),
  ]),
});

export type SignInFlow = Frozen<Static<typeof FlowResponse>>;
export type SignInMethod = Frozen<Static<typeof MethodView>>;
export type SignedIn = Frozen<Static<typeof SignedInResponse>>;
export type VerifyAnswer = Frozen<Static<typeof VerifyResponse>>;
export type ChallengeAnswer = Frozen<Static<typeof ChallengeResponse>>;
