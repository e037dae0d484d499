import { describe, expect, it } from 'vitest';
import { breakGlassNotice } from './break-glass-notice.js';

const input = {
  tenantName: 'Acme',
  recipientName: 'Bea',
  recoveredEmail: 'root@acme.test',
  minutes: 60,
  reason: 'lost phone',
  when: '2026-06-09T13:10:00.000Z',
  operator: { osUser: 'ops', host: 'mfa-1' },
  consoleUrl: 'https://mfa.acme.test/t/acme/admin',
};

describe('the break-glass email (issue 15, defect 7)', () => {
  it('says every admin was locked out only when the flow found that so', () => {
    const locked = breakGlassNotice({ ...input, everyAdminLocked: true });
    expect(locked.subject).toBe('[Acme] Break-glass recovery of admin root@acme.test');
    expect(locked.text).toContain("of 'Acme', because no other admin of the organisation could sign in.");
    const notLocked = breakGlassNotice({ ...input, everyAdminLocked: false });
    expect(notLocked.text).not.toContain('no other admin');
    expect(notLocked.text).toContain(
      'although other admins (you among them) could still sign in: ask the operator why.',
    );
    expect(notLocked.text).toContain('Reason given: lost phone');
  });
});
