/** The password reset part of the API ("Forgot password?", spec section 6): request and response schemas (TypeBox), shared by the server (which validates with them and publishes them as OpenAPI) and the pages. */
import { type Static, Type } from '@sinclair/typebox';
import { DateTime, type Frozen, Id, Slug, strict } from './common.js';
import { NewPassword } from './self-service.js';
import { ChallengeResponse, MethodView } from './sign-in.js';

export const ResetParams = Type.Object({
  tenant: Slug,
  flowId: Type.String({ minLength: 1, maxLength: 100 }),
});

export const StartResetBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 254, description: 'Email address (the username).' }) },
  strict,
);

export const ResetChallengeBody = Type.Object({ methodId: Id }, strict);

export const ResetVerifyBody = Type.Object(
  { methodId: Id, code: Type.String({ minLength: 1, maxLength: 64 }) },
  strict,
);

export const ResetPasswordBody = Type.Object({ newPassword: NewPassword }, strict);

export const ResetFlowJson = Type.Object({
  flowId: Type.String(),
  status: Type.Union([Type.Literal('verification_required'), Type.Literal('password_required')], {
    description:
      'verification_required: prove it is you with a code from one of `methods` (an admin proves two different ones, one after the other); password_required: choose the new password',
  }),
  methods: Type.Array(MethodView, { description: 'verification_required: the methods not proven yet' }),
  verified: Type.Integer({ description: 'Methods proven so far' }),
  expiresAt: DateTime,
});

export const ResetChallengeJson = ChallengeResponse;

export const ResetDoneJson = Type.Object({ status: Type.Literal('completed') });

export type ResetFlow = Frozen<Static<typeof ResetFlowJson>>;
export type ResetDone = Frozen<Static<typeof ResetDoneJson>>;
