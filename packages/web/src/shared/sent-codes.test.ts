import { describe, expect, it } from 'vitest';
import { withMessages } from '../i18n/test-messages.js';
import {
  checkEmailAddress,
  checkPhoneNumber,
  codeLifetimeMinutes,
  formatCountdown,
  isRecentlySent,
  isSentCodeType,
  resendBlockedUntil,
  resendWaitText,
  resentStatus,
  secondsLeft,
  sentCodeLead,
  toSentCode,
} from './sent-codes.js';

const now = Date.UTC(2026, 0, 5, 9, 0, 0);

withMessages();

describe('codes sent by text message or email', () => {
  it('knows which method types send their code', () => {
    expect(isSentCodeType('sms')).toBe(true);
    expect(isSentCodeType('email')).toBe(true);
    expect(isSentCodeType('authenticator')).toBe(false);
    expect(isSentCodeType('recovery_codes')).toBe(false);
  });

  it('turns the wait before another code into a time on this clock', () => {
    const answer = { sentTo: '+1 ••• •• 23', expiresAt: '2026-01-05T09:10:00.000Z', resendAfter: 30 };
    expect(toSentCode(answer, now)).toEqual({
      sentTo: '+1 ••• •• 23',
      expiresAt: '2026-01-05T09:10:00.000Z',
      resendAt: now + 30_000,
    });
    expect(toSentCode({ ...answer, methodId: 'm1' }, now).methodId).toBe('m1');
    expect(toSentCode({ ...answer, resendAfter: -5 }, now).resendAt).toBe(now);
    expect(toSentCode({ ...answer, resendAfter: Number.NaN }, now).resendAt).toBe(now);
  });

  it('counts whole seconds down, rounding up, and stops at zero', () => {
    expect(secondsLeft(now + 30_000, now)).toBe(30);
    expect(secondsLeft(now + 29_001, now)).toBe(30);
    expect(secondsLeft(now + 1, now)).toBe(1);
    expect(secondsLeft(now, now)).toBe(0);
    expect(secondsLeft(now - 5_000, now)).toBe(0);
  });

  it('holds "Send a new code" back for as long as a refusal says', () => {
    expect(resendBlockedUntil({ status: 429, code: 'send_limited', retryAfter: 120 }, now)).toBe(
      now + 120_000,
    );
    expect(resendBlockedUntil({ status: 429, code: 'send_limited' }, now)).toBeUndefined();
    expect(resendBlockedUntil({ status: 429, code: 'send_limited', retryAfter: '9' }, now)).toBeUndefined();
    expect(resendBlockedUntil({ status: 502, code: 'delivery_failed', retryAfter: 60 }, now)).toBeUndefined();
    expect(resendBlockedUntil(undefined, now)).toBeUndefined();
  });

  it('tells a refusal for a code sent moments ago from a real limit', () => {
    expect(isRecentlySent({ status: 429, code: 'send_limited', retryAfter: 20, scope: 'resend' })).toBe(true);
    expect(isRecentlySent({ status: 429, code: 'send_limited', retryAfter: 900, scope: 'user' })).toBe(false);
    expect(isRecentlySent({ status: 502, code: 'delivery_failed' })).toBe(false);
    expect(isRecentlySent(undefined)).toBe(false);
  });

  it('formats a countdown like a clock', () => {
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(5)).toBe('0:05');
    expect(formatCountdown(45)).toBe('0:45');
    expect(formatCountdown(60)).toBe('1:00');
    expect(formatCountdown(65)).toBe('1:05');
    expect(formatCountdown(600)).toBe('10:00');
    expect(formatCountdown(-3)).toBe('0:00');
    expect(resendWaitText(42)).toBe('You can send a new code in 0:42.');
    expect(resendWaitText(0)).toBe('');
  });

  it('says where the code went', () => {
    expect(sentCodeLead('sms', '+1 ••• •• 23')).toBe('We sent a code to +1 ••• •• 23.');
    expect(sentCodeLead('email', 'a•••@example.com')).toBe('We emailed a code to a•••@example.com.');
    expect(resentStatus('sms', '+1 ••• •• 23')).toMatch(/^We sent a new code to \+1 ••• •• 23\. /);
    expect(resentStatus('email', 'a•••@example.com')).toMatch(
      /^We emailed a new code to a•••@example\.com\./,
    );
    expect(sentCodeLead('sms', '+1 ••• •• 23', { minutes: 1 })).toBe(
      'We sent a code to +1 ••• •• 23. It works for 1 minute.',
    );
    expect(sentCodeLead('email', 'a•••@example.com', { moment: true })).toBe(
      'We emailed a code to a•••@example.com a moment ago.',
    );
    expect(sentCodeLead('sms', undefined)).toBe('We could not text you a code yet.');
  });

  it('says how long the code works, unless this clock makes it implausible', () => {
    expect(codeLifetimeMinutes('2026-01-05T09:10:00.000Z', now)).toBe(10);
    expect(codeLifetimeMinutes('2026-01-05T09:01:00.000Z', now)).toBe(1);
    // A browser clock a minute behind the server's still says ten.
    expect(codeLifetimeMinutes('2026-01-05T09:11:00.000Z', now)).toBe(10);
    expect(codeLifetimeMinutes('2026-01-05T08:50:00.000Z', now)).toBeUndefined();
    expect(codeLifetimeMinutes('2026-01-06T09:00:00.000Z', now)).toBeUndefined();
    expect(codeLifetimeMinutes('not a date', now)).toBeUndefined();
  });

  it('checks a phone number before sending it, leaving the real check to the server', () => {
    expect(checkPhoneNumber(' +44 7700 900123 ')).toEqual({ ok: true, value: '+44 7700 900123' });
    expect(checkPhoneNumber('+1 (415) 555-0100')).toEqual({ ok: true, value: '+1 (415) 555-0100' });
    expect(checkPhoneNumber('0044 7700 900123')).toEqual({ ok: true, value: '0044 7700 900123' });
    expect(checkPhoneNumber('')).toEqual({ ok: false, message: 'Enter your mobile phone number.' });
    expect(checkPhoneNumber('07700 900123')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Start with \+ and the country code/),
    });
    expect(checkPhoneNumber('+44 7700 CALLME')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/only digits/),
    });
    expect(checkPhoneNumber('+44 7700 900123 900123')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/too long/),
    });
  });

  it('checks an email address before sending it', () => {
    expect(checkEmailAddress(' ada@example.com ')).toEqual({ ok: true, value: 'ada@example.com' });
    expect(checkEmailAddress('')).toEqual({ ok: false, message: 'Enter your email address.' });
    for (const bad of ['ada', 'ada@example', 'ada @example.com', '@example.com', `${'a'.repeat(250)}@b.co`]) {
      expect(checkEmailAddress(bad)).toEqual({
        ok: false,
        message: 'Enter an email address like name@example.com.',
      });
    }
  });
});
