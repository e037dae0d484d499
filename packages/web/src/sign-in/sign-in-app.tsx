import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import type { ApiClient, Problem } from '../shared/api.js';
import { ReadCodeForm } from '../shared/components/code-entry.js';
import { FormError, TextField } from '../shared/components/field.js';
import { Brand, Heading, Page, useFocusOnMount } from '../shared/components/layout.js';
import { MethodChoices } from '../shared/components/method-choices.js';
import { PasskeyRegister } from '../shared/components/passkey-register.js';
import { RecoveryCodesPanel } from '../shared/components/recovery-codes.js';
import { RegisterWizard } from '../shared/components/register-wizard.js';
import { SentCodeForm } from '../shared/components/sent-code.js';
import { describeProblem } from '../shared/messages.js';
import {
  isAppCode,
  methodLabel,
  methodTypeName,
  pickDefaultMethod,
  type RegistrationChoice,
  registrationChoiceHint,
  registrationChoices,
  type SignInMethod,
} from '../shared/methods.js';
import {
  challengeSentCode,
  isRecentlySent,
  isSentCodeType,
  type SentCode,
  type SentCodeAnswer,
} from '../shared/sent-codes.js';
import { PasskeyChallenge, PasskeySignIn } from './passkey-sign-in.js';
import { PasswordReset } from './password-reset/password-reset.js';
import { type PushRequest, toPushRequest } from './push.js';
import { PushScreen } from './push-screen.js';
import { Troubleshooter } from './troubleshooter/troubleshooter.js';

/** `POST /sign-in` answers this; `signed_in` comes with the session cookie already set. */
export interface FlowStart {
  readonly flowId: string;
  readonly status: 'mfa_required' | 'registration_required' | 'signed_in';
  readonly methods: readonly SignInMethod[];
  readonly expiresAt: string;
  /** What a `registration_required` flow may register, among authenticator, sms and email (all when absent). */
  readonly registrationTypes?: readonly string[];
}

export interface SignedIn {
  readonly status: 'signed_in';
  readonly recoveryCodes?: readonly string[];
  readonly recoveryCodesRemaining?: number;
}

interface Flow {
  readonly id: string;
  readonly username: string;
  readonly methods: readonly SignInMethod[];
  readonly registrationTypes: readonly RegistrationChoice[];
}

/**
 * Where the challenge of a method stands: for sms and email, the code sent; for a push, the number to
 * type on the device (or, for either, why sending failed).
 */
interface Challenge {
  readonly flow: Flow;
  readonly method: SignInMethod;
  /** When it was asked for: a new challenge (even of the same method) is a fresh screen. */
  readonly startedAt: number;
  readonly sent?: SentCode;
  readonly push?: PushRequest;
  /** A passkey: the WebAuthn request options naming it. */
  readonly options?: unknown;
  readonly sendProblem?: Problem;
}

type Screen =
  | { readonly kind: 'username' }
  | { readonly kind: 'password'; readonly mode: 'password' | 'pass' }
  | { readonly kind: 'password-reset' }
  | ({ readonly kind: 'challenge' } & Challenge)
  | { readonly kind: 'other-ways'; readonly flow: Flow; readonly current: Challenge }
  | { readonly kind: 'cannot-use'; readonly flow: Flow; readonly current: Challenge }
  | { readonly kind: 'troubleshoot'; readonly flow: Flow; readonly current: Challenge }
  | { readonly kind: 'more-info'; readonly flow: Flow; readonly choice?: RegistrationChoice }
  | { readonly kind: 'register'; readonly flow: Flow; readonly type: RegistrationChoice }
  | { readonly kind: 'recovery-codes'; readonly codes: readonly string[]; readonly username: string }
  | { readonly kind: 'recovery-used'; readonly remaining: number };

export interface SignInAppProps {
  readonly api: ApiClient;
  /** Where a finished sign-in goes: the security info page, or back to the application that asked. */
  readonly onSignedIn: () => void;
  /** The application the user signs in to (OpenID Connect), named on the first screen. */
  readonly appName?: string | undefined;
}

/** The sign-in card: username, password (or a pass), then the second factor or "More information required". */
export function SignInApp({ api, onSignedIn, appName }: SignInAppProps) {
  const [screen, setScreen] = useState<Screen>({ kind: 'username' });
  const [username, setUsername] = useState('');

  const restart = () => setScreen({ kind: 'username' });

  /** After a verified code: recovery codes to save, a note about a spent recovery code, or done. */
  function finish(result: SignedIn, user: string) {
    if (result.recoveryCodes && result.recoveryCodes.length > 0) {
      setScreen({ kind: 'recovery-codes', codes: result.recoveryCodes, username: user });
    } else if (result.recoveryCodesRemaining !== undefined) {
      setScreen({ kind: 'recovery-used', remaining: result.recoveryCodesRemaining });
    } else {
      onSignedIn();
    }
  }

  /** After the first factor: done, registration, or the default method's challenge (which may send a code). */
  async function started(start: FlowStart): Promise<Problem | undefined> {
    const flow: Flow = {
      id: start.flowId,
      username,
      methods: start.methods,
      registrationTypes: registrationChoices(start.registrationTypes),
    };
    if (start.status === 'signed_in') {
      onSignedIn();
      return undefined;
    }
    const method = pickDefaultMethod(start.methods);
    if (start.status === 'registration_required' || !method) {
      setScreen({ kind: 'more-info', flow });
      return undefined;
    }
    const challenge = await startChallenge(api, flow, method);
    // A code or push that could not be sent is said on its screen, where "Sign in another way" is.
    if (!challenge.ok && !isSentCodeType(method.type) && method.type !== 'push') return challenge.problem;
    setScreen({ kind: 'challenge', ...challenge.challenge });
    return undefined;
  }

  /** The troubleshooter's "use another method": that method's challenge, or why it could not start. */
  async function useMethod(flow: Flow, methodId: string): Promise<Problem | undefined> {
    const method = flow.methods.find((m) => m.id === methodId);
    if (!method) return { status: 404, code: 'method_not_found' };
    const challenge = await startChallenge(api, flow, method);
    if (!challenge.ok && !isSentCodeType(method.type) && method.type !== 'push') return challenge.problem;
    setScreen({ kind: 'challenge', ...challenge.challenge });
    return undefined;
  }

  /** "I can't get a code" (and "I can't use any of these"): the troubleshooter, back to where it was opened. */
  function troubleshooter(flow: Flow, current: Challenge, onBack: () => void) {
    return (
      <Troubleshooter
        api={api}
        flowId={flow.id}
        methods={flow.methods}
        currentMethodId={screen.kind === 'troubleshoot' ? current.method.id : undefined}
        header={<Identity username={flow.username} onBack={restart} />}
        onUseMethod={(methodId) => useMethod(flow, methodId)}
        onBack={onBack}
        onUsePass={() => setScreen({ kind: 'password', mode: 'pass' })}
        onRestart={restart}
      />
    );
  }

  switch (screen.kind) {
    case 'username':
      return (
        <UsernameScreen
          username={username}
          appName={appName}
          passkey={<PasskeySignIn api={api} onAnswer={(answer) => started(answer as unknown as FlowStart)} />}
          onNext={(value) => {
            setUsername(value);
            setScreen({ kind: 'password', mode: 'password' });
          }}
        />
      );
    case 'password':
      return (
        <PasswordScreen
          api={api}
          username={username}
          mode={screen.mode}
          onMode={(mode) => setScreen({ kind: 'password', mode })}
          onForgot={() => setScreen({ kind: 'password-reset' })}
          onBack={restart}
          onStarted={started}
        />
      );
    case 'password-reset':
      return (
        <PasswordReset
          api={api}
          username={username}
          onSignIn={(user) => {
            setUsername(user.trim());
            setScreen(user.trim() ? { kind: 'password', mode: 'password' } : { kind: 'username' });
          }}
        />
      );
    case 'challenge': {
      const { kind: _, ...current } = screen;
      return (
        <ChallengeScreen
          key={`${screen.method.id}:${screen.startedAt}`}
          api={api}
          challenge={current}
          // Kept so that coming back from "Sign in another way" shows the same code and wait.
          onSent={(sent) => setScreen({ ...screen, sent, sendProblem: undefined })}
          onPushSent={(push) => setScreen({ ...screen, push, sendProblem: undefined })}
          onOtherWays={() => setScreen({ kind: 'other-ways', flow: screen.flow, current })}
          onTroubleshoot={() => setScreen({ kind: 'troubleshoot', flow: screen.flow, current })}
          onRestart={restart}
          onSignedIn={(result) => finish(result, screen.flow.username)}
        />
      );
    }
    case 'other-ways':
      return (
        <OtherWaysScreen
          api={api}
          flow={screen.flow}
          current={screen.current.method}
          onChoose={(challenge) => setScreen({ kind: 'challenge', ...challenge })}
          onCannotUse={() => setScreen({ kind: 'cannot-use', flow: screen.flow, current: screen.current })}
          onBack={() => setScreen({ kind: 'challenge', ...screen.current })}
          onRestart={restart}
        />
      );
    case 'cannot-use':
      return troubleshooter(screen.flow, screen.current, () =>
        setScreen({ kind: 'other-ways', flow: screen.flow, current: screen.current }),
      );
    case 'troubleshoot':
      return troubleshooter(screen.flow, screen.current, () =>
        setScreen({ kind: 'challenge', ...screen.current }),
      );
    case 'more-info':
      return (
        <MoreInfoScreen
          username={screen.flow.username}
          choices={screen.flow.registrationTypes}
          choice={screen.choice}
          onNext={(type) => setScreen({ kind: 'register', flow: screen.flow, type })}
          onCancel={restart}
        />
      );
    case 'register': {
      const flowPath = `/sign-in/${encodeURIComponent(screen.flow.id)}`;
      // With a choice made on "More information required", going back returns to it.
      const canChoose = screen.flow.registrationTypes.length > 1;
      const back = canChoose
        ? () => setScreen({ kind: 'more-info', flow: screen.flow, choice: screen.type })
        : restart;
      if (screen.type === 'passkey') {
        return (
          <Page>
            <Brand />
            <Identity username={screen.flow.username} onBack={restart} />
            <PasskeyRegister<SignedIn>
              start={(label) =>
                api.post(`${flowPath}/register`, { type: 'passkey', ...(label ? { label } : {}) })
              }
              confirm={(methodId, credential) =>
                api.post<SignedIn>(`${flowPath}/verify`, { methodId, credential })
              }
              onConfirmed={(result) => finish(result, screen.flow.username)}
              onCancel={back}
              cancelLabel={t(canChoose ? 'common.action.back' : 'common.action.cancel')}
            />
          </Page>
        );
      }
      return (
        <Page>
          <Brand />
          <Identity username={screen.flow.username} onBack={restart} />
          <RegisterWizard<SignedIn>
            key={screen.type}
            type={screen.type}
            showAppStep
            start={(request) => api.post(`${flowPath}/register`, request)}
            confirm={(methodId, code) => api.post<SignedIn>(`${flowPath}/verify`, { methodId, code })}
            onConfirmed={(result) => finish(result, screen.flow.username)}
            onCancel={
              canChoose
                ? () => setScreen({ kind: 'more-info', flow: screen.flow, choice: screen.type })
                : restart
            }
            cancelLabel={t(canChoose ? 'common.action.back' : 'common.action.cancel')}
            onRestart={restart}
          />
        </Page>
      );
    }
    case 'recovery-codes':
      return (
        <Page>
          <Brand />
          <RecoveryCodesPanel codes={screen.codes} account={screen.username} onContinue={onSignedIn} />
        </Page>
      );
    case 'recovery-used':
      return <RecoveryUsedScreen remaining={screen.remaining} onContinue={onSignedIn} />;
  }
}

/** The account being signed in to, as a button back to the start (Entra shows the same "← name"). */
function Identity(props: { username: string; onBack: () => void }) {
  return (
    <button
      type="button"
      class="identity"
      onClick={props.onBack}
      aria-label={t('signIn.identity.label', { username: props.username })}
    >
      <span aria-hidden="true">←</span>
      <span>{props.username}</span>
    </button>
  );
}

function UsernameScreen(props: {
  username: string;
  appName?: string | undefined;
  /** "Sign in with a passkey", and passkeys among the username field's suggestions. */
  passkey?: ComponentChildren;
  onNext: (username: string) => void;
}) {
  const [value, setValue] = useState(props.username);
  const [error, setError] = useState<string>();
  const inputRef = useFocusOnMount<HTMLInputElement>();
  function submit(event: Event) {
    event.preventDefault();
    const trimmed = value.trim();
    if (!trimmed) {
      setError(t('signIn.username.missing'));
      inputRef.current?.focus();
      return;
    }
    props.onNext(trimmed);
  }
  return (
    <Page>
      <Brand />
      <Heading>{t('signIn.username.title')}</Heading>
      <p class="lead">
        {props.appName ? t('signIn.username.leadApp', { app: props.appName }) : t('signIn.username.lead')}
      </p>
      <form onSubmit={submit} noValidate>
        <TextField
          id="username"
          label={t('signIn.username.label')}
          value={value}
          onValue={(v) => {
            setValue(v);
            setError(undefined);
          }}
          error={error}
          type="email"
          inputMode="email"
          autoComplete="username webauthn"
          maxLength={254}
          spellcheck={false}
          autoCapitalize="none"
          inputRef={inputRef}
        />
        <div class="actions">
          <button type="submit">{t('common.action.next')}</button>
        </div>
      </form>
      {props.passkey}
    </Page>
  );
}

function PasswordScreen(props: {
  api: ApiClient;
  username: string;
  mode: 'password' | 'pass';
  onMode: (mode: 'password' | 'pass') => void;
  onForgot: () => void;
  onBack: () => void;
  onStarted: (start: FlowStart) => Promise<Problem | undefined>;
}) {
  const { mode } = props;
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string>();
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const isPass = mode === 'pass';
  // Focus the field on arrival and again when it changes between password and pass.
  useEffect(() => inputRef.current?.focus(), [mode]);

  function switchMode(next: 'password' | 'pass') {
    setSecret('');
    setError(undefined);
    setFormError(undefined);
    props.onMode(next);
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    if (!secret) {
      setError(t(isPass ? 'signIn.pass.missing' : 'signIn.password.missing'));
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    setFormError(undefined);
    const body = isPass
      ? { username: props.username, temporaryAccessPass: secret.replace(/\s/g, '') }
      : { username: props.username, password: secret };
    const result = await props.api.post<FlowStart>('/sign-in', body);
    const problem = result.ok ? await props.onStarted(result.data) : result.problem;
    setBusy(false);
    if (problem) showProblem(problem);
  }

  function showProblem(problem: Problem) {
    const message = describeProblem(problem, isPass ? 'pass' : 'password', { now: Date.now() });
    // Problems about what was typed go next to the field; the rest above the form.
    if (
      ['invalid_credentials', 'tap_expired', 'validation_failed', 'locked_out', 'rate_limited'].includes(
        problem.code,
      )
    ) {
      setError(message);
      setSecret('');
      inputRef.current?.focus();
    } else {
      setFormError(message);
    }
  }

  return (
    <Page>
      <Brand />
      <Identity username={props.username} onBack={props.onBack} />
      <Heading focus={false}>{t(isPass ? 'signIn.pass.title' : 'signIn.password.title')}</Heading>
      {isPass ? <p class="lead">{t('signIn.pass.lead')}</p> : null}
      <form onSubmit={submit} noValidate>
        <FormError id="password-form-error" message={formError} />
        {/* The username goes along for password managers, which look for it in the same form. */}
        <input type="email" name="username" autoComplete="username" value={props.username} hidden readOnly />
        <TextField
          id={isPass ? 'pass' : 'password'}
          label={t(isPass ? 'signIn.pass.label' : 'signIn.password.label')}
          value={secret}
          onValue={(v) => {
            setSecret(v);
            setError(undefined);
          }}
          error={error}
          type={isPass ? 'text' : 'password'}
          autoComplete={isPass ? 'off' : 'current-password'}
          maxLength={isPass ? 64 : 1024}
          spellcheck={false}
          autoCapitalize="none"
          inputRef={inputRef}
        />
        <div class="links">
          {isPass ? null : (
            <button type="button" class="link" onClick={props.onForgot}>
              {t('passwords.reset.link')}
            </button>
          )}
          <button type="button" class="link" onClick={() => switchMode(isPass ? 'password' : 'pass')}>
            {t(isPass ? 'signIn.pass.usePassword' : 'signIn.password.usePass')}
          </button>
        </div>
        <div class="actions">
          <button type="submit" disabled={busy}>
            {busy ? t('signIn.password.signingIn') : t('signIn.password.submit')}
          </button>
        </div>
      </form>
    </Page>
  );
}

/**
 * Asks for a method's challenge: for sms and email this sends the code. Sms and email come back with the
 * problem inside the challenge when sending failed, so the code screen can say it next to "Send a new code".
 */
async function startChallenge(
  api: ApiClient,
  flow: Flow,
  method: SignInMethod,
): Promise<
  | { readonly ok: true; readonly challenge: Challenge }
  | { readonly ok: false; readonly challenge: Challenge; readonly problem: Problem }
> {
  const result = await api.post<Partial<SentCodeAnswer> & { number?: unknown }>(
    `/sign-in/${encodeURIComponent(flow.id)}/challenge`,
    { methodId: method.id },
  );
  const startedAt = Date.now();
  if (!result.ok) {
    return {
      ok: false,
      challenge: { flow, method, startedAt, sendProblem: result.problem },
      problem: result.problem,
    };
  }
  if (method.type === 'passkey') {
    return {
      ok: true,
      challenge: { flow, method, startedAt, options: (result.data as { options?: unknown }).options },
    };
  }
  const push = method.type === 'push' ? toPushRequest(result.data) : undefined;
  if (push) return { ok: true, challenge: { flow, method, startedAt, push } };
  const sent = challengeSentCode(method.type, result.data, startedAt);
  return { ok: true, challenge: { flow, method, startedAt, ...(sent ? { sent } : {}) } };
}

function challengeText(method: SignInMethod): { title: string; lead: string } {
  if (method.type === 'recovery_codes')
    return { title: t('signIn.recoveryCode.title'), lead: t('signIn.recoveryCode.lead') };
  const label = methodLabel(method);
  return {
    title: t('signIn.code.title'),
    lead:
      label !== methodTypeName(method.type) ? t('signIn.code.leadNamed', { label }) : t('signIn.code.lead'),
  };
}

function ChallengeScreen(props: {
  api: ApiClient;
  challenge: Challenge;
  onSent: (sent: SentCode) => void;
  onPushSent: (push: PushRequest) => void;
  onOtherWays: () => void;
  onTroubleshoot: () => void;
  onRestart: () => void;
  onSignedIn: (result: SignedIn) => void;
}) {
  const { method, flow } = props.challenge;
  const flowPath = `/sign-in/${encodeURIComponent(flow.id)}`;
  const otherWays = (
    <div class="links">
      <button type="button" class="link" onClick={props.onOtherWays}>
        {t('signIn.otherWays.link')}
      </button>
      {method.type === 'recovery_codes' ? null : (
        <button type="button" class="link" onClick={props.onTroubleshoot}>
          {t('troubleshooter.link')}
        </button>
      )}
    </div>
  );
  if (method.type === 'push') {
    return (
      <Page>
        <Brand />
        <PushScreen
          api={props.api}
          flowId={flow.id}
          method={method}
          push={props.challenge.push}
          sendProblem={props.challenge.sendProblem}
          onSent={props.onPushSent}
          onSignedIn={props.onSignedIn}
          onRestart={props.onRestart}
          header={<Identity username={flow.username} onBack={props.onRestart} />}
          otherWays={otherWays}
        />
      </Page>
    );
  }
  if (method.type === 'passkey') {
    return (
      <Page>
        <Brand />
        <PasskeyChallenge<SignedIn>
          api={props.api}
          flowId={flow.id}
          method={method}
          options={props.challenge.options}
          header={<Identity username={flow.username} onBack={props.onRestart} />}
          otherWays={otherWays}
          onRestart={props.onRestart}
          onSignedIn={props.onSignedIn}
        />
      </Page>
    );
  }
  // A code sent (sms, email) or one the user reads (an app, a hardware token, a recovery code).
  const text = challengeText(method);
  const form = {
    verify: (code: string) => props.api.post<SignedIn>(`${flowPath}/verify`, { methodId: method.id, code }),
    onVerified: props.onSignedIn,
    onRestart: props.onRestart,
  };
  return (
    <Page>
      <Brand />
      <Identity username={flow.username} onBack={props.onRestart} />
      <Heading>{text.title}</Heading>
      {isSentCodeType(method.type) ? (
        <SentCodeForm<SignedIn>
          {...form}
          type={method.type}
          sent={props.challenge.sent}
          sendProblem={props.challenge.sendProblem}
          destination={method.label}
          resend={() => props.api.post<SentCodeAnswer>(`${flowPath}/challenge`, { methodId: method.id })}
          onSent={props.onSent}
        />
      ) : (
        <>
          <p class="lead">{text.lead}</p>
          <ReadCodeForm<SignedIn> {...form} type={method.type} />
        </>
      )}
      {otherWays}
      {isAppCode(method.type) ? <p class="hint">{t('signIn.code.hint')}</p> : null}
    </Page>
  );
}

function OtherWaysScreen(props: {
  api: ApiClient;
  flow: Flow;
  current: SignInMethod;
  onChoose: (challenge: Challenge) => void;
  onCannotUse: () => void;
  onBack: () => void;
  onRestart: () => void;
}) {
  const others = props.flow.methods.filter((m) => m.id !== props.current.id);

  return (
    <Page>
      <Brand />
      <Identity username={props.flow.username} onBack={props.onRestart} />
      <Heading focus>{t('signIn.otherWays.title')}</Heading>
      <p class="lead">{t('signIn.otherWays.lead')}</p>
      <MethodChoices<Challenge>
        methods={others}
        start={async (method) => {
          const started = await startChallenge(props.api, props.flow, method);
          // A code sent to it moments ago still works: its code screen says so.
          return started.ok || isRecentlySent(started.problem)
            ? { challenge: started.challenge }
            : { problem: started.problem };
        }}
        onChallenge={props.onChoose}
        problemText={(problem) => describeProblem(problem, 'general', { now: Date.now() })}
        sendingText={(way) => t('signIn.otherWays.sending', { way })}
        errorId="other-ways-error"
        onRestart={props.onRestart}
        none={<p>{t('signIn.otherWays.none')}</p>}
      />
      <div class="links">
        <button type="button" class="link" onClick={props.onCannotUse}>
          {t('signIn.otherWays.cannotUse')}
        </button>
      </div>
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onBack}>
          {t('common.action.back')}
        </button>
      </div>
    </Page>
  );
}

function MoreInfoScreen(props: {
  username: string;
  choices: readonly RegistrationChoice[];
  choice: RegistrationChoice | undefined;
  onNext: (type: RegistrationChoice) => void;
  onCancel: () => void;
}) {
  const { choices } = props;
  const first = choices[0];
  const [choice, setChoice] = useState<RegistrationChoice | undefined>(
    props.choice && choices.includes(props.choice) ? props.choice : first,
  );
  const only = choices.length === 1 ? first : undefined;
  return (
    <Page>
      <Brand />
      <Identity username={props.username} onBack={props.onCancel} />
      <Heading focus>{t('signIn.moreInfo.title')}</Heading>
      {choices.length === 0 ? (
        <>
          <p class="lead">{t('signIn.moreInfo.noChoice')}</p>
          <p>{t('signIn.moreInfo.noChoiceHelp')}</p>
        </>
      ) : (
        <>
          <p class="lead">{t('signIn.moreInfo.lead', { only: only ?? 'any' })}</p>
          {choices.length > 1 ? (
            <fieldset class="options">
              <legend>{t('signIn.moreInfo.choose')}</legend>
              {choices.map((type) => (
                <label key={type} class="option">
                  <input
                    type="radio"
                    name="registration-type"
                    value={type}
                    checked={choice === type}
                    onChange={() => setChoice(type)}
                    aria-describedby={`registration-type-${type}-hint`}
                  />
                  <span>
                    <span class="option-name">{methodTypeName(type)}</span>
                    <span class="hint option-hint" id={`registration-type-${type}-hint`}>
                      {registrationChoiceHint(type)}
                    </span>
                  </span>
                </label>
              ))}
            </fieldset>
          ) : null}
          <p>{t('signIn.moreInfo.minute')}</p>
        </>
      )}
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onCancel}>
          {t('common.action.cancel')}
        </button>
        {choice ? (
          <button type="button" onClick={() => props.onNext(choice)}>
            {t('common.action.next')}
          </button>
        ) : null}
      </div>
    </Page>
  );
}

function RecoveryUsedScreen(props: { remaining: number; onContinue: () => void }) {
  const { remaining } = props;
  return (
    <Page>
      <Brand />
      <Heading focus>{t('signIn.recoveryUsed.title')}</Heading>
      <p class={remaining <= 3 ? 'notice' : 'lead'} role="status">
        {t('signIn.recoveryUsed.remaining', { count: remaining })}
      </p>
      <p>{t('signIn.recoveryUsed.lostPhone')}</p>
      <div class="actions">
        <button type="button" onClick={props.onContinue}>
          {t('common.action.continue')}
        </button>
      </div>
    </Page>
  );
}
