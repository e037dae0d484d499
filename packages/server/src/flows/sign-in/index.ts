/**
 * The sign-in flow of spec section 3 (flow 1), one file per step as node-oidc-provider does:
 * start (first factor), challenge, verify (second factor or the new method's first code),
 * register ("More information required"), push-status, troubleshoot ("I can't get a code");
 * complete.ts ends them all.
 */

import { challengeSignIn } from './challenge.js';
import { loadFlow, type SignInDeps, viewOf } from './deps.js';
import { finishPasskeySignIn, startPasskeySignIn } from './passkey.js';
import { pushStatusOfSignIn } from './push-status.js';
import { registerAtSignIn } from './register.js';
import { startSignIn } from './start.js';
import { diagnoseSignIn, requestHelpAtSignIn } from './troubleshoot.js';
import type { SignInFlowService } from './types.js';
import { verifySignIn } from './verify.js';

export type { SignInDeps } from './deps.js';
export * from './types.js';

export function createSignInFlows(deps: SignInDeps): SignInFlowService {
  return {
    start: (input) => startSignIn(deps, input),
    async get(tenant, flowId, client) {
      return viewOf(deps, tenant, await loadFlow(deps, tenant, flowId, client), flowId);
    },
    challenge: (tenant, flowId, client, entryId) => challengeSignIn(deps, tenant, flowId, client, entryId),
    // The attempt, the replay guard, the lockout's reset and the session: stored together.
    verify: (tenant, flowId, client, entryId, code) =>
      deps.unitOfWork(() => verifySignIn(deps, tenant, flowId, client, entryId, { code })),
    verifyCredential: (tenant, flowId, client, entryId, credential) =>
      deps.unitOfWork(() =>
        entryId === undefined
          ? finishPasskeySignIn(deps, tenant, flowId, client, credential)
          : verifySignIn(deps, tenant, flowId, client, entryId, { credential }),
      ),
    startPasskey: (tenant) => startPasskeySignIn(deps, tenant),
    register: (tenant, flowId, client, input) => registerAtSignIn(deps, tenant, flowId, client, input),
    pushStatus: (tenant, flowId, client, options) =>
      pushStatusOfSignIn(deps, tenant, flowId, client, options),
    diagnose: (tenant, flowId, client, deviceTime) =>
      diagnoseSignIn(deps, tenant, flowId, client, deviceTime),
    requestHelp: (tenant, flowId, client, input) => requestHelpAtSignIn(deps, tenant, flowId, client, input),
  };
}
