/** The push approval step of the sign-in page: what the server answers, and what the page says about it. */

/** `POST .../challenge` for a push entry: the number to type on the device. */
export interface PushRequest {
  readonly number: number;
  readonly expiresAt: string;
}

/** `GET .../push?wait=N`: where the sign-in's push stands (signed in once approved). */
export type PushAnswer =
  | { readonly status: 'pending' | 'denied' | 'expired' | 'reported' }
  | {
      readonly status: 'signed_in';
      readonly recoveryCodes?: readonly string[];
      readonly recoveryCodesRemaining?: number;
    };

export type PushOutcome = 'denied' | 'expired' | 'reported';

/** How long the page asks the server to hold each long-poll, in seconds. */
export const pushWaitSeconds = 25;

/** The number of a challenge answer, or undefined when it is not a push answer. */
export function toPushRequest(data: { number?: unknown; expiresAt?: unknown }): PushRequest | undefined {
  const { number, expiresAt } = data;
  if (typeof number !== 'number' || !Number.isInteger(number)) return undefined;
  return { number, expiresAt: typeof expiresAt === 'string' ? expiresAt : '' };
}

/** A status the page can show: anything but the outcomes is a status it does not know. */
export function isPushOutcome(status: string): status is PushOutcome {
  return status === 'denied' || status === 'expired' || status === 'reported';
}

/** "Open Twofold Authenticator on Ann's phone and enter" (the number follows, big). */
export function pushPrompt(device: string | undefined): string {
  return device
    ? `Open Twofold Authenticator on ${device} and enter`
    : 'Open Twofold Authenticator and enter';
}

/** The title and the sentence for each outcome. */
export function pushOutcomeText(outcome: PushOutcome): { title: string; text: string } {
  switch (outcome) {
    case 'denied':
      return {
        title: 'Request denied',
        text: 'The sign-in request was denied in Twofold Authenticator, or the number entered there did not match. Send another request, or sign in another way.',
      };
    case 'expired':
      return {
        title: 'Request timed out',
        text: 'No answer came within 2 minutes, so the request expired. Send another request, or sign in another way.',
      };
    case 'reported':
      return {
        title: 'Sign-in reported',
        text: 'You reported this sign-in as one you did not start, so it was stopped and your admin was told. Sign-in requests to your device are off until your admin turns them back on. If someone else may know your password, change it.',
      };
  }
}

/** Waits before polling again after a network failure: 1 s, 2 s, 4 s, at most 8 s. */
export function pushRetryDelayMs(failures: number): number {
  return Math.min(8000, 1000 * 2 ** Math.max(0, failures - 1));
}
