import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import type { ApiClient, Problem } from '../shared/api.js';
import { FormError } from '../shared/components/field.js';
import { Heading } from '../shared/components/layout.js';
import { StepActions } from '../shared/components/step-actions.js';
import { describeProblem, flowEndingCodes } from '../shared/messages.js';
import { methodLabel, type SignInMethod } from '../shared/methods.js';
import {
  answerWithPasskey,
  type CeremonyFailure,
  passkeyAutofillAvailable,
  passkeysSupported,
} from '../shared/passkey-ceremony.js';

/** What the sign-in page does with a finished (or registration-bound) sign-in. */
type Answer = { readonly status: string } & Record<string, unknown>;

const ceremonyMessages: Readonly<
  Record<Exclude<CeremonyFailure, 'aborted' | 'exists'>, Parameters<typeof t>[0]>
> = {
  cancelled: 'passkeys.signIn.cancelled',
  unsupported: 'passkeys.signIn.unsupported',
};

function ceremonyMessage(reason: CeremonyFailure): string {
  return t(reason === 'unsupported' ? ceremonyMessages.unsupported : ceremonyMessages.cancelled);
}

/**
 * "Sign in with a passkey" (spec section 6): no password; the browser offers the passkeys it holds
 * for this site (`POST /sign-in/passkey`, no allowed credentials), and one with user verification
 * is both factors. Where the browser can, its passkeys are also offered in the username field's
 * suggestions (conditional mediation, `autocomplete="username webauthn"`).
 */
export function PasskeySignIn(props: {
  api: ApiClient;
  onAnswer: (answer: Answer) => Promise<Problem | undefined>;
}) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const mounted = useRef(true);

  async function signIn(autofill: boolean) {
    const started = await props.api.post<{ flowId: string; options: unknown }>('/sign-in/passkey');
    if (!started.ok)
      return autofill ? undefined : describeProblem(started.problem, 'general', { now: Date.now() });
    const answered = await answerWithPasskey(started.data.options, autofill);
    if (!answered.ok)
      return answered.reason === 'aborted' || autofill ? undefined : ceremonyMessage(answered.reason);
    const verified = await props.api.post<Answer>(
      `/sign-in/${encodeURIComponent(started.data.flowId)}/verify`,
      {
        credential: answered.credential,
      },
    );
    if (!verified.ok) return describeProblem(verified.problem, 'general', { now: Date.now() });
    const problem = await props.onAnswer(verified.data);
    return problem ? describeProblem(problem, 'general', { now: Date.now() }) : undefined;
  }

  useEffect(() => {
    mounted.current = true;
    void passkeyAutofillAvailable().then(async (available) => {
      if (!available || !mounted.current) return;
      const message = await signIn(true);
      if (message && mounted.current) setError(message);
    });
    return () => {
      mounted.current = false;
    };
  }, []);

  async function click() {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    const message = await signIn(false);
    if (!mounted.current) return;
    setBusy(false);
    setError(message);
  }

  if (!passkeysSupported()) return null;
  return (
    <div class="passkey-sign-in">
      <FormError id="passkey-sign-in-error" message={error} />
      <button type="button" class="secondary" onClick={() => void click()} disabled={busy}>
        {t('passkeys.signIn.button')}
      </button>
      <p class="muted" role="status">
        {busy ? t('passkeys.signIn.waiting') : ''}
      </p>
    </div>
  );
}

/**
 * A passkey as the second factor: the options of the challenge step name the user's passkey; the
 * browser asks for the fingerprint, face, screen lock or security key. Each try after the first
 * asks the server for a new challenge (each is answered once).
 */
export function PasskeyChallenge<T>(props: {
  api: ApiClient;
  flowId: string;
  method: SignInMethod;
  options: unknown;
  header: ComponentChildren;
  otherWays: ComponentChildren;
  onRestart: () => void;
  onSignedIn: (result: T) => void;
}) {
  const [error, setError] = useState<string>();
  const [ended, setEnded] = useState(false);
  const [busy, setBusy] = useState(false);
  const fresh = useRef<unknown>(props.options);
  const flowPath = `/sign-in/${encodeURIComponent(props.flowId)}`;

  async function answer() {
    if (busy || ended) return;
    setBusy(true);
    setError(undefined);
    let options = fresh.current;
    fresh.current = undefined;
    if (options === undefined) {
      const again = await props.api.post<{ options?: unknown }>(`${flowPath}/challenge`, {
        methodId: props.method.id,
      });
      if (!again.ok) {
        setBusy(false);
        setError(describeProblem(again.problem, 'general', { now: Date.now() }));
        setEnded(flowEndingCodes.has(again.problem.code));
        return;
      }
      options = again.data.options;
    }
    const answered = await answerWithPasskey(options);
    if (!answered.ok) {
      setBusy(false);
      setError(ceremonyMessage(answered.reason));
      return;
    }
    const verified = await props.api.post<T>(`${flowPath}/verify`, {
      methodId: props.method.id,
      credential: answered.credential,
    });
    setBusy(false);
    if (verified.ok) {
      props.onSignedIn(verified.data);
      return;
    }
    setError(describeProblem(verified.problem, 'general', { now: Date.now() }));
    setEnded(flowEndingCodes.has(verified.problem.code));
  }

  return (
    <>
      {props.header}
      <Heading>{t('passkeys.challenge.title')}</Heading>
      <p class="lead">{t('passkeys.challenge.lead', { label: methodLabel(props.method) })}</p>
      <FormError id="passkey-error" message={error} />
      <p class="muted" role="status">
        {busy ? t('passkeys.challenge.waiting') : ''}
      </p>
      <StepActions ended={ended} onRestart={props.onRestart}>
        <button type="button" onClick={() => void answer()} disabled={busy}>
          {t('passkeys.challenge.button')}
        </button>
      </StepActions>
      {props.otherWays}
    </>
  );
}
