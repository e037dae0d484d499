import type { Registration as RegistrationAnswer } from '@twofold/api/self-service';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiResult, Problem } from '../api.js';
import { describeProblem, flowEndingCodes } from '../messages.js';
import { checkCode, groupKey, readOtpauthUri, svgDataUrl } from '../methods.js';
import {
  checkEmailAddress,
  checkPhoneNumber,
  isSentCodeType,
  phoneNumberHint,
  type SentCode,
  type SentCodeAnswer,
  type SentCodeType,
  toSentCode,
} from '../sent-codes.js';
import { copyText } from './copy-text.js';
import { FormError, TextField } from './field.js';
import { Heading, useFocusOnMount } from './layout.js';
import { SentCodeForm } from './sent-code.js';

/** What `POST .../register` and `POST /me/methods` answer for an authenticator app. */
export type Registration = Extract<RegistrationAnswer, { otpauthUri: string }>;

/** The body of `POST .../register` or `POST /me/methods` (the caller may add a label). */
export type RegistrationRequest =
  | { readonly type: 'authenticator' | 'totp' }
  | { readonly type: 'sms'; readonly phoneNumber: string }
  | { readonly type: 'email'; readonly email: string };

export interface RegisterWizardProps<T> {
  /** What to register: an app (`authenticator`, `totp`: QR code) or `sms`/`email` (a code sent to it). */
  readonly type?: string;
  /**
   * Creates the pending method: for an app, once, when the QR code step first appears; for sms and email,
   * each time a code is to be sent (the server replaces the pending method). Answers `Registration` or
   * `SentCodeAnswer` with the method's id.
   */
  readonly start: (request: RegistrationRequest) => Promise<ApiResult<unknown>>;
  /** Confirms it with a code from the app, or the code that was sent. */
  readonly confirm: (methodId: string, code: string) => Promise<ApiResult<T>>;
  readonly onConfirmed: (result: T) => void;
  readonly onCancel?: () => void;
  /** The name of the button that calls `onCancel` ("Cancel"; "Back" when it returns to a choice). */
  readonly cancelLabel?: string;
  /** Offered when the sign-in this wizard belongs to has ended (too many codes, expired). */
  readonly onRestart?: () => void;
  /** 1 on a page of its own, 2 inside a dialog. */
  readonly headingLevel?: 1 | 2;
  /** Show "Start by getting the app" first (the sign-in interruption does). */
  readonly showAppStep?: boolean;
  readonly headingId?: string;
}

/** Register a method: an authenticator app (QR code, then a code) or a phone number or address (then a sent code). */
export function RegisterWizard<T>(props: RegisterWizardProps<T>) {
  const type = props.type ?? 'authenticator';
  return isSentCodeType(type) ? (
    <SentCodeRegistration {...props} type={type} />
  ) : (
    <AppRegistration {...props} type={type === 'totp' ? 'totp' : 'authenticator'} />
  );
}

function isRegistration(value: unknown): value is Registration {
  const v = value as Partial<Registration> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.methodId === 'string' &&
    typeof v.otpauthUri === 'string' &&
    typeof v.secret === 'string' &&
    typeof v.qrCodeSvg === 'string'
  );
}

function isSentCodeAnswer(value: unknown): value is SentCodeAnswer & { readonly methodId: string } {
  const v = value as Partial<SentCodeAnswer> | null;
  return (
    typeof v === 'object' && v !== null && typeof v.methodId === 'string' && typeof v.sentTo === 'string'
  );
}

/** A success that is not the answer the page needs (a server of another version): said plainly. */
const unexpectedAnswer: Problem = {
  status: 0,
  code: 'unexpected_answer',
  detail: 'the server answered in a way this page does not understand; reload the page and try again',
};

type AppStep = 'app' | 'scan' | 'code';

/** Register an authenticator app: get the app, scan the QR code (or type the key), confirm with a code. */
function AppRegistration<T>(props: RegisterWizardProps<T> & { type: 'authenticator' | 'totp' }) {
  const [step, setStep] = useState<AppStep>(props.showAppStep ? 'app' : 'scan');
  const [registration, setRegistration] = useState<Registration>();
  const [startProblem, setStartProblem] = useState<Problem>();
  const level = props.headingLevel ?? 1;
  const headingId = props.headingId ?? 'register-title';
  const cancel = props.onCancel;
  const cancelLabel = props.cancelLabel ?? 'Cancel';

  useEffect(() => {
    if (step === 'app' || registration || startProblem) return;
    let live = true;
    void props.start({ type: props.type }).then((result) => {
      if (!live) return;
      if (!result.ok) setStartProblem(result.problem);
      else if (isRegistration(result.data)) setRegistration(result.data);
      else setStartProblem(unexpectedAnswer);
    });
    return () => {
      live = false;
    };
    // Started once per wizard: going back from the code step keeps the same pending method.
  }, [step, registration, startProblem]);

  if (step === 'app') {
    return (
      <section aria-labelledby={headingId}>
        <p class="steps">Step 1 of 3</p>
        <Heading level={level} focus id={headingId}>
          Start by getting the app
        </Heading>
        <p class="lead">
          On your phone, install an authenticator app: Twofold Authenticator, Microsoft Authenticator, Google
          Authenticator or Aegis all work. Once it is installed, choose Next.
        </p>
        <div class="actions">
          {cancel ? (
            <button type="button" class="secondary" onClick={cancel}>
              {cancelLabel}
            </button>
          ) : null}
          <button type="button" onClick={() => setStep('scan')}>
            Next
          </button>
        </div>
      </section>
    );
  }

  const total = props.showAppStep ? 3 : 2;
  if (step === 'scan') {
    return (
      <ScanStep
        registration={registration}
        problem={startProblem}
        level={level}
        headingId={headingId}
        stepLabel={`Step ${total - 1} of ${total}`}
        onRestart={props.onRestart}
        onBack={props.showAppStep ? () => setStep('app') : cancel}
        backLabel={props.showAppStep ? 'Back' : cancelLabel}
        onNext={() => setStep('code')}
      />
    );
  }
  if (!registration) return null;
  return (
    <ConfirmStep
      registration={registration}
      level={level}
      headingId={headingId}
      stepLabel={`Step ${total} of ${total}`}
      confirm={props.confirm}
      onConfirmed={props.onConfirmed}
      onRestart={props.onRestart}
      onBack={() => setStep('scan')}
    />
  );
}

/** Problems about the number or address typed: they go next to the field. */
const destinationCodes: ReadonlySet<string> = new Set([
  'phone_number_invalid',
  'email_invalid',
  'validation_failed',
]);

/** Register a phone (text message) or an email address: type it, then confirm with the code sent to it. */
function SentCodeRegistration<T>(props: RegisterWizardProps<T> & { type: SentCodeType }) {
  const { type } = props;
  const isSms = type === 'sms';
  const level = props.headingLevel ?? 1;
  const headingId = props.headingId ?? 'register-title';
  const fieldId = isSms ? 'phone-number' : 'email-address';
  const [step, setStep] = useState<'destination' | 'code'>('destination');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string>();
  const [formError, setFormError] = useState<string>();
  const [ended, setEnded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<SentCode>();
  // The pending method of the latest code; a new code replaces it (and names it, when the server says).
  const methodId = useRef('');
  const request = useRef<RegistrationRequest>({ type: 'authenticator' });
  const inputRef = useRef<HTMLInputElement>(null);
  const otherWay = 'choose another method';
  const message = (problem: Problem) =>
    describeProblem(problem, 'destination', { now: Date.now(), otherWay });

  async function send(event: Event) {
    event.preventDefault();
    if (busy) return;
    const checked = isSms ? checkPhoneNumber(value) : checkEmailAddress(value);
    if (!checked.ok) {
      setError(checked.message);
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    setFormError(undefined);
    const body: RegistrationRequest = isSms
      ? { type: 'sms', phoneNumber: checked.value }
      : { type: 'email', email: checked.value };
    const result = await props.start(body);
    setBusy(false);
    if (result.ok && isSentCodeAnswer(result.data)) {
      request.current = body;
      methodId.current = result.data.methodId;
      setSent(toSentCode(result.data, Date.now()));
      setStep('code');
      return;
    }
    const problem = result.ok ? unexpectedAnswer : result.problem;
    if (destinationCodes.has(problem.code)) {
      setError(message(problem));
      inputRef.current?.focus();
    } else {
      setFormError(message(problem));
      setEnded(flowEndingCodes.has(problem.code));
    }
  }

  if (step === 'code') {
    return (
      <section aria-labelledby={headingId}>
        <p class="steps">Step 2 of 2</p>
        <Heading level={level} id={headingId}>
          Enter the code
        </Heading>
        <SentCodeForm<T>
          type={type}
          sent={sent}
          otherWay={otherWay}
          verify={(code, current) => props.confirm(current?.methodId ?? methodId.current, code)}
          resend={async () => {
            const result = await props.start(request.current);
            if (!result.ok) return result;
            if (!isSentCodeAnswer(result.data)) return { ok: false, problem: unexpectedAnswer };
            methodId.current = result.data.methodId;
            return { ok: true, data: result.data };
          }}
          onSent={setSent}
          onVerified={props.onConfirmed}
          onRestart={props.onRestart}
          onBack={() => {
            setError(undefined);
            setFormError(undefined);
            setStep('destination');
          }}
        />
      </section>
    );
  }

  return (
    <section aria-labelledby={headingId}>
      <p class="steps">Step 1 of 2</p>
      <Heading level={level} focus id={headingId}>
        {isSms ? 'Enter your phone number' : 'Enter your email address'}
      </Heading>
      <p class="lead">
        {isSms
          ? 'We text a code to this mobile number to check it is yours. Then, when you sign in, we text you a code.'
          : 'We email a code to this address to check it is yours. Then, when you sign in, we email you a code.'}
      </p>
      <form onSubmit={send} noValidate>
        <FormError id="register-error" message={formError} />
        <TextField
          id={fieldId}
          label={isSms ? 'Phone number' : 'Email address'}
          value={value}
          onValue={(v) => {
            setValue(v);
            setError(undefined);
          }}
          error={error}
          hint={isSms ? phoneNumberHint : undefined}
          type={isSms ? 'tel' : 'email'}
          inputMode={isSms ? 'tel' : 'email'}
          autoComplete={isSms ? 'tel' : 'email'}
          maxLength={isSms ? 40 : 254}
          spellcheck={false}
          autoCapitalize="none"
          inputRef={inputRef}
        />
        <div class="actions">
          {ended && props.onRestart ? (
            <button type="button" onClick={props.onRestart}>
              Start again
            </button>
          ) : (
            <>
              {props.onCancel ? (
                <button type="button" class="secondary" onClick={props.onCancel}>
                  {props.cancelLabel ?? 'Cancel'}
                </button>
              ) : null}
              <button type="submit" disabled={busy}>
                {busy ? 'Sending…' : 'Send code'}
              </button>
            </>
          )}
        </div>
      </form>
    </section>
  );
}

function ScanStep(props: {
  registration: Registration | undefined;
  problem: Problem | undefined;
  level: 1 | 2;
  headingId: string;
  stepLabel: string;
  onBack: (() => void) | undefined;
  backLabel: string;
  onNext: () => void;
  onRestart: (() => void) | undefined;
}) {
  const [showKey, setShowKey] = useState(false);
  const [copyStatus, setCopyStatus] = useState('');
  const { registration, problem } = props;

  async function copyKey() {
    if (!registration) return;
    const copied = await copyText(registration.secret);
    setCopyStatus(copied ? 'Copied the key.' : "Couldn't copy: select the key and copy it yourself.");
  }
  const details = registration ? readOtpauthUri(registration.otpauthUri) : undefined;
  return (
    <section aria-labelledby={props.headingId}>
      <p class="steps">{props.stepLabel}</p>
      <Heading level={props.level} focus id={props.headingId}>
        Scan the QR code
      </Heading>
      <p class="lead">
        In your authenticator app, add an account and scan this QR code. This links the app to your account.
      </p>
      <FormError
        id="register-error"
        message={problem ? describeProblem(problem, 'general', { now: Date.now() }) : undefined}
      />
      {problem && props.onRestart && flowEndingCodes.has(problem.code) ? (
        <div class="actions actions-start">
          <button type="button" onClick={props.onRestart}>
            Start again
          </button>
        </div>
      ) : null}
      {registration && details ? (
        <>
          <div class="qr">
            <img
              src={svgDataUrl(registration.qrCodeSvg)}
              alt={`QR code to add ${details.account || 'your account'} to an authenticator app`}
              width={232}
              height={232}
            />
          </div>
          <button
            type="button"
            class="link"
            aria-expanded={showKey}
            aria-controls="manual-key"
            onClick={() => setShowKey(!showKey)}
          >
            {showKey ? 'Hide the key' : "Can't scan the QR code?"}
          </button>
          <div class="manual-key" id="manual-key" hidden={!showKey}>
            <p>In your app, choose to enter a key instead, and type these:</p>
            <dl>
              <dt>Account name</dt>
              <dd>{details.account || '—'}</dd>
              <dt>Issuer</dt>
              <dd>{details.issuer || '—'}</dd>
              <dt>Type</dt>
              <dd>
                Time based, {details.digits} digits, every {details.period} seconds
              </dd>
            </dl>
            <p class="label">Secret key</p>
            <div class="key-row">
              <p class="key" data-testid="secret-key">
                {groupKey(registration.secret)}
              </p>
              <button type="button" class="secondary small" onClick={() => void copyKey()}>
                Copy key
              </button>
            </div>
            <p class="status" role="status">
              {copyStatus}
            </p>
          </div>
        </>
      ) : problem ? null : (
        <p class="muted" role="status">
          Preparing your QR code…
        </p>
      )}
      <div class="actions">
        {props.onBack ? (
          <button type="button" class="secondary" onClick={props.onBack}>
            {props.backLabel}
          </button>
        ) : null}
        <button type="button" onClick={props.onNext} disabled={!registration}>
          Next
        </button>
      </div>
    </section>
  );
}

function ConfirmStep<T>(props: {
  registration: Registration;
  level: 1 | 2;
  headingId: string;
  stepLabel: string;
  confirm: (methodId: string, code: string) => Promise<ApiResult<T>>;
  onConfirmed: (result: T) => void;
  onRestart: (() => void) | undefined;
  onBack: () => void;
}) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [ended, setEnded] = useState(false);
  const [busy, setBusy] = useState(false);
  const inputRef = useFocusOnMount<HTMLInputElement>();
  const { digits } = readOtpauthUri(props.registration.otpauthUri);

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    const checked = checkCode(code, 'authenticator', digits);
    if (!checked.ok) {
      setError(checked.message);
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    const result = await props.confirm(props.registration.methodId, checked.code);
    setBusy(false);
    if (result.ok) {
      props.onConfirmed(result.data);
      return;
    }
    setError(describeProblem(result.problem, 'code', { now: Date.now() }));
    setEnded(flowEndingCodes.has(result.problem.code));
    setCode('');
    inputRef.current?.focus();
  }

  return (
    <section aria-labelledby={props.headingId}>
      <p class="steps">{props.stepLabel}</p>
      <Heading level={props.level} id={props.headingId}>
        Enter the code
      </Heading>
      <p class="lead">Enter the {digits}-digit code your authenticator app now shows for this account.</p>
      <form onSubmit={submit} noValidate>
        <TextField
          id="code"
          label="Code"
          value={code}
          onValue={setCode}
          error={error}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={16}
          className="code-input"
          spellcheck={false}
          inputRef={inputRef}
        />
        <div class="actions">
          {ended && props.onRestart ? (
            <button type="button" onClick={props.onRestart}>
              Start again
            </button>
          ) : (
            <>
              <button type="button" class="secondary" onClick={props.onBack}>
                Back
              </button>
              <button type="submit" disabled={busy}>
                {busy ? 'Checking…' : 'Verify'}
              </button>
            </>
          )}
        </div>
      </form>
    </section>
  );
}
