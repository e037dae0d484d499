import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { t, tRich } from '../i18n/i18n.js';
import type { Problem } from '../shared/api.js';
import { FormError, TextField } from '../shared/components/field.js';
import { Heading, useFocusOnMount } from '../shared/components/layout.js';
import { CancelSubmit } from '../shared/components/step-actions.js';
import { adminMessage } from './admin-messages.js';
import { checkTokenCode, methodName } from './format.js';
import type { AdminMethod } from './types.js';

/**
 * Codes read from the user's token or app: two consecutive ones to resynchronise its clock (RFC 6238 6), or
 * one to activate an imported hardware token.
 */
export function CodeDialogBody(props: {
  kind: 'resync' | 'activate';
  method: AdminMethod;
  run: (codes: string[]) => Promise<Problem | undefined>;
  onCancel: () => void;
  onDone: () => void;
}) {
  const resync = props.kind === 'resync';
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [errors, setErrors] = useState<{ first?: string; second?: string }>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const firstRef = useFocusOnMount<HTMLInputElement>();
  const secondRef = useFocusOnMount<HTMLInputElement>(false);

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    const one = checkTokenCode(first);
    const two = resync ? checkTokenCode(second) : { ok: true as const, code: '' };
    const next = {
      ...(one.ok ? {} : { first: one.message }),
      ...(two.ok ? {} : { second: two.message }),
    };
    if (one.ok && two.ok && resync && one.code === two.code) next.second = t('admin.code.sameTwice');
    setErrors(next);
    if (next.first) return firstRef.current?.focus();
    if (next.second) return secondRef.current?.focus();
    if (!one.ok || !two.ok) return;
    setBusy(true);
    setError(undefined);
    const problem = await props.run(resync ? [one.code, two.code] : [one.code]);
    setBusy(false);
    if (!problem) {
      props.onDone();
      return;
    }
    setError(adminMessage(problem, 'code'));
    setFirst('');
    setSecond('');
    firstRef.current?.focus();
  }

  const name = methodName(props.method);
  const strong = (chunks: ComponentChildren[]) => <strong>{chunks}</strong>;
  return (
    <form onSubmit={submit} noValidate>
      <Heading level={2} id="code-title">
        {t(resync ? 'admin.code.resyncTitle' : 'admin.code.activateTitle')}
      </Heading>
      <p>{tRich(resync ? 'admin.code.resyncLead' : 'admin.code.activateLead', { strong, name })}</p>
      <TextField
        id="code-first"
        label={t(resync ? 'admin.code.first' : 'common.code.label')}
        value={first}
        onValue={setFirst}
        error={errors.first}
        inputMode="numeric"
        autoComplete="off"
        maxLength={16}
        className="code-input"
        spellcheck={false}
        inputRef={firstRef}
      />
      {resync ? (
        <TextField
          id="code-second"
          label={t('admin.code.second')}
          value={second}
          onValue={setSecond}
          error={errors.second}
          inputMode="numeric"
          autoComplete="off"
          maxLength={16}
          className="code-input"
          spellcheck={false}
          inputRef={secondRef}
        />
      ) : null}
      <FormError id="code-error" message={error} />
      <CancelSubmit
        onCancel={props.onCancel}
        busy={busy}
        label={t(resync ? 'admin.code.resyncButton' : 'admin.code.activateButton')}
        busyLabel={t('common.action.checking')}
      />
    </form>
  );
}
