/**
 * Passkeys (WebAuthn, spec section 6): the browser's credential responses and the options it is
 * given, as JSON (the WebAuthn Level 3 `toJSON()` forms, base64url for binary), shared by the
 * sign-in and self-service routes and the pages.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { Frozen } from './common.js';

const b64url = (description: string, maxLength = 16_384) =>
  Type.String({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+={0,2}$', description });

/**
 * A `RegistrationResponseJSON` (navigator.credentials.create()) or an `AuthenticationResponseJSON`
 * (navigator.credentials.get()), as @simplewebauthn/browser returns them.
 */
export const WebAuthnCredentialJson = Type.Object(
  {
    id: b64url('The credential id', 1400),
    rawId: b64url('The credential id', 1400),
    type: Type.Literal('public-key'),
    authenticatorAttachment: Type.Optional(Type.String({ maxLength: 40 })),
    clientExtensionResults: Type.Object({}, { additionalProperties: true }),
    response: Type.Object(
      {
        clientDataJSON: b64url('The client data, as the browser signed it', 4096),
        attestationObject: Type.Optional(b64url('Registration: the attestation object')),
        authenticatorData: Type.Optional(b64url('The authenticator data')),
        signature: Type.Optional(b64url('Assertion: the signature', 1024)),
        userHandle: Type.Optional(Type.String({ maxLength: 128 })),
        transports: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 10 })),
        publicKeyAlgorithm: Type.Optional(Type.Integer()),
        publicKey: Type.Optional(b64url('Registration: the public key (SPKI)', 4096)),
      },
      { additionalProperties: false },
    ),
  },
  {
    additionalProperties: false,
    description:
      'A WebAuthn RegistrationResponseJSON (registering) or AuthenticationResponseJSON (signing in), as the browser returns them',
  },
);

/** PublicKeyCredentialCreationOptionsJSON or PublicKeyCredentialRequestOptionsJSON, for the browser as they are. */
export const WebAuthnOptionsJson = Type.Object(
  { challenge: Type.String() },
  {
    additionalProperties: true,
    description:
      'WebAuthn options as JSON: PublicKeyCredentialCreationOptionsJSON (registering: resident key preferred, user verification required) or PublicKeyCredentialRequestOptionsJSON (signing in)',
  },
);

/** What registering a passkey answers: the pending method and the options for navigator.credentials.create(). */
export const PasskeyRegistrationJson = Type.Object({
  methodId: Type.String(),
  options: WebAuthnOptionsJson,
});

/** A sign-in without a password, started: `POST /sign-in/passkey`. */
export const PasskeySignInJson = Type.Object({
  flowId: Type.String({ description: 'Answer with POST /sign-in/{flowId}/verify {credential}' }),
  options: WebAuthnOptionsJson,
  expiresAt: Type.String({ format: 'date-time' }),
});

/** A confirmation of a new method: a code from it, or the browser's registration response (a passkey). */
export const ConfirmMethodBody = Type.Object(
  {
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    credential: Type.Optional(WebAuthnCredentialJson),
  },
  { additionalProperties: false },
);

export type WebAuthnCredential = Frozen<Static<typeof WebAuthnCredentialJson>>;
export type WebAuthnOptions = Static<typeof WebAuthnOptionsJson>;
export type PasskeyRegistration = Frozen<Static<typeof PasskeyRegistrationJson>>;
export type PasskeySignIn = Frozen<Static<typeof PasskeySignInJson>>;
