export {
  activatedPush,
  deviceHeader,
  type PushActivationParams,
  type PushChallenge,
  type PushDecision,
  pushActivationOf,
  pushUriParameters,
  signatureHeader,
  signingString,
  timestampHeader,
  withoutPushParameters,
} from './device-protocol.js';
