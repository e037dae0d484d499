import { describe, expect, it } from 'vitest';
import { loadMessages } from '../i18n/i18n.js';
import { withMessages } from '../i18n/test-messages.js';
import {
  channelName,
  checkTokenCode,
  dayBoundary,
  describeLockout,
  describeNextSignIn,
  describePass,
  describePassIssuer,
  formatDateTime,
  formatDrift,
  formatMinutes,
  formatTimeOfDay,
  hardwareDetails,
  isLocked,
  isRemovedCode,
  methodName,
  outboxStatusBadge,
  reasonName,
  signInMethodName,
  signInReasons,
  summariseOutbox,
  userBadges,
} from './format.js';
import type { AdminUser } from './types.js';

const now = Date.parse('2026-03-05T12:00:00Z');

function user(change: Partial<AdminUser> = {}): AdminUser {
  return {
    id: 'u1',
    email: 'ada@example.com',
    displayName: 'Ada',
    roles: [],
    disabled: false,
    registrationRequired: false,
    lockout: { locked: false, failures: 0, lockedUntil: null, adminRequired: false },
    pushBlocked: false,
    locale: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...change,
  };
}

withMessages();

describe('console formatting', () => {
  it('formats times in a given zone, with a fallback for none', () => {
    expect(formatDateTime('2026-03-05T14:03:00Z', '—', { locale: 'en-GB', timeZone: 'UTC' })).toBe(
      '5 Mar 2026, 14:03',
    );
    expect(formatDateTime(null, 'Never')).toBe('Never');
    expect(formatDateTime('not a time', 'Never')).toBe('Never');
    expect(formatTimeOfDay('2026-03-05T14:03:27Z', { locale: 'en-GB', timeZone: 'UTC' })).toBe('14:03:27');
    expect(formatTimeOfDay('nonsense')).toBe('');
  });

  it('signs clock drift', () => {
    expect(formatDrift(30)).toBe('+30\u00a0s');
    expect(formatDrift(-60)).toBe('−60\u00a0s');
    expect(formatDrift(0)).toBe('0\u00a0s');
  });

  it('spells lifetimes out', () => {
    expect(formatMinutes(1)).toBe('1 minute');
    expect(formatMinutes(45)).toBe('45 minutes');
    expect(formatMinutes(60)).toBe('1 hour');
    expect(formatMinutes(90)).toBe('1 hour 30 minutes');
    expect(formatMinutes(43_200)).toBe('30 days');
    expect(formatMinutes(1500)).toBe('1 day 1 hour');
  });

  it('names methods by type and label', () => {
    expect(methodName({ type: 'hardware_oath', label: 'Token2 C202' })).toBe('Hardware token “Token2 C202”');
    expect(methodName({ type: 'authenticator', label: '' })).toBe('Authenticator app');
    expect(methodName({ type: 'sms', label: '+1 ••• •• 71' })).toBe('Phone (text message) “+1 ••• •• 71”');
    expect(methodName({ type: 'email', label: 'a•••@example.com' })).toBe('Email “a•••@example.com”');
  });

  it('names what a sign-in was checked with', () => {
    expect(signInMethodName('password')).toBe('Password');
    expect(signInMethodName('temporary_access_pass')).toBe('Temporary Access Pass');
    expect(signInMethodName('passkey')).toBe('Passkey');
    expect(signInMethodName('sms')).toBe('Phone (text message)');
    expect(signInMethodName('email')).toBe('Email');
  });

  it('describes hardware tokens by serial and model', () => {
    expect(hardwareDetails({ serial: '1234', manufacturer: 'Token2', model: 'C202' })).toBe(
      'Serial 1234 · Token2 C202',
    );
    expect(hardwareDetails({ model: 'C202' })).toBe('C202');
    expect(hardwareDetails({})).toBe('');
  });

  it('badges what needs an admin, most serious first', () => {
    expect(userBadges(user(), now)).toEqual([]);
    const troubled = user({
      disabled: true,
      registrationRequired: true,
      pushBlocked: true,
      lockout: { locked: true, failures: 10, lockedUntil: '2026-03-05T12:15:00Z', adminRequired: false },
    });
    expect(userBadges(troubled, now).map((b) => b.label)).toEqual([
      'Disabled',
      'Locked',
      'Push blocked',
      'Registration required',
    ]);
  });

  it('treats a lock that has run out as no lock, and an admin-required one as always locked', () => {
    const lock = (lockedUntil: string | null, adminRequired = false) =>
      user({ lockout: { locked: true, failures: 10, lockedUntil, adminRequired } });
    expect(isLocked(lock('2026-03-05T12:15:00Z'), now)).toBe(true);
    expect(isLocked(lock('2026-03-05T11:59:00Z'), now)).toBe(false);
    expect(isLocked(lock(null), now)).toBe(true);
    expect(
      isLocked(
        user({ lockout: { locked: false, failures: 100, lockedUntil: null, adminRequired: true } }),
        now,
      ),
    ).toBe(true);
    expect(userBadges(lock(null, true), now)[0]?.label).toBe('Locked (admin must unlock)');
  });

  it('names sign-in reasons, and unknown ones readably', () => {
    expect(reasonName('otp_clock_skew')).toBe('Device clock wrong');
    expect(reasonName('brand_new_reason')).toBe('Brand new reason');
    expect(reasonName('otp_expired')).toBe('Code expired');
    expect(reasonName('send_limited')).toBe('Too many codes sent');
    expect(reasonName('delivery_failed')).toBe('Message not delivered');
  });

  it('names every reason the server logs (the sign-in log filter lists them)', () => {
    const serverReasons = [
      'invalid_credentials',
      'otp_invalid',
      'otp_replayed',
      'otp_clock_skew',
      'otp_expired',
      'locked_out',
      'send_limited',
      'delivery_failed',
      'push_denied',
      'push_reported',
      'push_timeout',
      'registration_required',
      'tap_expired',
      'recovery_code_invalid',
      'flow_expired',
      'too_many_attempts',
      'user_disabled',
      'mfa_admin_required',
    ];
    expect([...signInReasons].sort()).toEqual([...serverReasons].sort());
  });

  it('names outbox channels and statuses', () => {
    expect(channelName('sms')).toBe('SMS');
    expect(channelName('email')).toBe('Email');
    expect(channelName('logout')).toBe('Logout token');
    expect(channelName('push_note')).toBe('Push note');
    expect(outboxStatusBadge('sent')).toEqual({ key: 'sent', label: 'Sent', tone: 'success' });
    // Kept by the development outbox provider: nobody received it, so it is not "Sent" (issue 15).
    expect(outboxStatusBadge('kept')).toEqual({ key: 'kept', label: 'Kept', tone: 'neutral' });
    expect(summariseOutbox([{ status: 'kept' }, { status: 'sent' }])).toBe('2 messages (1 sent, 1 kept)');
    expect(outboxStatusBadge('failed')).toEqual({ key: 'failed', label: 'Failed', tone: 'danger' });
    expect(outboxStatusBadge('pending')).toMatchObject({ label: 'Waiting', tone: 'neutral' });
    expect(outboxStatusBadge('sending')).toMatchObject({ label: 'Sending', tone: 'warning' });
    expect(outboxStatusBadge('on_hold')).toEqual({ key: 'on_hold', label: 'On hold', tone: 'neutral' });
  });

  it('tells a delivered code, removed from its message, from a message that still has it', () => {
    expect(isRemovedCode('[code removed after delivery]')).toBe(true);
    expect(isRemovedCode(' [code removed after delivery]\n')).toBe(true);
    expect(isRemovedCode('123456 is your Acme verification code')).toBe(false);
    expect(isRemovedCode(null)).toBe(false);
  });

  it('says what the next sign-in asks, counting only active methods', () => {
    const plain = { registrationRequired: false };
    expect(describeNextSignIn({ registrationRequired: true }, [{ status: 'active' }])).toBe(
      'Must register a new method',
    );
    expect(describeNextSignIn(plain, [])).toBe('Registers a first method (they have none yet)');
    expect(describeNextSignIn(plain, [{ status: 'pending' }])).toBe(
      'Registers a method (none of theirs is active yet)',
    );
    expect(describeNextSignIn(plain, [{ status: 'pending' }, { status: 'active' }])).toBe(
      'Uses their registered methods',
    );
    expect(describeNextSignIn(plain, undefined)).toBe('Uses their registered methods');
  });

  it('sums up the outbox by status, known statuses first', () => {
    expect(summariseOutbox([])).toBe('No messages');
    expect(summariseOutbox([{ status: 'sent' }])).toBe('1 message (1 sent)');
    expect(
      summariseOutbox([
        { status: 'sent' },
        { status: 'odd' },
        { status: 'pending' },
        { status: 'sent' },
        { status: 'failed' },
      ]),
    ).toBe('5 messages (1 waiting, 2 sent, 1 failed, 1 odd)');
  });

  it('turns picked dates into the start and end of that local day', () => {
    const start = dayBoundary('2026-03-05', 'start');
    const end = dayBoundary('2026-03-05', 'end');
    expect(start).toBeDefined();
    const s = new Date(start!);
    const e = new Date(end!);
    expect([s.getFullYear(), s.getMonth(), s.getDate(), s.getHours(), s.getMinutes()]).toEqual([
      2026, 2, 5, 0, 0,
    ]);
    expect([e.getDate(), e.getHours(), e.getMinutes(), e.getSeconds()]).toEqual([5, 23, 59, 59]);
    expect(dayBoundary('', 'start')).toBeUndefined();
    expect(dayBoundary('5/3/2026', 'start')).toBeUndefined();
  });

  it('checks codes typed from a token', () => {
    expect(checkTokenCode(' 123 456 ')).toEqual({ ok: true, code: '123456' });
    expect(checkTokenCode('')).toMatchObject({ ok: false });
    expect(checkTokenCode('12a456')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/digits only/),
    });
    expect(checkTokenCode('12345')).toMatchObject({ ok: false, message: expect.stringMatching(/has 5/) });
  });

  it('counts with the right noun', () => {
    expect(
      describeLockout(
        { lockout: { locked: false, failures: 1, lockedUntil: null, adminRequired: false } },
        now,
      ),
    ).toBe('Not locked; 1 failed attempt since the last success');
  });

  it('describes a pass and a lockout in the user details', () => {
    const opts = '2026-03-05T13:00:00Z';
    expect(describePass(null, now)).toBe('None');
    expect(describePass({ expiresAt: '2026-03-05T11:00:00Z', reusable: false, used: false }, now)).toMatch(
      /^Expired /,
    );
    expect(describePass({ expiresAt: opts, reusable: false, used: true }, now)).toBe(
      'Used (it worked for one sign-in)',
    );
    expect(describePass({ expiresAt: opts, reusable: true, used: true }, now)).toMatch(
      /^Reusable, used; expires /,
    );
    expect(describePass({ expiresAt: opts, reusable: false, used: false }, now)).toMatch(
      /^One-time, not used yet; expires /,
    );
    const lockout = (
      locked: boolean,
      failures: number,
      lockedUntil: string | null,
      adminRequired = false,
    ) => ({
      lockout: { locked, failures, lockedUntil, adminRequired },
    });
    expect(describeLockout(lockout(false, 0, null), now)).toBe('Not locked');
    expect(describeLockout(lockout(false, 3, null), now)).toBe(
      'Not locked; 3 failed attempts since the last success',
    );
    expect(describeLockout(lockout(true, 10, '2026-03-05T12:15:00Z'), now)).toMatch(
      /^Locked until .* \(10 failed attempts\)$/,
    );
    expect(describeLockout(lockout(true, 100, null, true), now)).toBe(
      'Locked until an admin unlocks it (100 failed attempts)',
    );
  });

  it('says who issued a pass, with the role it was issued with', () => {
    const pass = { expiresAt: '2026-03-05T13:00:00Z', reusable: false, used: false };
    expect(describePassIssuer(null)).toBeUndefined();
    expect(describePassIssuer(pass)).toBeUndefined();
    const by = (type: string, email: string | null, role = 'helpdesk') =>
      describePassIssuer({ ...pass, issuedBy: { type, role, email } });
    expect(by('user', 'desk@example.com')).toBe('Issued by desk@example.com (Helpdesk admin)');
    expect(by('user', null, 'global-admin')).toBe(
      'Issued by an admin who has since been deleted (Global admin)',
    );
    expect(by('api_key', null, 'authentication-admin')).toMatch(/^Issued with an API key \(/);
    expect(by('operator', null, 'operator')).toBe("Issued by the server's operator, from the command line");
  });
});

describe('console formatting in other languages', () => {
  it('spells lifetimes, lockouts and outbox sums in German, French and Spanish', async () => {
    await loadMessages('de', ['common', 'admin']);
    expect(formatMinutes(1500)).toBe('1 Tag, 1 Stunde');
    expect(formatMinutes(45)).toBe('45 Minuten');
    expect(
      describeLockout(
        { lockout: { locked: false, failures: 3, lockedUntil: null, adminRequired: false } },
        now,
      ),
    ).toBe('Nicht gesperrt; 3 Fehlversuche seit der letzten erfolgreichen Anmeldung');
    expect(methodName({ type: 'hardware_oath', label: 'Token2 C202' })).toBe('Hardware-Token „Token2 C202“');
    await loadMessages('fr', ['common', 'admin']);
    expect(summariseOutbox([{ status: 'sent' }, { status: 'sent' }, { status: 'failed' }])).toBe(
      '3 messages (2 envoyés et 1 en échec)',
    );
    await loadMessages('es', ['common', 'admin']);
    expect(reasonName('otp_clock_skew')).toBe('Reloj del dispositivo mal');
    await loadMessages('en', ['common', 'admin']);
  });
});
