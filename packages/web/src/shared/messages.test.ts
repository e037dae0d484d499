import { describe, expect, it } from 'vitest';
import { loadMessages } from '../i18n/i18n.js';
import { withMessages } from '../i18n/test-messages.js';
import type { Problem } from './api.js';
import { describeClockSkew, describeProblem, flowEndingCodes, formatDuration } from './messages.js';

const at = {
  now: Date.UTC(2026, 0, 5, 9, 0, 0),
  formatTime: (ms: number) => new Date(ms).toISOString().slice(11, 16),
};
const problem = (code: string, extra: Record<string, unknown> = {}, status = 400): Problem => ({
  status,
  code,
  ...extra,
});

withMessages();

describe('problems in plain words', () => {
  it('gives every sign-in refusal its own message', () => {
    const codes = [
      'invalid_credentials',
      'otp_invalid',
      'otp_replayed',
      'otp_clock_skew',
      'locked_out',
      'too_many_attempts',
      'flow_expired',
      'mfa_admin_required',
      'tap_expired',
      'validation_failed',
      'rate_limited',
      'recovery_code_invalid',
      'step_up_required',
      'last_method',
      'network_error',
      'otp_expired',
      'send_limited',
      'delivery_failed',
      'phone_number_invalid',
      'email_invalid',
    ];
    const messages = codes.map((code) => describeProblem(problem(code), 'code', at));
    expect(new Set(messages).size).toBe(codes.length);
    for (const message of messages) expect(message).toMatch(/^[A-Z].*[.]$/);
  });

  it('says the password or the pass is wrong without saying which account exists', () => {
    expect(describeProblem(problem('invalid_credentials', {}, 401), 'password', at)).toBe(
      'That email or password is not right.',
    );
    expect(describeProblem(problem('invalid_credentials', {}, 401), 'pass', at)).toMatch(
      /Temporary Access Pass is not right/,
    );
  });

  it('tells a replayed code to wait for the next one', () => {
    expect(describeProblem(problem('otp_replayed'), 'code', at)).toMatch(/already used.*next code/);
  });

  it('measures the clock skew in minutes, ahead or behind', () => {
    expect(describeProblem(problem('otp_clock_skew', { offsetSeconds: -300 }), 'code', at)).toBe(
      "Your device's clock looks about 5 minutes behind. Set it to automatic date and time, then try a new code.",
    );
    expect(describeClockSkew(90)).toMatch(/about 2 minutes ahead/);
    expect(describeClockSkew(-40)).toMatch(/about 1 minute behind/);
  });

  it('says when a locked-out user can try again', () => {
    expect(describeProblem(problem('locked_out', { retryAfter: 900 }, 429), 'code', at)).toBe(
      'Too many wrong codes, so signing in with a code is locked for now. You can try again at 09:15 (in about 15 minutes).',
    );
    expect(describeProblem(problem('locked_out', {}, 429), 'code', at)).toMatch(/admin/);
    expect(describeProblem(problem('locked_out', { retryAfter: 45 }, 429), 'password', at)).toBe(
      'Too many failed sign-ins, so signing in to this account is paused for now. You can try again at 09:00 (in 45 seconds).',
    );
  });

  it('tells the user to start again once the sign-in has ended', () => {
    expect(describeProblem(problem('too_many_attempts', {}, 429), 'code', at)).toMatch(
      /sign-in has ended\. Start again\.$/,
    );
    expect(describeProblem(problem('flow_expired', {}, 410), 'code', at)).toMatch(/expired\. Start again\.$/);
    expect(flowEndingCodes.has('too_many_attempts')).toBe(true);
    expect(flowEndingCodes.has('otp_invalid')).toBe(false);
  });

  it('warns when few attempts are left on this sign-in', () => {
    expect(describeProblem(problem('otp_invalid', { attemptsLeft: 4 }), 'code', at)).toBe(
      'That code is not right. Check the code in your app and try again.',
    );
    expect(describeProblem(problem('otp_invalid', { attemptsLeft: 2 }), 'code', at)).toMatch(
      /try again\. 2 more wrong codes end this sign-in\.$/,
    );
    expect(describeProblem(problem('otp_invalid', { attemptsLeft: 1 }), 'code', at)).toMatch(
      /One more wrong code ends this sign-in\.$/,
    );
  });

  it('speaks of recovery codes on the recovery code field', () => {
    expect(describeProblem(problem('recovery_code_invalid'), 'recovery-code', at)).toMatch(/recovery code/);
  });

  it('never shows the English detail: a code it does not know is said by its status', () => {
    expect(describeProblem(problem('something_new', { detail: 'the moon is full' }), 'general', at)).toBe(
      'That did not work. Try again.',
    );
    expect(describeProblem(problem('something_new', { detail: 'boom' }, 503), 'general', at)).toBe(
      'Something went wrong on our side. Try again in a moment.',
    );
    expect(
      describeProblem(problem('internal_error', { detail: 'stack trace here' }, 500), 'general', at),
    ).toBe('Something went wrong on our side. Try again in a moment.');
    // Every registered code has words of its own.
    expect(
      describeProblem(problem('user_exists', { detail: "a user with email 'x' exists" }), 'general', at),
    ).toBe('A user with this email already exists.');
  });

  it('speaks of codes we sent by text message or email', () => {
    expect(describeProblem(problem('otp_expired'), 'sent-code', at)).toBe(
      'This code has expired. Send a new code.',
    );
    expect(describeProblem(problem('otp_replayed'), 'sent-code', at)).toBe(
      'This code was already used. Send a new code.',
    );
    expect(describeProblem(problem('otp_invalid', { attemptsLeft: 1 }), 'sent-code', at)).toBe(
      'That code is not right. Check the latest code we sent you and try again. One more wrong code ends this sign-in.',
    );
    expect(describeProblem(problem('validation_failed'), 'sent-code', at)).toBe(
      'Enter the code as digits only, like 123456.',
    );
    // The same codes from an app read differently: there is no code to send again.
    expect(describeProblem(problem('otp_replayed'), 'code', at)).toMatch(/next code in your app/);
    expect(describeProblem(problem('otp_invalid'), 'code', at)).toMatch(/in your app/);
  });

  it('says how long to wait when too many codes were sent, and what else to do', () => {
    expect(describeProblem(problem('send_limited', { retryAfter: 1800 }, 429), 'sent-code', at)).toBe(
      'Too many codes were sent. Wait about 30 minutes before asking for a new one, or sign in another way.',
    );
    expect(describeProblem(problem('send_limited', {}, 429), 'general', at)).toBe(
      'Too many codes were sent. Wait a while before asking for a new one, or sign in another way.',
    );
    expect(
      describeProblem(problem('send_limited', { retryAfter: 40 }, 429), 'destination', {
        ...at,
        otherWay: 'method',
      }),
    ).toBe(
      'Too many codes were sent. Wait 40 seconds before asking for a new one, or choose another method.',
    );
  });

  it('says a code sent moments ago still works', () => {
    expect(
      describeProblem(problem('send_limited', { retryAfter: 25, scope: 'resend' }, 429), 'sent-code', at),
    ).toBe('A code was sent a moment ago: enter it, or wait 25 seconds to ask for a new one.');
  });

  it('suggests another way when a code could not be sent', () => {
    expect(describeProblem(problem('delivery_failed', {}, 502), 'sent-code', at)).toBe(
      "We couldn't send the code. Try again, or sign in another way.",
    );
    expect(
      describeProblem(problem('delivery_failed', {}, 502), 'destination', {
        ...at,
        otherWay: 'method',
      }),
    ).toBe("We couldn't send the code. Try again, or choose another method.");
  });

  it('explains a refused phone number or address next to the field', () => {
    expect(
      describeProblem(
        problem('phone_number_invalid', {
          detail: "phone number '+44…' is a landline",
          numberType: 'landline',
        }),
        'destination',
        at,
      ),
    ).toBe('That is a landline number, which cannot receive text messages. Enter a mobile number.');
    expect(
      describeProblem(problem('phone_number_invalid', { numberType: 'premium_rate' }), 'destination', at),
    ).toMatch(/^That is a premium-rate number/);
    expect(describeProblem(problem('phone_number_invalid'), 'destination', at)).toMatch(
      /^That is not a mobile number in international form\. Start with \+ and the country code/,
    );
    expect(
      describeProblem(problem('email_invalid', { detail: "email 'x': must look like" }), 'destination', at),
    ).toBe('Enter an email address like name@example.com.');
    expect(describeProblem(problem('method_type_not_allowed', {}, 403), 'destination', at)).toMatch(
      /does not allow this kind of method/,
    );
  });

  it('formats durations for people', () => {
    expect(formatDuration(1)).toBe('1 second');
    expect(formatDuration(45)).toBe('45 seconds');
    expect(formatDuration(60)).toBe('1 minute');
    expect(formatDuration(900)).toBe('about 15 minutes');
    expect(formatDuration(7200)).toBe('about 2 hours');
  });
});

describe('problems in the page language', () => {
  const at = { now: Date.UTC(2026, 0, 5, 9, 0, 0), formatTime: () => '09:15' };
  const problem = (code: string, extra: Record<string, unknown> = {}, status = 400): Problem => ({
    status,
    code,
    ...extra,
  });

  it('speaks German, with German durations and the way on chosen inside the sentence', async () => {
    await loadMessages('de', ['common', 'problems']);
    expect(describeProblem(problem('otp_invalid'), 'code', at)).toBe(
      'Dieser Code ist nicht richtig. Prüfen Sie den Code in Ihrer App und versuchen Sie es erneut.',
    );
    expect(describeProblem(problem('locked_out', { retryAfter: 900 }, 429), 'code', at)).toBe(
      'Zu viele falsche Codes, daher ist die Anmeldung mit einem Code vorerst gesperrt. Sie können es um 09:15 erneut versuchen (in etwa 15 Minuten).',
    );
    expect(
      describeProblem(problem('delivery_failed', {}, 502), 'destination', { ...at, otherWay: 'method' }),
    ).toBe(
      'Wir konnten den Code nicht senden. Versuchen Sie es erneut, oder wählen Sie eine andere Methode.',
    );
    expect(describeClockSkew(-300)).toMatch(/^Die Uhr Ihres Geräts geht offenbar etwa 5 Minuten nach\./);
  });

  it('speaks French and Spanish, one minute and several', async () => {
    await loadMessages('fr', ['common', 'problems']);
    expect(describeClockSkew(60)).toMatch(/^L’horloge de votre appareil semble avancer d’environ 1 minute\./);
    expect(formatDuration(45)).toBe('45\u00a0secondes');
    await loadMessages('es', ['common', 'problems']);
    expect(describeProblem(problem('otp_invalid', { attemptsLeft: 2 }), 'code', at)).toMatch(
      /2 códigos incorrectos más pondrán fin a este inicio de sesión\.$/,
    );
    await loadMessages('en', ['common', 'problems']);
  });
});
