export {
  type PushActivationParams,
  type PushChallenge,
  type PushDecision,
  pushActivationOf,
  pushUriParameters,
  signingString,
  withoutPushParameters,
} from './device-protocol.js';
