/**
 * "I can't get a code" (spec section 6): a guided page that asks the server what stands between the user
 * and a code (`GET /sign-in/{flowId}/diagnosis`, with this browser's clock), says each finding in plain
 * words, and offers what works now: another method, a recovery code, setting the phone's clock, waiting
 * out a lock, or a help request (and for the tenant's only global admin, the operator's recovery).
 */
import type { Diagnosis, DiagnosisChoice, HelpRequestAnswer } from '@twofold/api/troubleshoot';
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { formattingLocale, t, tRich } from '../../i18n/i18n.js';
import type { ApiClient, Problem } from '../../shared/api.js';
import { formatOffset } from '../../shared/clock-offset.js';
import { FormError } from '../../shared/components/field.js';
import { Brand, Heading, Page } from '../../shared/components/layout.js';
import { describeProblem, flowEndingCodes, formatDuration } from '../../shared/messages.js';
import { describeAlternative, type SignInMethod } from '../../shared/methods.js';
import { Countdown } from './countdown.js';
import { describeFinding, isBlocking } from './findings.js';
import { HelpRequestForm, HelpRequestSent, OperatorRecovery } from './help-request.js';
import './troubleshooter.css';

const strong = (chunks: ComponentChildren[]) => <strong>{chunks}</strong>;

export interface TroubleshooterProps {
  readonly api: ApiClient;
  readonly flowId: string;
  /** The flow's methods (to name them as the challenge does). */
  readonly methods: readonly SignInMethod[];
  /** The method the user was trying, left out of "another method" (undefined from "I can't use any of these"). */
  readonly currentMethodId?: string | undefined;
  /** The account, as a button back to the start. */
  readonly header: ComponentChildren;
  /** Starts the challenge of another method (or a recovery code); a problem is said here. */
  readonly onUseMethod: (methodId: string) => Promise<Problem | undefined>;
  /** Back to the code the user was asked for. */
  readonly onBack: () => void;
  /** To the pass sign-in. */
  readonly onUsePass: () => void;
  readonly onRestart: () => void;
}

type State =
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly problem: Problem }
  | { readonly kind: 'ready'; readonly diagnosis: Diagnosis; readonly at: number }
  | { readonly kind: 'sent'; readonly answer: HelpRequestAnswer };

function timeOfDay(ms: number): string {
  return new Intl.DateTimeFormat(formattingLocale(), { hour: 'numeric', minute: '2-digit' }).format(ms);
}

export function Troubleshooter(props: TroubleshooterProps) {
  const { api, flowId } = props;
  const [state, setState] = useState<State>({ kind: 'loading' });
  const flowPath = `/sign-in/${encodeURIComponent(flowId)}`;

  async function load() {
    setState({ kind: 'loading' });
    const result = await api.get<Diagnosis>(`${flowPath}/diagnosis?deviceTime=${Date.now()}`);
    setState(
      result.ok
        ? { kind: 'ready', diagnosis: result.data, at: Date.now() }
        : { kind: 'failed', problem: result.problem },
    );
  }

  useEffect(() => {
    void load();
  }, [flowId]);

  if (state.kind === 'sent') {
    return (
      <Page>
        <Brand />
        {props.header}
        <HelpRequestSent answer={state.answer} onUsePass={props.onUsePass} onBack={() => void load()} />
      </Page>
    );
  }

  return (
    <Page>
      <Brand />
      {props.header}
      <Heading focus>{t('troubleshooter.title')}</Heading>
      {state.kind === 'loading' ? (
        <p class="muted" role="status">
          {t('troubleshooter.checking')}
        </p>
      ) : state.kind === 'failed' ? (
        <Failed problem={state.problem} onRetry={() => void load()} onRestart={props.onRestart} />
      ) : (
        <Diagnosed
          {...props}
          diagnosis={state.diagnosis}
          at={state.at}
          onSent={(answer) => setState({ kind: 'sent', answer })}
        />
      )}
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onBack}>
          {t('common.action.back')}
        </button>
      </div>
    </Page>
  );
}

function Failed(props: { problem: Problem; onRetry: () => void; onRestart: () => void }) {
  const ended = flowEndingCodes.has(props.problem.code);
  return (
    <>
      <FormError
        id="troubleshooter-error"
        message={describeProblem(props.problem, 'general', { now: Date.now() })}
      />
      <div class="actions actions-start">
        <button type="button" onClick={ended ? props.onRestart : props.onRetry}>
          {t(ended ? 'common.action.startAgain' : 'common.action.tryAgain')}
        </button>
      </div>
    </>
  );
}

function Diagnosed(
  props: TroubleshooterProps & {
    diagnosis: Diagnosis;
    at: number;
    onSent: (answer: HelpRequestAnswer) => void;
  },
) {
  const { diagnosis, methods, at } = props;
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const options = diagnosis.options;
  const fixClock = options.find((o) => o.code === 'fix_clock');
  const lock = diagnosis.findings.find((f) => f.code === 'locked_out');
  const operator = options.find((o) => o.code === 'operator_recovery');
  const ways = options.filter(
    (o): o is Extract<DiagnosisChoice, { code: 'another_method' | 'recovery_code' }> =>
      (o.code === 'another_method' && o.methodId !== props.currentMethodId) || o.code === 'recovery_code',
  );

  async function use(methodId: string) {
    if (busy) return;
    setBusy(methodId);
    setError(undefined);
    const problem = await props.onUseMethod(methodId);
    setBusy(undefined);
    if (problem) setError(describeProblem(problem, 'general', { now: Date.now() }));
  }

  async function afterLock() {
    // The lock outlived a sign-in that ended (five wrong codes, or its ten minutes): start a new one then.
    const flow = await props.api.get<{ status: string }>(`/sign-in/${encodeURIComponent(props.flowId)}`);
    if (flow.ok && flow.data.status === 'mfa_required') props.onBack();
    else props.onRestart();
  }

  function wayLabel(option: (typeof ways)[number]): string {
    if (option.code === 'recovery_code')
      return t('troubleshooter.option.recoveryCode', { count: option.remaining });
    const method = methods.find((m) => m.id === option.methodId) ?? {
      id: option.methodId,
      type: option.type,
      label: option.label,
      isDefault: false,
    };
    const way = describeAlternative(method);
    return option.availableIn
      ? t('troubleshooter.option.later', { way, duration: formatDuration(option.availableIn) })
      : way;
  }

  return (
    <>
      <section aria-labelledby="found-title">
        <h2 id="found-title">{t('troubleshooter.found')}</h2>
        {diagnosis.findings.length === 0 ? (
          <p>{t('troubleshooter.nothingFound')}</p>
        ) : (
          <ul class="findings">
            {diagnosis.findings.map((finding) => (
              <li
                key={`${finding.code}-${'source' in finding ? finding.source : ''}-${'methodId' in finding ? finding.methodId : ''}`}
                class={isBlocking(finding) ? 'finding finding-blocking' : 'finding'}
                data-finding={finding.code}
              >
                {describeFinding(finding, methods, at)}
              </li>
            ))}
          </ul>
        )}
      </section>

      {lock ? (
        <section aria-labelledby="wait-title">
          <h2 id="wait-title">{t('troubleshooter.wait.title')}</h2>
          {lock.retryAfter !== undefined ? (
            <WaitPanel until={at + lock.retryAfter * 1000} onTryAgain={() => void afterLock()} />
          ) : (
            <p>{t('troubleshooter.wait.admin')}</p>
          )}
        </section>
      ) : null}

      {fixClock && fixClock.code === 'fix_clock' ? (
        <section aria-labelledby="clock-title">
          <h2 id="clock-title">{t('troubleshooter.fixClock.title')}</h2>
          <p>{t('troubleshooter.fixClock.lead', { offset: formatOffset(fixClock.offsetSeconds) })}</p>
          <ul>
            <li>{tRich('troubleshooter.fixClock.iphone', { strong })}</li>
            <li>{tRich('troubleshooter.fixClock.android', { strong })}</li>
          </ul>
          <p>{t('troubleshooter.fixClock.then')}</p>
          <div class="actions actions-start">
            <button type="button" onClick={props.onBack}>
              {t('troubleshooter.fixClock.done')}
            </button>
          </div>
        </section>
      ) : null}

      {ways.length > 0 ? (
        <section aria-labelledby="ways-title">
          <h2 id="ways-title">{t('troubleshooter.options')}</h2>
          <FormError id="ways-error" message={error} />
          <ul class="choices">
            {ways.map((option) => (
              <li key={option.methodId}>
                <button
                  type="button"
                  class="choice"
                  disabled={busy !== undefined}
                  onClick={() => void use(option.methodId)}
                >
                  {wayLabel(option)}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {operator && operator.code === 'operator_recovery' ? (
        <OperatorRecovery command={operator.command} />
      ) : null}

      <section aria-labelledby="help-title">
        <h2 id="help-title">{t('troubleshooter.help.title')}</h2>
        {/* The only global admin: no admin can do either for them (the operator's section says what can). */}
        {operator ? null : (
          <>
            <p>{t('troubleshooter.help.lead')}</p>
            <ul class="help-ways">
              <li>{tRich('signIn.cannotUse.pass', { strong })}</li>
              <li>{tRich('signIn.cannotUse.reregister', { strong })}</li>
            </ul>
          </>
        )}
        {asking ? (
          <HelpRequestForm
            api={props.api}
            flowId={props.flowId}
            onSent={props.onSent}
            onCancel={() => setAsking(false)}
          />
        ) : (
          <div class="actions actions-start">
            <button
              type="button"
              class={fixClock || ways.length > 0 ? 'secondary' : undefined}
              onClick={() => setAsking(true)}
            >
              {t('troubleshooter.help.open')}
            </button>
          </div>
        )}
      </section>
    </>
  );
}

function WaitPanel(props: { until: number; onTryAgain: () => void }) {
  const [over, setOver] = useState(false);
  const startLine = t('troubleshooter.wait.until', {
    duration: formatDuration((props.until - Date.now()) / 1000),
    time: timeOfDay(props.until),
  });
  return (
    <>
      <Countdown until={props.until} startLine={startLine} onOver={() => setOver(true)} />
      {over ? (
        <div class="actions actions-start">
          <button type="button" onClick={props.onTryAgain}>
            {t('troubleshooter.wait.tryAgain')}
          </button>
        </div>
      ) : null}
    </>
  );
}
