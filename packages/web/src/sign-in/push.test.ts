import { describe, expect, it } from 'vitest';
import { t, tRich } from '../i18n/i18n.js';
import { withMessages } from '../i18n/test-messages.js';
import { describeProblem } from '../shared/messages.js';
import { describeAlternative, methodTypeName, pushDeviceName } from '../shared/methods.js';
import { isPushOutcome, pushOutcomeText, pushRetryDelayMs, toPushRequest } from './push.js';

const push = { id: 'push:m1', type: 'push', label: "Approve on Ann's phone", isDefault: true };

withMessages();

describe('the push step of the sign-in page', () => {
  it('names the device the request went to, in the prompt and among the other ways', () => {
    expect(pushDeviceName(push)).toBe("Ann's phone");
    expect(pushDeviceName({ type: 'push', label: 'Push' })).toBeUndefined();
    expect(pushDeviceName({ type: 'authenticator', label: 'Approve on X' })).toBeUndefined();
    // The number is its own element (shown big): the words around it are one message.
    expect(
      tRich('signIn.push.promptOn', { device: "Ann's phone", number: 42, big: (c) => ({ big: c }) as never }),
    ).toEqual(["Open Twofold Authenticator on Ann's phone and enter ", { big: ['42'] }]);
    expect(t('signIn.push.prompt', { number: 42, big: (c: unknown) => String(c) } as never)).toBe(
      'Open Twofold Authenticator and enter 42',
    );
    expect(describeAlternative({ ...push, label: 'Push' })).toBe(
      'Approve a request in Twofold Authenticator',
    );
    expect(describeAlternative(push)).toBe("Approve on Ann's phone (Twofold Authenticator)");
    expect(methodTypeName('push')).toBe('Push approval');
  });

  it('reads the number of a challenge answer, and only a whole number', () => {
    expect(toPushRequest({ number: 42, expiresAt: '2026-06-09T13:12:00.000Z' })).toEqual({
      number: 42,
      expiresAt: '2026-06-09T13:12:00.000Z',
    });
    expect(toPushRequest({ sentTo: 'x' } as never)).toBeUndefined();
    expect(toPushRequest({ number: '42' })).toBeUndefined();
  });

  it('says each outcome its own way; only a report tells the user to change the password', () => {
    const outcomes = ['denied', 'expired', 'reported'] as const;
    const texts = outcomes.map(pushOutcomeText);
    expect(new Set(texts.map((t) => t.title)).size).toBe(3);
    expect(texts[0]?.text).toContain('did not match');
    expect(texts[1]?.text).toContain('2 minutes');
    expect(texts[2]?.text).toContain('change it');
    for (const status of outcomes) expect(isPushOutcome(status)).toBe(true);
    expect(isPushOutcome('pending')).toBe(false);
    expect(isPushOutcome('signed_in')).toBe(false);
  });

  it('backs off after network failures, up to 8 seconds', () => {
    expect([1, 2, 3, 4, 5, 9].map(pushRetryDelayMs)).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('explains the push limits in terms of requests, not codes', () => {
    const at = { now: Date.UTC(2026, 5, 9, 13, 10) };
    const pending = describeProblem(
      { status: 429, code: 'send_limited', retryAfter: 90, scope: 'push_pending' },
      'general',
      at,
    );
    expect(pending).toBe(
      'Several sign-in requests are already waiting on your device. Answer or deny them in Twofold Authenticator, or sign in another way.',
    );
    const hourly = describeProblem(
      { status: 429, code: 'send_limited', retryAfter: 1800, scope: 'push_hourly' },
      'general',
      at,
    );
    expect(hourly).toBe(
      'Too many sign-in requests were sent to your device. Wait about 30 minutes before sending another, or sign in another way.',
    );
  });
});
