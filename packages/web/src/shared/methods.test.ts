import { describe, expect, it } from 'vitest';
import { loadMessages } from '../i18n/i18n.js';
import { namespaces } from '../i18n/page-catalogs.js';
import { withMessages } from '../i18n/test-messages.js';
import {
  checkCode,
  describeAlternative,
  groupKey,
  methodDisplayName,
  methodLabel,
  methodTypeName,
  normaliseCode,
  pickDefaultMethod,
  readOtpauthUri,
  recoveryCodesFile,
  registrationChoiceHint,
  registrationChoices,
  svgDataUrl,
} from './methods.js';

withMessages();

describe('methods on the pages', () => {
  it('groups a key in fours', () => {
    expect(groupKey('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
    expect(groupKey('ABCDEF')).toBe('ABCD EF');
  });

  it('reads issuer, account, digits and period from an otpauth URI', () => {
    expect(
      readOtpauthUri(
        'otpauth://totp/Acme%20Corp:ada%40example.com?secret=JBSW&issuer=Acme%20Corp&digits=8&period=60',
      ),
    ).toEqual({ issuer: 'Acme Corp', account: 'ada@example.com', digits: 8, period: 60 });
    expect(readOtpauthUri('otpauth://totp/Twofold:bob@example.com?secret=JBSW')).toEqual({
      issuer: 'Twofold',
      account: 'bob@example.com',
      digits: 6,
      period: 30,
    });
    expect(readOtpauthUri('not a uri')).toEqual({ issuer: '', account: '', digits: 6, period: 30 });
  });

  it('checks a code before sending it', () => {
    expect(checkCode(' 123 456 ', 'authenticator', 6)).toEqual({ ok: true, code: '123456' });
    expect(checkCode('', 'authenticator')).toEqual({ ok: false, message: 'Enter the code from your app.' });
    expect(checkCode('12a456', 'totp')).toMatchObject({
      ok: false,
      message: 'The code is digits only, like 123456.',
    });
    expect(checkCode('12345', 'authenticator', 6)).toMatchObject({
      ok: false,
      message: 'The code has 6 digits; you entered 5.',
    });
    expect(checkCode('12345', 'authenticator')).toMatchObject({ ok: false });
    expect(checkCode('abcd-efgh', 'recovery_codes')).toEqual({ ok: true, code: 'abcd-efgh' });
    expect(checkCode('  ', 'recovery_codes')).toEqual({
      ok: false,
      message: 'Enter one of your recovery codes.',
    });
    expect(normaliseCode('123-456', 'totp')).toBe('123456');
  });

  it('starts with the default method, never with recovery codes when another exists', () => {
    const recovery = {
      id: 'recovery-codes',
      type: 'recovery_codes',
      label: 'Recovery code',
      isDefault: true,
    };
    const phone = { id: 'm1', type: 'authenticator', label: 'Phone', isDefault: false };
    const tablet = { id: 'm2', type: 'totp', label: 'Tablet', isDefault: true };
    expect(pickDefaultMethod([phone, tablet, recovery])).toBe(tablet);
    expect(pickDefaultMethod([recovery, phone])).toBe(phone);
    expect(pickDefaultMethod([])).toBeUndefined();
    expect(describeAlternative(recovery)).toBe('Use a recovery code');
    expect(describeAlternative(phone)).toBe('Use a verification code from Phone');
  });

  it('names sms and email alternatives by their masked destination', () => {
    expect(describeAlternative({ id: 's', type: 'sms', label: '+1 ••• •• 23', isDefault: false })).toBe(
      'Text +1 ••• •• 23',
    );
    expect(describeAlternative({ id: 'e', type: 'email', label: 'a•••@example.com', isDefault: false })).toBe(
      'Email a•••@example.com',
    );
    expect(methodTypeName('sms')).toBe('Phone (text message)');
    expect(methodDisplayName({ type: 'sms', label: '+1 ••• •• 23' })).toBe(
      'Phone (text message) (+1 ••• •• 23)',
    );
    expect(methodDisplayName({ type: 'email', label: 'a•••@example.com' })).toBe('Email (a•••@example.com)');
  });

  it("names a method nobody named by its type in the page's language, keeps a user's own name", async () => {
    await loadMessages('de', namespaces);
    try {
      expect(methodLabel({ type: 'authenticator', label: 'Authenticator app' })).toBe('Authenticator-App');
      expect(methodLabel({ type: 'totp', label: 'Authenticator app (code only)' })).toBe(
        'Andere Authenticator-App',
      );
      expect(methodLabel({ type: 'totp', label: ' ' })).toBe('Andere Authenticator-App');
      expect(methodLabel({ type: 'authenticator', label: 'Diensthandy' })).toBe('Diensthandy');
      expect(methodDisplayName({ type: 'authenticator', label: 'Diensthandy' })).toBe(
        'Authenticator-App (Diensthandy)',
      );
    } finally {
      await loadMessages('en', namespaces);
    }
  });

  it('checks a sent code for its six digits', () => {
    expect(checkCode('', 'sms', 6)).toEqual({ ok: false, message: 'Enter the code we sent you.' });
    expect(checkCode('123 45', 'email', 6)).toEqual({
      ok: false,
      message: 'The code has 6 digits; you entered 5.',
    });
    expect(checkCode('123-456', 'sms', 6)).toEqual({ ok: true, code: '123456' });
  });

  it('offers the registration choices the flow allows, all three when it does not say', () => {
    expect(registrationChoices(undefined)).toEqual(['authenticator', 'sms', 'email', 'passkey']);
    expect(registrationChoices(['email', 'authenticator', 'totp'])).toEqual(['authenticator', 'email']);
    expect(registrationChoices(['sms'])).toEqual(['sms']);
    expect(registrationChoices([])).toEqual([]);
    expect(new Set(registrationChoices(undefined).map(registrationChoiceHint)).size).toBe(4);
  });

  it('turns the QR code SVG into an image address, non-ASCII included', () => {
    const url = svgDataUrl('<svg xmlns="http://www.w3.org/2000/svg"><title>Zoë</title></svg>');
    expect(url.startsWith('data:image/svg+xml;base64,')).toBe(true);
    const decoded = Buffer.from(url.split(',')[1] ?? '', 'base64').toString('utf8');
    expect(decoded).toContain('<title>Zoë</title>');
  });

  it('writes the recovery codes file', () => {
    const text = recoveryCodesFile(
      ['aaaa-bbbb', 'cccc-dddd'],
      'ada@example.com',
      new Date(Date.UTC(2026, 0, 1)),
    );
    expect(text).toBe(
      'Twofold recovery codes for ada@example.com\nIssued 2026-01-01T00:00:00.000Z. Each code works once; new codes replace these.\n\naaaa-bbbb\ncccc-dddd\n',
    );
  });
});
