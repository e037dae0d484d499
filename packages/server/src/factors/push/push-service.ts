/**
 * Push approvals with number matching (spec section 2; the device's side of the protocol is in
 * device-signature.ts and http/routes/devices.ts), in three parts over one notifier:
 *
 * - devices (push-devices.ts): the `twofold_push` token of an authenticator method's URI is spent
 *   once (a conditional UPDATE clears its hash) to register a device's ECDSA P-256 public key;
 *   every later device request is signed with it.
 * - challenges (push-challenges.ts): a push is a row in `push_challenges` with a 2-digit number
 *   from the CSPRNG, shown on the sign-in page (never sent to the device), 2 minutes to live.
 *   MFA fatigue: at most 3 pending pushes per user and 10 per hour, counted while the user's row is
 *   locked, so bursts on several instances cannot slip past.
 * - answers (push-answers.ts): approve (with the number), deny or report, once each, by a
 *   conditional UPDATE on the push's status; a wrong number denies it; a report blocks push for
 *   the user until an admin clears it.
 *
 * Devices and sign-in pages wait in long-polls woken by the notifier (in-process, and on
 * PostgreSQL across instances by LISTEN/NOTIFY, postgres-notifier.ts) and by a database re-check
 * every 500 ms for whatever a notification missed.
 */
import { createPushAnswers } from './push-answers.js';
import { createPushChallenges } from './push-challenges.js';
import { createPushDevices } from './push-devices.js';
import { createPushNotifier } from './push-notifier.js';
import type { PushServiceDeps } from './push-types.js';

export * from './push-types.js';

export function createPushService(deps: PushServiceDeps) {
  const parts = { ...deps, notifier: deps.notifier ?? createPushNotifier() };
  const devices = createPushDevices(parts);
  const challenges = createPushChallenges(parts);
  const answers = createPushAnswers({ ...parts, challenges });
  return {
    notifier: parts.notifier,
    ...devices,
    /** The device's pending pushes now. */
    pendingFor: challenges.pendingFor,
    waitForChallenges: challenges.waitForChallenges,
    targets: challenges.targets,
    start: challenges.start,
    outcome: challenges.outcome,
    answer: answers.answer,
  };
}

export type PushService = ReturnType<typeof createPushService>;
