import type { ResetFlow } from '@twofold/api/password-reset';
import { useState } from 'preact/hooks';
import { t } from '../../i18n/i18n.js';
import type { ApiClient, ApiResult, Problem } from '../../shared/api.js';
import { TextField } from '../../shared/components/field.js';
import { Brand, Heading, Page, useFocusOnMount } from '../../shared/components/layout.js';
import { SentCodeForm } from '../../shared/components/sent-code.js';
import { describeProblem, flowEndingCodes } from '../../shared/messages.js';
import { checkCode, methodLabel, type SignInMethod } from '../../shared/methods.js';
import { isSentCodeType, type SentCode, type SentCodeAnswer } from '../../shared/sent-codes.js';

/** The code step of a reset: one method, its code sent (sms, email) or read from an app or the saved list. */
export interface ResetChallenge {
  readonly flow: ResetFlow;
  readonly method: SignInMethod;
  /** When it was asked for: a new challenge is a fresh screen. */
  readonly startedAt: number;
  readonly sent?: SentCode | undefined;
  readonly sendProblem?: Problem | undefined;
}

/**
 * A problem's words on the reset's pages: by its code from the catalogs, and for the codes that end the reset
 * (too many wrong codes, too slow) the reset's own words, which say "this password reset", not "this sign-in".
 */
export function resetProblemText(
  problem: Problem,
  context: 'code' | 'sent-code' | 'recovery-code' | 'general' = 'general',
): string {
  return (
    resetEndingText(problem) ?? describeProblem(problem, context, { now: Date.now(), otherWay: 'method' })
  );
}

function resetEndingText(problem: Problem): string | undefined {
  if (problem.code === 'too_many_attempts') return t('passwords.reset.ended');
  if (problem.code === 'flow_expired' || problem.code === 'flow_not_found')
    return t('passwords.reset.expired');
  return undefined;
}

export function resetPath(flow: ResetFlow): string {
  return `/password-reset/${encodeURIComponent(flow.flowId)}`;
}

/** `POST /password-reset/{flow}/challenge`: sends the code of an sms or email method. */
export function resetChallenge(api: ApiClient, flow: ResetFlow, method: SignInMethod) {
  return api.post<Partial<SentCodeAnswer>>(`${resetPath(flow)}/challenge`, { methodId: method.id });
}

export function ResetCodeScreen(props: {
  api: ApiClient;
  challenge: ResetChallenge;
  onVerified: (flow: ResetFlow) => void;
  onOtherMethod: () => void;
  onRestart: () => void;
}) {
  const { api, challenge } = props;
  const { flow, method } = challenge;
  const verify = (code: string) =>
    api.post<ResetFlow>(`${resetPath(flow)}/verify`, { methodId: method.id, code });
  const type = method.type;
  if (isSentCodeType(type)) {
    return (
      <Page>
        <Brand />
        <Heading>{t('passwords.reset.code.title')}</Heading>
        <SentCodeForm<ResetFlow>
          type={type}
          sent={challenge.sent}
          sendProblem={challenge.sendProblem}
          destination={method.label}
          otherWay="method"
          verify={verify}
          resend={() => api.post<SentCodeAnswer>(`${resetPath(flow)}/challenge`, { methodId: method.id })}
          onVerified={props.onVerified}
          onRestart={props.onRestart}
          onBack={props.onOtherMethod}
          backLabel={t('passwords.reset.code.another')}
          wordsFor={resetEndingText}
        />
      </Page>
    );
  }
  return <ReadCodeForm {...props} verify={verify} />;
}

/** A code the user reads: from an authenticator app, a hardware token, or their recovery codes. */
function ReadCodeForm(props: {
  challenge: ResetChallenge;
  verify: (code: string) => Promise<ApiResult<ResetFlow>>;
  onVerified: (flow: ResetFlow) => void;
  onOtherMethod: () => void;
  onRestart: () => void;
}) {
  const { method } = props.challenge;
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [ended, setEnded] = useState(false);
  const [busy, setBusy] = useState(false);
  const inputRef = useFocusOnMount<HTMLInputElement>();
  const isRecovery = method.type === 'recovery_codes';

  async function submit(event: Event) {
    event.preventDefault();
    if (busy || ended) return;
    const checked = checkCode(code, method.type);
    if (!checked.ok) {
      setError(checked.message);
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    const result = await props.verify(checked.code);
    setBusy(false);
    if (result.ok) {
      props.onVerified(result.data);
      return;
    }
    setError(resetProblemText(result.problem, isRecovery ? 'recovery-code' : 'code'));
    setEnded(flowEndingCodes.has(result.problem.code));
    setCode('');
    inputRef.current?.focus();
  }

  return (
    <Page>
      <Brand />
      <Heading>{t('passwords.reset.code.title')}</Heading>
      <p class="lead">
        {isRecovery
          ? t('passwords.reset.code.leadRecovery')
          : t('passwords.reset.code.lead', { name: methodLabel(method) })}
      </p>
      <form onSubmit={submit} noValidate>
        <TextField
          id="code"
          label={t(isRecovery ? 'common.recoveryCode.label' : 'common.code.label')}
          value={code}
          onValue={(value) => {
            setCode(value);
            if (!ended) setError(undefined);
          }}
          error={error}
          inputMode={isRecovery ? 'text' : 'numeric'}
          autoComplete="one-time-code"
          maxLength={isRecovery ? 64 : 16}
          className="code-input"
          spellcheck={false}
          autoCapitalize="none"
          inputRef={inputRef}
        />
        <div class="actions">
          {ended ? (
            <button type="button" onClick={props.onRestart}>
              {t('common.action.startAgain')}
            </button>
          ) : (
            <>
              <button type="button" class="secondary" onClick={props.onOtherMethod}>
                {t('passwords.reset.code.another')}
              </button>
              <button type="submit" disabled={busy}>
                {busy ? t('common.action.checking') : t('common.action.verify')}
              </button>
            </>
          )}
        </div>
      </form>
    </Page>
  );
}
