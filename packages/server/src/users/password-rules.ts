/**
 * The rules for a new password, everywhere one is set (setup, a new user, a change, a reset, the
 * operator's set-password; spec section 6, NIST SP 800-63B): 8 to 256 characters
 * (`password_too_short`, `password_too_long`, counted in code points of the NFC form), and not in
 * the list of common and breached passwords (`password_too_common`). No composition rules.
 */
import { TwofoldError } from '@twofold/core';
import { checkPassword } from '../platform/crypto/password-hasher.js';
import { isCommonPassword } from './common-passwords.js';

export function checkNewPassword(password: string): void {
  checkPassword(password);
  if (isCommonPassword(password)) {
    throw new TwofoldError(
      'password_too_common',
      'this password is one of the most common or breached passwords; choose another (a few unrelated words make a good one)',
    );
  }
}
