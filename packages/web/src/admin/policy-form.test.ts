import { describe, expect, it } from 'vitest';
import { withMessages } from '../i18n/test-messages.js';
import {
  checkLifetime,
  fieldForPath,
  fromDraft,
  normalisePolicy,
  serverErrors,
  toDraft,
} from './policy-form.js';
import type { Policy } from './types.js';

const policy: Policy = {
  mfaRequired: true,
  registrationRequiresPass: true,
  allowedMethods: ['authenticator', 'totp', 'recovery_codes'],
  totp: { algorithm: 'SHA1', digits: 6, period: 30 },
  lockout: { failuresPerLock: 10, firstLockMinutes: 15 },
  temporaryAccessPass: { minMinutes: 10, maxMinutes: 43_200, defaultMinutes: 60 },
  sendLimits: { perUser: 5, perDestination: 4, perIp: 20, perTenant: 100_000 },
  defaultLocale: 'de',
};

withMessages();

describe('the policy form', () => {
  it('round-trips a policy through the form', () => {
    expect(fromDraft(toDraft(policy))).toEqual({ ok: true, policy });
  });

  it('fills what an older policy lacks', () => {
    const { registrationRequiresPass, ...beforePasses } = policy;
    expect(registrationRequiresPass).toBe(true);
    expect(normalisePolicy(beforePasses).registrationRequiresPass).toBe(false);
    expect(toDraft(normalisePolicy(beforePasses)).registrationRequiresPass).toBe(false);
    const { lockout, ...old } = policy;
    expect(normalisePolicy(old).lockout).toEqual({ failuresPerLock: 10, firstLockMinutes: 15 });
    expect(lockout).toBeDefined();
    const { sendLimits, ...beforeCodes } = policy;
    expect(normalisePolicy(beforeCodes).sendLimits).toEqual({
      perUser: 10,
      perDestination: 10,
      perIp: 30,
      perTenant: 1000,
    });
    expect(normalisePolicy({ ...beforeCodes, sendLimits: { ...sendLimits, perIp: 7 } }).sendLimits).toEqual({
      ...sendLimits,
      perIp: 7,
    });
  });

  it('checks the send limits as whole codes per hour from 1 to 100000', () => {
    const draft = toDraft(policy);
    expect(draft).toMatchObject({
      sendPerUser: '5',
      sendPerDestination: '4',
      sendPerIp: '20',
      sendPerTenant: '100000',
    });
    const result = fromDraft({
      ...draft,
      sendPerUser: '0',
      sendPerDestination: '2.5',
      sendPerIp: '',
      sendPerTenant: '100001',
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        sendPerUser: 'Enter codes per hour from 1 to 100000.',
        sendPerDestination: 'Enter codes per hour as a whole number.',
        sendPerIp: 'Enter codes per hour as a whole number.',
        sendPerTenant: 'Enter codes per hour from 1 to 100000.',
      },
    });
    expect(fromDraft({ ...draft, sendPerUser: ' 1 ', sendPerIp: '100000' })).toMatchObject({
      ok: true,
      policy: { sendLimits: { perUser: 1, perDestination: 4, perIp: 100_000, perTenant: 100_000 } },
    });
  });

  it('checks bounds and order field by field', () => {
    const draft = {
      ...toDraft(policy),
      failuresPerLock: '2',
      firstLockMinutes: 'ten',
      minMinutes: '120',
      defaultMinutes: '60',
      maxMinutes: '600',
      allowedMethods: [],
    };
    const result = fromDraft(draft);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      failuresPerLock: 'Enter a number from 3 to 10.',
      firstLockMinutes: 'Enter minutes as a whole number.',
      defaultMinutes: 'The default lifetime must lie between the shortest and the longest.',
      allowedMethods: 'Allow at least one method.',
    });
    const reversed = fromDraft({
      ...toDraft(policy),
      minMinutes: '600',
      maxMinutes: '60',
      defaultMinutes: '60',
    });
    expect(reversed).toMatchObject({
      ok: false,
      errors: { maxMinutes: expect.stringMatching(/at least the shortest/) },
    });
    expect(fromDraft({ ...toDraft(policy), maxMinutes: '50000' })).toMatchObject({
      ok: false,
      errors: { maxMinutes: 'Enter minutes from 10 to 43200.' },
    });
  });

  it('maps server error paths onto fields', () => {
    expect(fieldForPath('body/lockout/failuresPerLock')).toBe('failuresPerLock');
    expect(fieldForPath('/totp/digits')).toBe('digits');
    expect(fieldForPath('allowedMethods/3')).toBe('allowedMethods');
    expect(fieldForPath('temporaryAccessPass.maxMinutes')).toBe('maxMinutes');
    expect(fieldForPath('sendLimits.perDestination')).toBe('sendPerDestination');
    expect(fieldForPath('body/sendLimits/perTenant')).toBe('sendPerTenant');
    expect(fieldForPath('body/sendLimits')).toBeUndefined();
    expect(fieldForPath('body')).toBeUndefined();
    expect(fieldForPath('body/extra')).toBeUndefined();
  });

  it('spreads a refusal over the form in the page words, keeping what names no field', () => {
    const errors = serverErrors({
      status: 400,
      code: 'validation_failed',
      errors: [
        { path: 'body/temporaryAccessPass/defaultMinutes', message: 'must be >= 10' },
        { path: 'body', message: "must NOT have additional property 'x'" },
        { path: 'body/x', message: 'is unknown' },
        { path: 'lockout.failuresPerLock', message: 'a whole number from 3 to 10' },
        'junk',
      ],
    });
    expect(errors.fields).toEqual({
      defaultMinutes: expect.stringMatching(/^The server did not accept this lifetime/),
      failuresPerLock: 'The server did not accept this value.',
    });
    // What names no field is said once, whatever the server's English said.
    expect(errors.general).toEqual([
      'Some of what you entered is not in the right form. Check it and try again.',
    ]);
    expect(serverErrors({ status: 400, code: 'validation_failed' })).toEqual({ fields: {}, general: [] });
  });

  it('checks a pass lifetime against the policy', () => {
    const limits = { minMinutes: 10, maxMinutes: 480, defaultMinutes: 60 };
    expect(checkLifetime(' 90 ', limits)).toEqual({ ok: true, minutes: 90 });
    expect(checkLifetime('5', limits)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/from 10 to 480/),
    });
    expect(checkLifetime('1.5', limits)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/whole minutes/),
    });
    expect(checkLifetime('', limits)).toMatchObject({ ok: false });
  });
});
