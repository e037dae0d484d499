import { describe, expect, it } from 'vitest';
import { withMessages } from '../i18n/test-messages.js';
import { adminMessage } from './admin-messages.js';

withMessages();

describe('admin messages', () => {
  it('says a refusal by its code, never by the English detail', () => {
    expect(
      adminMessage({
        status: 403,
        code: 'forbidden',
        detail: 'only a global admin may act on another admin',
      }),
    ).toBe('Not allowed: your role does not allow this, or not on this user.');
    expect(
      adminMessage({ status: 400, code: 'validation_failed', detail: 'body/email: must match format' }),
    ).toBe('Some of what you entered is not in the right form. Check it and try again.');
    expect(adminMessage({ status: 409, code: 'user_exists', detail: "a user with email 'a@b.c'" })).toBe(
      'A user with this email already exists.',
    );
  });

  it('explains the second-factor requirement of the console', () => {
    expect(adminMessage({ status: 403, code: 'step_up_required' })).toMatch(/second factor/);
  });

  it('reads wrong token codes for the admin who typed them', () => {
    expect(adminMessage({ status: 400, code: 'otp_invalid' }, 'code')).toMatch(/did not match the token/);
    expect(adminMessage({ status: 409, code: 'last_global_admin' })).toMatch(/last active global admin/);
    expect(adminMessage({ status: 0, code: 'network_error' })).toMatch(/couldn't reach the server/);
  });
});
