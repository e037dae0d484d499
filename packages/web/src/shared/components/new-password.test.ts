import { describe, expect, it } from 'vitest';
import { withMessages } from '../../i18n/test-messages.js';
import { checkNewPassword, isNewPasswordProblem } from './new-password.js';

withMessages();

describe('a new password typed twice', () => {
  it('says what is wrong before anything is sent, one field at a time', () => {
    expect(checkNewPassword({ password: '', confirm: '' })).toEqual({ password: 'Enter a new password.' });
    expect(checkNewPassword({ password: 'seven77', confirm: 'seven77' })).toEqual({
      password: 'Choose a password of at least 8 characters.',
    });
    expect(checkNewPassword({ password: 'tangerine otter', confirm: '' })).toEqual({
      confirm: 'Type the new password again.',
    });
    expect(checkNewPassword({ password: 'tangerine otter', confirm: 'tangerine otters' })).toEqual({
      confirm: 'The two passwords are not the same. Type the new password again.',
    });
    expect(checkNewPassword({ password: 'tangerine otter', confirm: 'tangerine otter' })).toEqual({});
  });

  it('counts characters as the server does (code points of the NFC form), not UTF-16 units', () => {
    const eight = '🔑'.repeat(8);
    expect(checkNewPassword({ password: eight, confirm: eight })).toEqual({});
    const seven = '🔑'.repeat(7);
    expect(checkNewPassword({ password: seven, confirm: seven }).password).toBeDefined();
    // As the server counts: e + a combining accent is one character (é) once composed.
    const accents = 'e\u0301'.repeat(4);
    expect(checkNewPassword({ password: accents, confirm: accents }).password).toBeDefined();
  });

  it('leaves the list of common passwords to the server, and puts its refusals next to the field', () => {
    expect(checkNewPassword({ password: 'Qwertyuiop1', confirm: 'Qwertyuiop1' })).toEqual({});
    for (const code of ['password_too_short', 'password_too_long', 'password_too_common'])
      expect(isNewPasswordProblem({ status: 400, code })).toBe(true);
    expect(isNewPasswordProblem({ status: 400, code: 'password_incorrect' })).toBe(false);
  });
});
