import { describe, expect, it } from 'vitest';
import { adminMessage } from './admin-messages.js';

describe('admin messages', () => {
  it('shows the server detail of a refusal', () => {
    expect(
      adminMessage({
        status: 403,
        code: 'forbidden',
        detail: 'only a global admin may act on another admin',
      }),
    ).toBe('Not allowed: only a global admin may act on another admin.');
    expect(adminMessage({ status: 403, code: 'forbidden' })).toBe(
      'Not allowed: your role does not allow this.',
    );
    expect(
      adminMessage({ status: 400, code: 'validation_failed', detail: 'body/email: must match format' }),
    ).toBe('Body/email: must match format.');
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
