/** What admins (and the operator) do to a user: each route or command calls one of these. */
import { type RecoverAdminInput, recoverAdmin } from './break-glass.js';
import type { AdminFlowDeps } from './deps.js';
import { issuePass } from './issue-pass.js';
import { deleteUser, updateUser } from './manage-user.js';
import { resetMethodDrift, resyncMethod } from './method-drift.js';
import { updatePolicy } from './policy.js';
import { requireReregistration } from './require-reregistration.js';
import { revokeSessions } from './revoke-sessions.js';
import { setPasswordByOperator } from './set-password.js';
import { importUsers, type UserImportInput } from './user-import/import-users.js';

export { breakGlassMaxMinutes, type RecoverAdminInput, type RecoveredAdmin } from './break-glass.js';
export type { AdminFlowDeps } from './deps.js';
export { checkReason } from './deps.js';
export type { ReregistrationResult } from './require-reregistration.js';
export {
  type RefusedLine,
  refusedImport,
  type UserImportInput,
  type UserImportReport,
} from './user-import/import-users.js';

export function createAdminFlows(deps: AdminFlowDeps) {
  return {
    requireReregistration: (input: Parameters<typeof requireReregistration>[1]) =>
      requireReregistration(deps, input),
    revokeSessions: (input: Parameters<typeof revokeSessions>[1]) => revokeSessions(deps, input),
    updateUser: (input: Parameters<typeof updateUser>[1]) => updateUser(deps, input),
    deleteUser: (input: Parameters<typeof deleteUser>[1]) => deleteUser(deps, input),
    issuePass: (input: Parameters<typeof issuePass>[1]) => issuePass(deps, input),
    resyncMethod: (input: Parameters<typeof resyncMethod>[1]) => resyncMethod(deps, input),
    resetMethodDrift: (input: Parameters<typeof resetMethodDrift>[1]) => resetMethodDrift(deps, input),
    recoverAdmin: (input: RecoverAdminInput) => recoverAdmin(deps, input),
    updatePolicy: (input: Parameters<typeof updatePolicy>[1]) => updatePolicy(deps, input),
    importUsers: (input: UserImportInput) => importUsers(deps, input),
    setPasswordByOperator: (input: Parameters<typeof setPasswordByOperator>[1]) =>
      setPasswordByOperator(deps, input),
  };
}

export type AdminFlows = ReturnType<typeof createAdminFlows>;
