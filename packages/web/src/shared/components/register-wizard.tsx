import { useEffect, useState } from 'preact/hooks';
import type { ApiResult, Problem } from '../api.js';
import { describeProblem, flowEndingCodes } from '../messages.js';
import { checkCode, groupKey, readOtpauthUri, svgDataUrl } from '../methods.js';
import { copyText } from './copy-text.js';
import { FormError, TextField } from './field.js';
import { Heading, useFocusOnMount } from './layout.js';

/** What `POST .../register` and `POST /me/methods` answer for an authenticator app. */
export interface Registration {
  readonly methodId: string;
  readonly otpauthUri: string;
  readonly secret: string;
  readonly qrCodeSvg: string;
}

export interface RegisterWizardProps<T> {
  /** Creates the pending method (called once, when the QR code step first appears). */
  readonly start: () => Promise<ApiResult<Registration>>;
  /** Confirms it with a code from the app. */
  readonly confirm: (methodId: string, code: string) => Promise<ApiResult<T>>;
  readonly onConfirmed: (result: T) => void;
  readonly onCancel?: () => void;
  /** Offered when the sign-in this wizard belongs to has ended (too many codes, expired). */
  readonly onRestart?: () => void;
  /** 1 on a page of its own, 2 inside a dialog. */
  readonly headingLevel?: 1 | 2;
  /** Show "Start by getting the app" first (the sign-in interruption does). */
  readonly showAppStep?: boolean;
  readonly headingId?: string;
}

type Step = 'app' | 'scan' | 'code';

/** Register an authenticator app: get the app, scan the QR code (or type the key), confirm with a code. */
export function RegisterWizard<T>(props: RegisterWizardProps<T>) {
  const [step, setStep] = useState<Step>(props.showAppStep ? 'app' : 'scan');
  const [registration, setRegistration] = useState<Registration>();
  const [startProblem, setStartProblem] = useState<Problem>();
  const level = props.headingLevel ?? 1;
  const headingId = props.headingId ?? 'register-title';
  const cancel = props.onCancel;

  useEffect(() => {
    if (step === 'app' || registration || startProblem) return;
    let live = true;
    void props.start().then((result) => {
      if (!live) return;
      if (result.ok) setRegistration(result.data);
      else setStartProblem(result.problem);
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
              Cancel
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
        backLabel={props.showAppStep ? 'Back' : 'Cancel'}
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
