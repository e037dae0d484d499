export {
  type AdminAction,
  adminActions,
  isRole,
  type Role,
  roleAllows,
  roleRank,
  roles,
  strongestRole,
} from './admin-actions.js';
