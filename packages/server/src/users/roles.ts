import { isRole, type Role, roles, TwofoldError } from '@twofold/core';

/** Admin roles of spec section 1 (the table is @twofold/core's); a user with none is an ordinary user. */
export { isRole, type Role, roles } from '@twofold/core';

export function checkRole(value: string): Role {
  if (!isRole(value))
    throw new TwofoldError('role_invalid', `role '${value}': must be one of ${roles.join(', ')}`);
  return value;
}
