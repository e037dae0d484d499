import type { Registration as RegistrationAnswer } from '@twofold/api/self-service';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n/i18n.js';
import type { ApiResult, Problem } from '../api.js';
import { describeProblem, flowEndingCodes } from '../messages.js';
import { groupKey, readOtpauthUri, svgDataUrl } from '../methods.js';
import {
  checkEmailAddress,
  checkPhoneNumber,
  isSentCodeType,
  type SentCode,
  type SentCodeAnswer,
  type SentCodeType,
  toSentCode,
} from '../sent-codes.js';
import { ReadCodeForm } from './code-entry.js';
import { copyText } from './copy-text.js';
import { FormError, TextField } from './field.js';
import { Heading } from './layout.js';
import { SentCodeForm } from './sent-code.js';
import { StartAgain, StepActions } from './step-actions.js';

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
  /** The name of the button that calls `onCancel` (Cancel; Back when it returns to a choice). */
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
const unexpectedAnswer: Problem = { status: 0, code: 'unexpected_answer' };

type AppStep = 'app' | 'scan' | 'code';

/** Register an authenticator app: get the app, scan the QR code (or type the key), confirm with a code. */
function AppRegistration<T>(props: RegisterWizardProps<T> & { type: 'authenticator' | 'totp' }) {
  const [step, setStep] = useState<AppStep>(props.showAppStep ? 'app' : 'scan');
  const [registration, setRegistration] = useState<Registration>();
  const [startProblem, setStartProblem] = useState<Problem>();
  const level = props.headingLevel ?? 1;
  const headingId = props.headingId ?? 'register-title';
  const cancel = props.onCancel;
  const cancelLabel = props.cancelLabel ?? t('common.action.cancel');

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
        <p class="steps">{t('common.register.step', { step: 1, steps: 3 })}</p>
        <Heading level={level} focus id={headingId}>
          {t('common.register.getApp.title')}
        </Heading>
        <p class="lead">{t('common.register.getApp.lead')}</p>
        <div class="actions">
          {cancel ? (
            <button type="button" class="secondary" onClick={cancel}>
              {cancelLabel}
            </button>
          ) : null}
          <button type="button" onClick={() => setStep('scan')}>
            {t('common.action.next')}
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
        stepLabel={t('common.register.step', { step: total - 1, steps: total })}
        onRestart={props.onRestart}
        onBack={props.showAppStep ? () => setStep('app') : cancel}
        backLabel={props.showAppStep ? t('common.action.back') : cancelLabel}
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
      stepLabel={t('common.register.step', { step: total, steps: total })}
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
  const message = (problem: Problem) =>
    describeProblem(problem, 'destination', { now: Date.now(), otherWay: 'method' });

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
        <p class="steps">{t('common.register.step', { step: 2, steps: 2 })}</p>
        <Heading level={level} id={headingId}>
          {t('common.register.code.title')}
        </Heading>
        <SentCodeForm<T>
          type={type}
          sent={sent}
          otherWay="method"
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
      <p class="steps">{t('common.register.step', { step: 1, steps: 2 })}</p>
      <Heading level={level} focus id={headingId}>
        {t(isSms ? 'common.register.phone.title' : 'common.register.email.title')}
      </Heading>
      <p class="lead">{t(isSms ? 'common.register.phone.lead' : 'common.register.email.lead')}</p>
      <form onSubmit={send} noValidate>
        <FormError id="register-error" message={formError} />
        <TextField
          id={fieldId}
          label={t(isSms ? 'common.register.phone.label' : 'common.register.email.label')}
          value={value}
          onValue={(v) => {
            setValue(v);
            setError(undefined);
          }}
          error={error}
          hint={isSms ? t('common.register.phone.hint') : undefined}
          type={isSms ? 'tel' : 'email'}
          inputMode={isSms ? 'tel' : 'email'}
          autoComplete={isSms ? 'tel' : 'email'}
          maxLength={isSms ? 40 : 254}
          spellcheck={false}
          autoCapitalize="none"
          inputRef={inputRef}
        />
        <StepActions
          ended={ended}
          onRestart={props.onRestart}
          onBack={props.onCancel}
          backLabel={props.cancelLabel ?? t('common.action.cancel')}
        >
          <button type="submit" disabled={busy}>
            {busy ? t('common.sentCode.sending') : t('common.sentCode.send')}
          </button>
        </StepActions>
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
    setCopyStatus(t(copied ? 'common.register.scan.copied' : 'common.register.scan.copyFailed'));
  }
  const details = registration ? readOtpauthUri(registration.otpauthUri) : undefined;
  return (
    <section aria-labelledby={props.headingId}>
      <p class="steps">{props.stepLabel}</p>
      <Heading level={props.level} focus id={props.headingId}>
        {t('common.register.scan.title')}
      </Heading>
      <p class="lead">{t('common.register.scan.lead')}</p>
      <FormError
        id="register-error"
        message={problem ? describeProblem(problem, 'general', { now: Date.now() }) : undefined}
      />
      {problem && props.onRestart && flowEndingCodes.has(problem.code) ? (
        <StartAgain onRestart={props.onRestart} />
      ) : null}
      {registration && details ? (
        <>
          <div class="qr">
            <img
              src={svgDataUrl(registration.qrCodeSvg)}
              alt={
                details.account
                  ? t('common.register.scan.qrAlt', { account: details.account })
                  : t('common.register.scan.qrAltAnonymous')
              }
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
            {t(showKey ? 'common.register.scan.hideKey' : 'common.register.scan.cannotScan')}
          </button>
          <div class="manual-key" id="manual-key" hidden={!showKey}>
            <p>{t('common.register.scan.typeThese')}</p>
            <dl>
              <dt>{t('common.register.scan.account')}</dt>
              <dd>{details.account || '—'}</dd>
              <dt>{t('common.register.scan.issuer')}</dt>
              <dd>{details.issuer || '—'}</dd>
              <dt>{t('common.register.scan.type')}</dt>
              <dd>
                {t('common.register.scan.typeValue', { digits: details.digits, period: details.period })}
              </dd>
            </dl>
            <p class="label">{t('common.register.scan.secret')}</p>
            <div class="key-row">
              <p class="key" data-testid="secret-key">
                {groupKey(registration.secret)}
              </p>
              <button type="button" class="secondary small" onClick={() => void copyKey()}>
                {t('common.register.scan.copyKey')}
              </button>
            </div>
            <p class="status" role="status">
              {copyStatus}
            </p>
          </div>
        </>
      ) : problem ? null : (
        <p class="muted" role="status">
          {t('common.register.scan.preparing')}
        </p>
      )}
      <div class="actions">
        {props.onBack ? (
          <button type="button" class="secondary" onClick={props.onBack}>
            {props.backLabel}
          </button>
        ) : null}
        <button type="button" onClick={props.onNext} disabled={!registration}>
          {t('common.action.next')}
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
  const { digits } = readOtpauthUri(props.registration.otpauthUri);

  return (
    <section aria-labelledby={props.headingId}>
      <p class="steps">{props.stepLabel}</p>
      <Heading level={props.level} id={props.headingId}>
        {t('common.register.code.title')}
      </Heading>
      <p class="lead">{t('common.register.code.lead', { digits })}</p>
      <ReadCodeForm<T>
        type="authenticator"
        digits={digits}
        verify={(code) => props.confirm(props.registration.methodId, code)}
        onVerified={props.onConfirmed}
        onRestart={props.onRestart}
        onBack={props.onBack}
      />
    </section>
  );
}
