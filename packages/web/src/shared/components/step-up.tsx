import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n/i18n.js';
import type { ApiClient, Problem } from '../api.js';
import { isAppCode, methodDisplayName, type OwnMethod } from '../methods.js';
import { isSentCodeType, type SentCode, type SentCodeAnswer, toSentCode } from '../sent-codes.js';
import { ReadCodeForm } from './code-entry.js';
import { Heading } from './layout.js';
import { PasskeyStepUp } from './passkey-step-up.js';
import { SentCodeForm } from './sent-code.js';

/**
 * "Confirm it's you": a fresh second factor for a signed-in user (`POST /me/step-up`), before
 * changing sign-in methods on Security info, or when an application asks for one again.
 */

/** A code sent for step-up (or why sending failed), for one method. */
interface StepUpSend {
  readonly methodId: string;
  readonly startedAt: number;
  readonly sent?: SentCode;
  readonly problem?: Problem;
}

export function StepUp(props: {
  api: ApiClient;
  methods: readonly OwnMethod[];
  recoveryCodes: number;
  onDone: (confirmed: boolean) => void;
  /** Why the user is asked (the sentence under the heading). */
  reason?: string;
  /** The heading's level: 2 in a dialog, 1 when it is the page. */
  level?: 1 | 2;
}) {
  const options = [
    ...props.methods
      .filter((m) => isAppCode(m.type) || isSentCodeType(m.type) || m.type === 'passkey')
      .map((m) => ({ id: m.id, type: m.type, label: m.label, name: methodDisplayName(m) })),
    ...(props.recoveryCodes > 0
      ? [{ id: 'recovery-codes', type: 'recovery_codes', label: '', name: t('common.recoveryCode.label') }]
      : []),
  ];
  const initial = options.find((o) => props.methods.some((m) => m.id === o.id && m.isDefault)) ?? options[0];
  const [methodId, setMethodId] = useState(initial?.id ?? '');
  const [send, setSend] = useState<StepUpSend>();
  const [sending, setSending] = useState(false);
  const option = options.find((o) => o.id === methodId);

  /** `POST /me/step-up/challenge`: sends a code to an sms or email method. */
  const challenge = (id: string) => props.api.post<SentCodeAnswer>('/me/step-up/challenge', { methodId: id });

  async function sendCode(id: string) {
    if (sending) return;
    setSending(true);
    const result = await challenge(id);
    setSending(false);
    const startedAt = Date.now();
    setSend(
      result.ok
        ? { methodId: id, startedAt, sent: toSentCode(result.data, startedAt) }
        : { methodId: id, startedAt, problem: result.problem },
    );
  }

  // The default method sends its code at once, as at sign-in; another one chosen below waits for "Send code".
  useEffect(() => {
    if (initial && isSentCodeType(initial.type)) void sendCode(initial.id);
  }, []);

  const current = send && send.methodId === methodId ? send : undefined;
  let body: ComponentChildren;
  if (option && isSentCodeType(option.type) && current) {
    body = (
      <SentCodeForm<unknown>
        key={current.startedAt}
        id="step-up-code"
        type={option.type}
        sent={current.sent}
        sendProblem={current.problem}
        destination={option.label}
        otherWay="method"
        verify={(code) => props.api.post('/me/step-up', { methodId: option.id, code })}
        resend={() => challenge(option.id)}
        onVerified={() => props.onDone(true)}
        onBack={() => props.onDone(false)}
        backLabel={t('common.action.cancel')}
      />
    );
  } else if (option && isSentCodeType(option.type)) {
    body = (
      <>
        <p class="lead" role="status">
          {sending
            ? t('common.stepUp.sending')
            : t('common.stepUp.willSend', { channel: option.type, destination: option.label })}
        </p>
        <div class="actions">
          <button type="button" class="secondary" onClick={() => props.onDone(false)}>
            {t('common.action.cancel')}
          </button>
          <button type="button" onClick={() => void sendCode(option.id)} disabled={sending}>
            {sending ? t('common.sentCode.sending') : t('common.sentCode.send')}
          </button>
        </div>
      </>
    );
  } else if (option?.type === 'passkey') {
    body = <PasskeyStepUp key={option.id} api={props.api} option={option} onDone={props.onDone} />;
  } else if (option) {
    body = (
      <ReadCodeForm<unknown>
        key={option.id}
        id="step-up-code"
        type={option.type}
        verify={(code) => props.api.post('/me/step-up', { methodId: option.id, code })}
        onVerified={() => props.onDone(true)}
        onBack={() => props.onDone(false)}
        backLabel={t('common.action.cancel')}
      />
    );
  } else {
    body = (
      <>
        <p class="notice">{t('common.stepUp.noMethod')}</p>
        <div class="actions">
          <button type="button" class="secondary" onClick={() => props.onDone(false)}>
            {t('common.action.cancel')}
          </button>
        </div>
      </>
    );
  }

  return (
    <section aria-labelledby="step-up-title">
      <Heading level={props.level ?? 2} id="step-up-title" focus={props.level === 1}>
        {t('common.stepUp.title')}
      </Heading>
      <p>{props.reason ?? t('common.stepUp.reason')}</p>
      {options.length > 1 ? (
        <div class="field">
          <label for="step-up-method">{t('common.stepUp.method')}</label>
          <select
            id="step-up-method"
            value={methodId}
            onChange={(event) => setMethodId(event.currentTarget.value)}
            disabled={sending}
          >
            {options.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {body}
    </section>
  );
}
