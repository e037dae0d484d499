/** The signed-in user's own flows (spec section 4, `/me`): each route calls one of these. */
import type { Me, SelfServiceDeps } from './deps.js';
import {
  addMethod,
  confirmMethod,
  deleteMethod,
  describeMe,
  issueRecoveryCodes,
  setDefaultMethod,
  setLocale,
} from './methods.js';
import { changePassword } from './password.js';
import { signOut, signOutEverywhere } from './sign-out.js';
import { sendStepUpCode, stepUp } from './step-up.js';

export type { Me, SelfServiceDeps } from './deps.js';

export function createSelfServiceFlows(deps: SelfServiceDeps) {
  const bind =
    <A extends unknown[], R>(flow: (deps: SelfServiceDeps, me: Me, ...args: A) => R) =>
    (me: Me, ...args: A): R =>
      flow(deps, me, ...args);
  return {
    describeMe: bind(describeMe),
    stepUp: bind(stepUp),
    sendStepUpCode: bind(sendStepUpCode),
    addMethod: bind(addMethod),
    confirmMethod: bind(confirmMethod),
    deleteMethod: bind(deleteMethod),
    setDefaultMethod: bind(setDefaultMethod),
    setLocale: bind(setLocale),
    issueRecoveryCodes: bind(issueRecoveryCodes),
    signOutEverywhere: bind(signOutEverywhere),
    signOut: bind(signOut),
    changePassword: bind(changePassword),
  };
}

export type SelfServiceFlows = ReturnType<typeof createSelfServiceFlows>;
