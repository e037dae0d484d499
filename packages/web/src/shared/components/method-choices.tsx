import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Problem } from '../api.js';
import { flowEndingCodes } from '../messages.js';
import { describeAlternative, type SignInMethod } from '../methods.js';
import { isSentCodeType } from '../sent-codes.js';
import { FormError } from './field.js';
import { StartAgain } from './step-actions.js';

/**
 * A flow's methods as a list of buttons ("Text a code to ••• 12"), at sign-in ("Other ways to sign in") and in
 * a password reset: choosing one starts its challenge (sending the code of sms and email, said on the button
 * meanwhile); a refusal is said above the list, and one that ends the flow offers "Start again" instead.
 */
export function MethodChoices<C>(props: {
  methods: readonly SignInMethod[];
  /** Starts a method's challenge: its code screen, or why it could not start. */
  start: (method: SignInMethod) => Promise<{ readonly challenge: C } | { readonly problem: Problem }>;
  onChallenge: (challenge: C) => void;
  problemText: (problem: Problem) => string;
  /** The button's words while its code is being sent. */
  sendingText: (way: string) => string;
  /** The id of the error line above the list. */
  errorId: string;
  onRestart: () => void;
  /** Said instead of the list when there is no method to choose. */
  none?: ComponentChildren;
}) {
  const [formError, setFormError] = useState<string>();
  const [ended, setEnded] = useState(false);
  const [busy, setBusy] = useState<string>();

  async function choose(method: SignInMethod) {
    if (busy) return;
    setBusy(method.id);
    setFormError(undefined);
    const started = await props.start(method);
    setBusy(undefined);
    if ('challenge' in started) {
      props.onChallenge(started.challenge);
      return;
    }
    // Said here, where the other methods are: "Try again, or use another method" means this list.
    setFormError(props.problemText(started.problem));
    setEnded(flowEndingCodes.has(started.problem.code));
  }

  return (
    <>
      <FormError id={props.errorId} message={formError} />
      {ended ? <StartAgain onRestart={props.onRestart} /> : null}
      {props.methods.length === 0 && props.none !== undefined ? (
        props.none
      ) : (
        <ul class="choices">
          {props.methods.map((method) => (
            <li key={method.id}>
              <button
                type="button"
                class="choice"
                onClick={() => void choose(method)}
                disabled={busy !== undefined || ended}
              >
                {busy === method.id && isSentCodeType(method.type)
                  ? props.sendingText(describeAlternative(method))
                  : describeAlternative(method)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
