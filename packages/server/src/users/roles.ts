import { TwofoldError } from '@twofold/core';

/** Admin roles of spec section 1; a user with none is an ordinary user. */
export const roles = ['global-admin', 'authentication-admin', 'helpdesk'] as const;
export type Role = (typeof roles)[number];

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

export function checkRole(value: string): Role {
  if (!isRole(value))
    throw new TwofoldError('role_invalid', `role '${value}': must be one of ${roles.join(', ')}`);
  return value;
}
