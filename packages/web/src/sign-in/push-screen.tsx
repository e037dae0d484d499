import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t, tRich } from '../i18n/i18n.js';
import type { ApiClient, Problem } from '../shared/api.js';
import { FormError } from '../shared/components/field.js';
import { Heading } from '../shared/components/layout.js';
import { describeProblem, flowEndingCodes } from '../shared/messages.js';
import { pushDeviceName, type SignInMethod } from '../shared/methods.js';
import {
  isPushOutcome,
  type PushAnswer,
  type PushOutcome,
  type PushRequest,
  pushOutcomeText,
  pushRetryDelayMs,
  pushWaitSeconds,
  toPushRequest,
} from './push.js';

export interface PushScreenProps {
  readonly api: ApiClient;
  readonly flowId: string;
  readonly method: SignInMethod;
  /** The push sent before the screen appeared; undefined when sending failed (`sendProblem` says why). */
  readonly push: PushRequest | undefined;
  readonly sendProblem?: Problem | undefined;
  /** Each new push, so coming back from "Sign in another way" shows the same number. */
  readonly onSent: (push: PushRequest) => void;
  readonly onSignedIn: (result: Extract<PushAnswer, { status: 'signed_in' }>) => void;
  readonly onRestart: () => void;
  /** "Sign in another way" and the identity line, as on every code step. */
  readonly header: ComponentChildren;
  readonly otherWays: ComponentChildren;
}

type Phase = 'waiting' | PushOutcome | 'failed';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The push step: the number to type on the device, shown big, while a long-poll waits for the answer;
 * then signed in, or what happened (denied, timed out, reported) with a way on.
 */
export function PushScreen(props: PushScreenProps) {
  const { api, method } = props;
  const flowPath = `/sign-in/${encodeURIComponent(props.flowId)}`;
  const device = pushDeviceName(method);
  const [push, setPush] = useState(props.push);
  const [phase, setPhase] = useState<Phase>(props.push ? 'waiting' : 'failed');
  const [error, setError] = useState(() => (props.sendProblem ? message(props.sendProblem) : undefined));
  const [ended, setEnded] = useState(() =>
    props.sendProblem ? flowEndingCodes.has(props.sendProblem.code) : false,
  );
  const [busy, setBusy] = useState(false);

  function message(problem: Problem): string {
    return describeProblem(problem, 'general', { now: Date.now() });
  }

  function fail(problem: Problem) {
    setError(message(problem));
    setEnded(flowEndingCodes.has(problem.code));
    setPhase('failed');
  }

  // One long-poll after another while the push waits; stopped when the screen goes or the push changes.
  useEffect(() => {
    if (!push || phase !== 'waiting') return;
    const controller = new AbortController();
    let stopped = false;
    void (async () => {
      let failures = 0;
      while (!stopped) {
        const result = await api.get<PushAnswer>(`${flowPath}/push?wait=${pushWaitSeconds}`, {
          signal: controller.signal,
        });
        if (stopped) return;
        if (result.ok) {
          failures = 0;
          const answer = result.data;
          if (answer.status === 'signed_in') {
            props.onSignedIn(answer);
            return;
          }
          if (isPushOutcome(answer.status)) {
            setPhase(answer.status);
            return;
          }
          continue;
        }
        // A dropped connection (a phone changing networks) is tried again a few times.
        if (result.problem.code === 'network_error' && failures < 4) {
          failures++;
          await sleep(pushRetryDelayMs(failures));
          continue;
        }
        fail(result.problem);
        return;
      }
    })();
    return () => {
      stopped = true;
      controller.abort();
    };
  }, [push, phase]);

  async function sendAgain() {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    const result = await api.post<{ number?: unknown; expiresAt?: unknown }>(`${flowPath}/challenge`, {
      methodId: method.id,
    });
    setBusy(false);
    const next = result.ok ? toPushRequest(result.data) : undefined;
    if (next) {
      setPush(next);
      setPhase('waiting');
      props.onSent(next);
      return;
    }
    fail(result.ok ? { status: 0, code: 'internal_error' } : result.problem);
  }

  const outcome = isPushOutcome(phase) ? pushOutcomeText(phase) : undefined;
  const title = outcome?.title ?? t('signIn.push.title');
  // A reported sign-in was stopped by the server: only starting again helps.
  const canSendAgain = phase !== 'reported' && !ended;

  return (
    <>
      {props.header}
      <Heading focus key={phase}>
        {title}
      </Heading>
      {phase === 'waiting' && push ? (
        <>
          <p class="push-prompt">
            {tRich(device ? 'signIn.push.promptOn' : 'signIn.push.prompt', {
              device,
              number: push.number,
              big: (chunks) => <strong class="push-number">{chunks}</strong>,
            })}
          </p>
          <p class="hint push-waiting" role="status">
            {t('signIn.push.waiting')}
          </p>
        </>
      ) : null}
      {outcome ? (
        <p class={phase === 'reported' ? 'notice notice-warning' : 'notice'} role="status">
          {outcome.text}
        </p>
      ) : null}
      <FormError id="push-error" message={error} />
      {phase === 'waiting' ? null : (
        <div class="actions actions-start">
          {canSendAgain ? (
            <button type="button" onClick={sendAgain} disabled={busy}>
              {busy ? t('common.sentCode.sending') : t('signIn.push.sendAgain')}
            </button>
          ) : (
            <button type="button" onClick={props.onRestart}>
              {t('common.action.startAgain')}
            </button>
          )}
        </div>
      )}
      {phase === 'reported' || ended ? null : props.otherWays}
    </>
  );
}
