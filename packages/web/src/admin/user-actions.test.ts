import { describe, expect, it } from 'vitest';
import { withMessages } from '../i18n/test-messages.js';
import type { AdminMethod, AdminUser } from './types.js';
import { methodActionAllowed, methodActions, offeredUserActions } from './user-actions.js';

const now = Date.parse('2026-03-05T12:00:00Z');
const helpdesk = { id: 'h', roles: ['helpdesk'] };
const authAdmin = { id: 'a', roles: ['authentication-admin'] };
const global = { id: 'g', roles: ['global-admin'] };

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

function method(change: Partial<AdminMethod> = {}): AdminMethod {
  return {
    id: 'm1',
    type: 'authenticator',
    label: 'Phone',
    status: 'active',
    isDefault: true,
    createdAt: '2026-01-01T00:00:00Z',
    lastUsedAt: null,
    driftSteps: 0,
    driftSeconds: 0,
    failures: 0,
    ...change,
  };
}

withMessages();

describe('actions the user page offers', () => {
  it('gives a helpdesk admin the helpdesk actions and says which need more', () => {
    const locked = user({
      pushBlocked: true,
      lockout: { locked: true, failures: 10, lockedUntil: null, adminRequired: false },
    });
    const offered = offeredUserActions(helpdesk, locked, now);
    expect(offered.actions).toEqual(['reregister', 'pass', 'revoke']);
    expect(offered.needHigherRole).toEqual(['unlock', 'clear-push', 'edit', 'disable', 'delete']);
    expect(offered.blocked).toBeUndefined();
  });

  it('offers unlock and clear push only when there is something to lift', () => {
    expect(offeredUserActions(authAdmin, user(), now).actions).toEqual(['reregister', 'pass', 'revoke']);
    const troubled = user({
      pushBlocked: true,
      lockout: { locked: true, failures: 10, lockedUntil: '2026-03-05T12:10:00Z', adminRequired: false },
    });
    expect(offeredUserActions(authAdmin, troubled, now).actions).toEqual([
      'reregister',
      'pass',
      'revoke',
      'unlock',
      'clear-push',
    ]);
  });

  it('offers enable instead of disable for a disabled user, all to a global admin', () => {
    expect(offeredUserActions(global, user({ disabled: true }), now).actions).toEqual([
      'reregister',
      'pass',
      'revoke',
      'edit',
      'enable',
      'delete',
    ]);
  });

  it('offers nothing on oneself, or on another admin unless global', () => {
    expect(offeredUserActions(helpdesk, user({ id: 'h', roles: ['helpdesk'] }), now)).toMatchObject({
      actions: [],
      blocked: expect.stringMatching(/own account/),
    });
    expect(offeredUserActions(authAdmin, user({ roles: ['helpdesk'] }), now).actions).toEqual([]);
    expect(offeredUserActions(global, user({ roles: ['helpdesk'] }), now).actions).toContain('reregister');
    expect(methodActionAllowed(authAdmin, user({ roles: ['helpdesk'] }), 'delete')).toBe(false);
    expect(methodActionAllowed(authAdmin, user(), 'delete')).toBe(true);
    expect(methodActionAllowed(helpdesk, user(), 'resync')).toBe(false);
  });

  it('offers per-method actions that fit the method', () => {
    expect(methodActions(method())).toEqual(['resync', 'delete']);
    expect(methodActions(method({ driftSteps: 2, driftSeconds: 60 }))).toEqual([
      'resync',
      'reset-drift',
      'delete',
    ]);
    expect(methodActions(method({ type: 'hardware_oath', status: 'pending' }))).toEqual([
      'activate',
      'delete',
    ]);
    expect(methodActions(method({ type: 'sms' }))).toEqual(['delete']);
  });
});
