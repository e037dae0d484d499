import type { ResetDone, ResetFlow } from '@twofold/api/password-reset';
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { formattingLocale, t, tRich } from '../../i18n/i18n.js';
import type { ApiClient, Problem } from '../../shared/api.js';
import { FormError, TextField } from '../../shared/components/field.js';
import { Brand, Heading, Page, useFocusOnMount } from '../../shared/components/layout.js';
import { MethodChoices } from '../../shared/components/method-choices.js';
import {
  checkNewPassword,
  isNewPasswordProblem,
  type NewPasswordDraft,
  type NewPasswordErrors,
  NewPasswordFields,
  passwordProblemText,
} from '../../shared/components/new-password.js';
import { StepActions } from '../../shared/components/step-actions.js';
import { describeProblem, flowEndingCodes, formatDuration } from '../../shared/messages.js';
import { Troubleshooter } from '../troubleshooter/troubleshooter.js';
import {
  type ResetChallenge,
  ResetCodeScreen,
  resetPath,
  resetProblemText,
  startResetChallenge,
} from './reset-code.js';

/**
 * "Forgot password?" (spec section 6), on the sign-in page: the username, then a code from one of the
 * user's methods (an administrator proves two different ones), then the new password. An unknown
 * username gets the page a user without a method gets: ask your admin for a Temporary Access Pass.
 */
type Screen =
  | { readonly kind: 'start' }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'choose'; readonly flow: ResetFlow }
  | ({ readonly kind: 'code' } & ResetChallenge)
  | ({ readonly kind: 'troubleshoot' } & ResetChallenge)
  | { readonly kind: 'password'; readonly flow: ResetFlow }
  | { readonly kind: 'done' };

const strong = (chunks: ComponentChildren[]) => <strong>{chunks}</strong>;

export function PasswordReset(props: {
  api: ApiClient;
  /** The username typed on the sign-in page, if any. */
  username: string;
  /** Back to the sign-in page, with the username to sign in as. */
  onSignIn: (username: string) => void;
}) {
  const { api } = props;
  const [screen, setScreen] = useState<Screen>({ kind: 'start' });
  const [username, setUsername] = useState(props.username);
  const restart = () => setScreen({ kind: 'start' });
  const toSignIn = () => props.onSignIn(username);

  /** After a code: the next method (admins), or the new password. */
  const verified = (flow: ResetFlow) =>
    setScreen(flow.status === 'password_required' ? { kind: 'password', flow } : { kind: 'choose', flow });

  switch (screen.kind) {
    case 'start':
      return (
        <StartScreen
          api={api}
          username={username}
          onUsername={setUsername}
          onStarted={(flow) => setScreen({ kind: 'choose', flow })}
          onUnavailable={() => setScreen({ kind: 'unavailable' })}
          onBack={toSignIn}
        />
      );
    case 'unavailable':
      return (
        <Page>
          <Brand />
          <Heading focus>{t('passwords.reset.unavailable.title')}</Heading>
          <p class="lead">{t('passwords.reset.unavailable.lead', { username })}</p>
          <p>{tRich('passwords.reset.unavailable.pass', { strong })}</p>
          <div class="actions">
            <button type="button" class="secondary" onClick={restart}>
              {t('common.action.back')}
            </button>
            <button type="button" onClick={toSignIn}>
              {t('passwords.reset.backToSignIn')}
            </button>
          </div>
        </Page>
      );
    case 'choose':
      return (
        <ChooseScreen
          api={api}
          username={username}
          flow={screen.flow}
          onChallenge={(challenge) => setScreen({ kind: 'code', ...challenge })}
          onRestart={restart}
        />
      );
    case 'code': {
      const { kind: _, ...challenge } = screen;
      return (
        <ResetCodeScreen
          key={`${screen.method.id}:${screen.startedAt}`}
          api={api}
          challenge={challenge}
          onVerified={verified}
          onOtherMethod={() => setScreen({ kind: 'choose', flow: screen.flow })}
          onTroubleshoot={() => setScreen({ ...screen, kind: 'troubleshoot' })}
          onRestart={restart}
        />
      );
    }
    case 'troubleshoot': {
      // "I can't get a code": the sign-in's troubleshooter, asking this reset's diagnosis.
      const { kind: _, ...challenge } = screen;
      return (
        <Troubleshooter
          api={api}
          flowId={challenge.flow.flowId}
          flowKind="password-reset"
          methods={challenge.flow.methods}
          currentMethodId={challenge.method.id}
          header={null}
          onUseMethod={async (methodId) => {
            const method = challenge.flow.methods.find((m) => m.id === methodId);
            if (!method) return { status: 404, code: 'method_not_found' };
            const started = await startResetChallenge(api, challenge.flow, method);
            if ('problem' in started) return started.problem;
            setScreen({ kind: 'code', ...started.challenge });
            return undefined;
          }}
          onBack={() => setScreen({ ...challenge, kind: 'code' })}
          onUsePass={toSignIn}
          onRestart={restart}
        />
      );
    }
    case 'password':
      return (
        <NewPasswordScreen
          api={api}
          username={username}
          flow={screen.flow}
          onDone={() => setScreen({ kind: 'done' })}
          onRestart={restart}
        />
      );
    case 'done':
      return (
        <Page>
          <Brand />
          <Heading focus>{t('passwords.reset.done.title')}</Heading>
          <p class="lead" role="status">
            {t('passwords.reset.done.lead')}
          </p>
          <div class="actions">
            <button type="button" onClick={toSignIn}>
              {t('passwords.reset.done.signIn')}
            </button>
          </div>
        </Page>
      );
  }
}

function throttledText(problem: Problem): string {
  const retryAfter = problem['retryAfter'];
  if (typeof retryAfter !== 'number' || !Number.isFinite(retryAfter))
    return describeProblem(problem, 'general', { now: Date.now() });
  const time = new Intl.DateTimeFormat(formattingLocale(), { hour: 'numeric', minute: '2-digit' }).format(
    Date.now() + retryAfter * 1000,
  );
  return t('passwords.reset.start.throttled', { time, duration: formatDuration(retryAfter) });
}

function StartScreen(props: {
  api: ApiClient;
  username: string;
  onUsername: (username: string) => void;
  onStarted: (flow: ResetFlow) => void;
  onUnavailable: () => void;
  onBack: () => void;
}) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const inputRef = useFocusOnMount<HTMLInputElement>();

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    const username = props.username.trim();
    if (!username) {
      setError(t('passwords.reset.start.missing'));
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    const result = await props.api.post<ResetFlow>('/password-reset', { username });
    setBusy(false);
    if (result.ok) props.onStarted(result.data);
    else if (result.problem.code === 'password_reset_unavailable') props.onUnavailable();
    else {
      setError(
        result.problem.code === 'locked_out'
          ? throttledText(result.problem)
          : describeProblem(result.problem, 'general', { now: Date.now() }),
      );
      inputRef.current?.focus();
    }
  }

  return (
    <Page>
      <Brand />
      <Heading>{t('passwords.reset.start.title')}</Heading>
      <p class="lead">{t('passwords.reset.start.lead')}</p>
      <form onSubmit={submit} noValidate>
        <TextField
          id="reset-username"
          label={t('passwords.reset.start.label')}
          value={props.username}
          onValue={(value) => {
            props.onUsername(value);
            setError(undefined);
          }}
          error={error}
          type="email"
          inputMode="email"
          autoComplete="username"
          maxLength={254}
          spellcheck={false}
          autoCapitalize="none"
          inputRef={inputRef}
        />
        <div class="actions">
          <button type="button" class="secondary" onClick={props.onBack}>
            {t('passwords.reset.backToSignIn')}
          </button>
          <button type="submit" disabled={busy}>
            {t('common.action.next')}
          </button>
        </div>
      </form>
    </Page>
  );
}

function ChooseScreen(props: {
  api: ApiClient;
  username: string;
  flow: ResetFlow;
  onChallenge: (challenge: ResetChallenge) => void;
  onRestart: () => void;
}) {
  const { flow } = props;
  return (
    <Page>
      <Brand />
      <Heading focus>{t('passwords.reset.choose.title')}</Heading>
      {flow.verified > 0 ? (
        <p class="notice notice-success" role="status">
          {t('passwords.reset.choose.second')}
        </p>
      ) : null}
      <p class="lead">{t('passwords.reset.choose.lead', { username: props.username })}</p>
      <MethodChoices<ResetChallenge>
        methods={flow.methods}
        start={(method) => startResetChallenge(props.api, flow, method)}
        onChallenge={props.onChallenge}
        problemText={(problem) => resetProblemText(problem)}
        sendingText={(way) => t('passwords.reset.choose.sending', { way })}
        errorId="choose-error"
        onRestart={props.onRestart}
      />
    </Page>
  );
}

function NewPasswordScreen(props: {
  api: ApiClient;
  username: string;
  flow: ResetFlow;
  onDone: () => void;
  onRestart: () => void;
}) {
  const [draft, setDraft] = useState<NewPasswordDraft>({ password: '', confirm: '' });
  const [errors, setErrors] = useState<NewPasswordErrors>({});
  const [formError, setFormError] = useState<string>();
  const [ended, setEnded] = useState(false);
  const [busy, setBusy] = useState(false);
  const passwordRef = useFocusOnMount<HTMLInputElement>();
  const confirmRef = useRef<HTMLInputElement>(null);

  function show(next: NewPasswordErrors) {
    setErrors(next);
    (next.password ? passwordRef : next.confirm ? confirmRef : undefined)?.current?.focus();
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (busy || ended) return;
    setFormError(undefined);
    const checked = checkNewPassword(draft);
    if (checked.password || checked.confirm) {
      show(checked);
      return;
    }
    setErrors({});
    setBusy(true);
    const result = await props.api.post<ResetDone>(`${resetPath(props.flow)}/password`, {
      newPassword: draft.password,
    });
    setBusy(false);
    if (result.ok) {
      props.onDone();
    } else if (isNewPasswordProblem(result.problem)) {
      setDraft({ password: '', confirm: '' });
      show({ password: passwordProblemText(result.problem) });
    } else {
      setFormError(resetProblemText(result.problem));
      setEnded(flowEndingCodes.has(result.problem.code));
    }
  }

  return (
    <Page>
      <Brand />
      <Heading>{t('passwords.reset.new.title')}</Heading>
      <p class="lead">{t('passwords.reset.new.lead', { username: props.username })}</p>
      <form onSubmit={submit} noValidate>
        <FormError id="new-password-form-error" message={formError} />
        {/* The username goes along for password managers, which look for it in the same form. */}
        <input type="email" name="username" autoComplete="username" value={props.username} hidden readOnly />
        <NewPasswordFields
          draft={draft}
          errors={errors}
          onDraft={(next) => {
            setDraft(next);
            setErrors({
              ...(next.password !== draft.password ? {} : { password: errors.password }),
            });
          }}
          passwordRef={passwordRef}
          confirmRef={confirmRef}
        />
        <StepActions ended={ended} onRestart={props.onRestart}>
          <button type="submit" disabled={busy}>
            {busy ? t('passwords.reset.new.submitting') : t('passwords.reset.new.submit')}
          </button>
        </StepActions>
      </form>
    </Page>
  );
}
