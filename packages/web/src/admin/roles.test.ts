import { describe, expect, it } from 'vitest';
import { withMessages } from '../i18n/test-messages.js';
import { actionBlock, can, roleName, strongestRole, targetBlock } from './roles.js';

withMessages();

describe('admin roles in the console', () => {
  it('finds the strongest role and ignores unknown ones', () => {
    expect(strongestRole(['helpdesk', 'global-admin'])).toBe('global-admin');
    expect(strongestRole(['authentication-admin', 'helpdesk'])).toBe('authentication-admin');
    expect(strongestRole(['owner'])).toBeUndefined();
    expect(strongestRole([])).toBeUndefined();
  });

  it('follows the least role of each action', () => {
    expect(can(['helpdesk'], 'users.require_reregistration')).toBe(true);
    expect(can(['helpdesk'], 'users.temporary_access_pass')).toBe(true);
    expect(can(['helpdesk'], 'users.unlock')).toBe(false);
    expect(can(['helpdesk'], 'audit.read')).toBe(false);
    expect(can(['authentication-admin'], 'methods.resync')).toBe(true);
    expect(can(['authentication-admin'], 'audit.read')).toBe(true);
    expect(can(['authentication-admin'], 'policy.update')).toBe(false);
    expect(can(['authentication-admin'], 'users.create')).toBe(false);
    expect(can(['global-admin'], 'policy.update')).toBe(true);
    expect(can([], 'users.read')).toBe(false);
  });

  it('says why an action is not offered', () => {
    expect(actionBlock(['helpdesk'], 'users.unlock')).toBe('Needs the authentication admin role or higher.');
    expect(actionBlock(['global-admin'], 'users.unlock')).toBeUndefined();
  });

  it('keeps admins off themselves, and off other admins unless global', () => {
    const helpdesk = { id: 'h', roles: ['helpdesk'] };
    const global = { id: 'g', roles: ['global-admin'] };
    expect(targetBlock(helpdesk, { id: 'u', roles: [] })).toBeUndefined();
    expect(targetBlock(helpdesk, { id: 'h', roles: ['helpdesk'] })).toMatch(/your own account/);
    expect(targetBlock(helpdesk, { id: 'a', roles: ['helpdesk'] })).toMatch(/only a global admin/);
    expect(targetBlock(global, { id: 'a', roles: ['authentication-admin'] })).toBeUndefined();
    expect(targetBlock(global, { id: 'g', roles: ['global-admin'] })).toMatch(/your own account/);
  });

  it('names roles for people', () => {
    expect(roleName('authentication-admin')).toBe('Authentication admin');
    expect(roleName('custom')).toBe('custom');
  });
});
