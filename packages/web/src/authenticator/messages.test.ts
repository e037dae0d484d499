import { IMPORT_FORMATS, locales, TwofoldError } from '@twofold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMessages } from '../i18n/i18n.js';
import { namespaces } from '../i18n/page-catalogs.js';
import { entryKind } from './import-view.js';
import { type ManualEntryForm, manualEntry } from './logic.js';
import { describeError, errorText, formatName } from './messages.js';

const form: ManualEntryForm = {
  type: 'totp',
  issuer: '',
  name: '',
  secret: 'GEZDGNBVGY3TQOJQ',
  algorithm: 'SHA1',
  digits: '6',
  period: '30',
  counter: '0',
};

function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('nothing thrown');
}

describe('the authenticator’s words in English', () => {
  beforeAll(() => loadMessages('en', namespaces));

  it('says a coded error by its code, with core’s English detail beside it', () => {
    const wrong = new TwofoldError(
      'import_password_wrong',
      '2FAS backup: the password does not open it (bad tag)',
    );
    expect(describeError(wrong)).toEqual({
      text: 'That password does not open the file. Nothing was imported.',
      detail: '2FAS backup: the password does not open it (bad tag)',
    });
    expect(errorText(wrong)).toBe(
      'That password does not open the file. Nothing was imported. Details: 2FAS backup: the password does not open it (bad tag)',
    );
    // A code whose detail adds nothing a person needs is said alone.
    expect(describeError(new TwofoldError('vault_passphrase_wrong', 'bad tag'))).toEqual({
      text: 'That passphrase is not right. Nothing was changed: try again.',
    });
    // A server problem (push.ts) carries its code the same way.
    expect(describeError(Object.assign(new Error('expired'), { code: 'push_expired' })).text).toBe(
      'This sign-in request has expired or was ended: there is nothing to answer.',
    );
    expect(describeError(new Error('the server answered 502'))).toEqual({
      text: 'Something went wrong: the server answered 502',
    });
  });

  it('says what is wrong with the form by hand', () => {
    expect(describeError(thrown(() => manualEntry(form))).text).toBe(
      'Give the name of the service or of the account.',
    );
    expect(describeError(thrown(() => manualEntry({ ...form, name: 'a', period: 'x' }))).text).toBe(
      'The period must be a whole number of seconds.',
    );
  });

  it('names every import format, none by its bare --format name', () => {
    const names = IMPORT_FORMATS.map(formatName);
    expect(names).toContain('2FAS backup');
    expect(names).toContain('Google Authenticator export');
    expect(names).toContain('FreeOTP+ export');
    for (const [index, format] of IMPORT_FORMATS.entries()) expect(names[index], format).not.toBe(format);
    expect(new Set(names).size).toBe(IMPORT_FORMATS.length);
  });

  it('says how an account makes its codes', () => {
    const entry = manualEntry({ ...form, name: 'a', type: 'hotp', digits: '8', counter: '3' });
    expect(entryKind(entry)).toBe('HOTP, counter 3, 8 digits, SHA-1');
    expect(entryKind(manualEntry({ ...form, name: 'a', period: '60' }))).toBe(
      'TOTP, 60 seconds, 6 digits, SHA-1',
    );
  });
});

for (const locale of locales.filter((l) => l !== 'en')) {
  describe(`the authenticator’s words in ${locale}`, () => {
    beforeAll(() => loadMessages(locale, namespaces));

    it('names every import format in its own words, and says errors in the language', () => {
      for (const format of IMPORT_FORMATS) expect(formatName(format), format).not.toBe(format);
      const said = describeError(new TwofoldError('import_invalid', 'a JSON object with keys a, b'));
      expect(said.detail).toBe('a JSON object with keys a, b');
      expect(said.text).not.toMatch(/cannot be imported/);
    });
  });
}
