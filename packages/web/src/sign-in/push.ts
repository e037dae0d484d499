/** The push approval step of the sign-in page: what the server answers, and what the page says about it. */
import { t } from '../i18n/i18n.js';

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

/** The title and the sentence for each outcome. */
export function pushOutcomeText(outcome: PushOutcome): { title: string; text: string } {
  switch (outcome) {
    case 'denied':
      return { title: t('signIn.push.denied.title'), text: t('signIn.push.denied.text') };
    case 'expired':
      return { title: t('signIn.push.expired.title'), text: t('signIn.push.expired.text') };
    case 'reported':
      return { title: t('signIn.push.reported.title'), text: t('signIn.push.reported.text') };
  }
}

/** Waits before polling again after a network failure: 1 s, 2 s, 4 s, at most 8 s. */
export function pushRetryDelayMs(failures: number): number {
  return Math.min(8000, 1000 * 2 ** Math.max(0, failures - 1));
}
