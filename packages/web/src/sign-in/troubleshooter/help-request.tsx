/**
 * The help request of the troubleshooter: what happened and how to reach the person (both optional), then
 * the same confirmation whoever asks. The tenant's only global admin is told instead that the operator
 * recovers the account with `twofold recover-admin`, and what to tell the operator.
 */
import type { HelpRequestAnswer } from '@twofold/api/troubleshoot';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { t, tRich } from '../../i18n/i18n.js';
import type { ApiClient } from '../../shared/api.js';
import { copyText } from '../../shared/components/copy-text.js';
import { FormError } from '../../shared/components/field.js';
import { Heading, useFocusOnMount } from '../../shared/components/layout.js';
import { CancelSubmit } from '../../shared/components/step-actions.js';
import { describeProblem } from '../../shared/messages.js';

const strong = (chunks: ComponentChildren[]) => <strong>{chunks}</strong>;

export function HelpRequestForm(props: {
  api: ApiClient;
  /** The flow's API path (`/sign-in/{flowId}` or `/password-reset/{flowId}`). */
  flowPath: string;
  onSent: (answer: HelpRequestAnswer) => void;
  onCancel: () => void;
}) {
  const [message, setMessage] = useState('');
  const [contact, setContact] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const messageRef = useFocusOnMount<HTMLTextAreaElement>();

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    const body = {
      ...(message.trim() ? { message: message.trim() } : {}),
      ...(contact.trim() ? { contact: contact.trim() } : {}),
    };
    const result = await props.api.post<HelpRequestAnswer>(
      `${props.flowPath}/help-request?deviceTime=${Date.now()}`,
      body,
    );
    setBusy(false);
    if (result.ok) props.onSent(result.data);
    else setError(describeProblem(result.problem, 'general', { now: Date.now() }));
  }

  return (
    <form onSubmit={submit} noValidate class="help-request">
      <div class="field">
        <label for="help-message">{t('troubleshooter.help.message')}</label>
        <textarea
          id="help-message"
          name="message"
          ref={messageRef}
          rows={3}
          maxLength={1000}
          value={message}
          aria-describedby="help-message-hint"
          onInput={(event) => setMessage(event.currentTarget.value)}
        />
        <p class="hint" id="help-message-hint">
          {t('troubleshooter.help.messageHint')}
        </p>
      </div>
      <div class="field">
        <label for="help-contact">{t('troubleshooter.help.contact')}</label>
        <input
          id="help-contact"
          name="contact"
          type="text"
          maxLength={200}
          autoComplete="tel"
          value={contact}
          aria-describedby="help-contact-hint"
          onInput={(event) => setContact(event.currentTarget.value)}
        />
        <p class="hint" id="help-contact-hint">
          {t('troubleshooter.help.contactHint')}
        </p>
      </div>
      <FormError id="help-error" message={error} />
      <CancelSubmit
        onCancel={props.onCancel}
        busy={busy}
        label={t('troubleshooter.help.send')}
        busyLabel={t('troubleshooter.help.sending')}
      />
    </form>
  );
}

/** The command the operator runs, with a Copy button, and what to tell them. */
export function OperatorRecovery(props: { command: string }) {
  const [status, setStatus] = useState('');
  async function copy() {
    setStatus(
      t(
        (await copyText(props.command))
          ? 'troubleshooter.operator.copied'
          : 'troubleshooter.operator.copyFailed',
      ),
    );
  }
  return (
    <section aria-labelledby="operator-title" class="operator-recovery">
      <Heading level={2} id="operator-title">
        {t('troubleshooter.operator.title')}
      </Heading>
      <p>{t('troubleshooter.operator.lead')}</p>
      <pre class="command">
        <code data-testid="recover-admin-command">{props.command}</code>
      </pre>
      <div class="actions actions-start">
        <button type="button" class="secondary small" onClick={() => void copy()}>
          {t('troubleshooter.operator.copy')}
        </button>
      </div>
      <p class="status" role="status">
        {status}
      </p>
      <p>{t('troubleshooter.operator.tell')}</p>
    </section>
  );
}

/** After a help request: the same words whoever asked, and the way in once a pass arrives. */
export function HelpRequestSent(props: {
  answer: HelpRequestAnswer;
  onUsePass: () => void;
  onBack: () => void;
}) {
  const { operatorRecovery } = props.answer;
  return (
    <>
      <Heading focus>{t('troubleshooter.help.sentTitle')}</Heading>
      <p class="lead" role="status">
        {t('troubleshooter.help.sentLead')}
      </p>
      {operatorRecovery ? (
        <OperatorRecovery command={operatorRecovery.command} />
      ) : (
        <ul class="help-ways">
          <li>{tRich('signIn.cannotUse.pass', { strong })}</li>
          <li>{tRich('signIn.cannotUse.reregister', { strong })}</li>
        </ul>
      )}
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onBack}>
          {t('common.action.back')}
        </button>
        <button type="button" onClick={props.onUsePass}>
          {t('troubleshooter.help.usePass')}
        </button>
      </div>
    </>
  );
}
