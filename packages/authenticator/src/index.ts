export { runAuthenticatorCli } from './cli.js';
export { CLOCK_WARNING_MS, type ClockOffset, measureClockOffset } from './clock.js';
export { defaultVaultPath, writeFileAtomic } from './files.js';
export type { AuthenticatorIo } from './io.js';
export {
  activatePush,
  answerChallenge,
  listChallenges,
  type PushActivationParams,
  type PushChallenge,
  type PushDecision,
  signDeviceRequest,
  signingString,
} from './push.js';
