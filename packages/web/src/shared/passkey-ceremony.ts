/**
 * The browser's side of a passkey (WebAuthn) through @simplewebauthn/browser: create one from the
 * server's creation options, or answer its request options, and say why it did not happen.
 */
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  startAuthentication,
  startRegistration,
} from '@simplewebauthn/browser';

/** Why no credential came back: the user cancelled (or it timed out), another request replaced this one, the browser cannot, or the authenticator already holds one of this account's passkeys. */
export type CeremonyFailure = 'cancelled' | 'aborted' | 'unsupported' | 'exists';

export type CeremonyResult =
  | { readonly ok: true; readonly credential: Record<string, unknown> }
  | { readonly ok: false; readonly reason: CeremonyFailure };

function failure(error: unknown): CeremonyResult {
  const { name, code } = (error ?? {}) as { name?: string; code?: string };
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || name === 'InvalidStateError') {
    return { ok: false, reason: 'exists' };
  }
  if (code === 'ERROR_CEREMONY_ABORTED' || name === 'AbortError') return { ok: false, reason: 'aborted' };
  return { ok: false, reason: 'cancelled' };
}

export async function createPasskey(options: unknown): Promise<CeremonyResult> {
  if (!browserSupportsWebAuthn()) return { ok: false, reason: 'unsupported' };
  try {
    const credential = await startRegistration({
      optionsJSON: options as PublicKeyCredentialCreationOptionsJSON,
    });
    return { ok: true, credential: credential as unknown as Record<string, unknown> };
  } catch (error) {
    return failure(error);
  }
}

/** Answers request options; with `autofill`, waits for the user to pick a passkey in the username field's suggestions. */
export async function answerWithPasskey(options: unknown, autofill = false): Promise<CeremonyResult> {
  if (!browserSupportsWebAuthn()) return { ok: false, reason: 'unsupported' };
  try {
    const credential = await startAuthentication({
      optionsJSON: options as PublicKeyCredentialRequestOptionsJSON,
      useBrowserAutofill: autofill,
    });
    return { ok: true, credential: credential as unknown as Record<string, unknown> };
  } catch (error) {
    return failure(error);
  }
}

/** The browser offers passkeys among the username field's suggestions (conditional mediation). */
export function passkeyAutofillAvailable(): Promise<boolean> {
  return browserSupportsWebAuthn() ? browserSupportsWebAuthnAutofill() : Promise.resolve(false);
}

export { browserSupportsWebAuthn as passkeysSupported };
