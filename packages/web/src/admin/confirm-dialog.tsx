import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { t, tRich } from '../i18n/i18n.js';
import type { Problem } from '../shared/api.js';
import { Dialog } from '../shared/components/dialog.js';
import { FormError } from '../shared/components/field.js';
import { Heading, useFocusOnMount } from '../shared/components/layout.js';
import { adminMessage } from './admin-messages.js';

/** `required`: the confirm button stays disabled until a reason is typed; `none`: the API takes none. */
export type ReasonMode = 'required' | 'optional' | 'none';

export interface ConfirmSpec {
  readonly title: string;
  readonly body: ComponentChildren;
  readonly confirmLabel: string;
  readonly busyLabel?: string;
  readonly danger?: boolean;
  readonly reason: ReasonMode;
  /** Text the admin must type before the action is enabled (the email of a user to delete). */
  readonly typeToConfirm?: string;
  /** Runs the action; a problem keeps the dialog open and shows why. */
  readonly run: (reason: string) => Promise<Problem | undefined>;
}

/**
 * A confirmation in a modal: what will happen, a reason for the audit log, Cancel and the action. Focus goes
 * to the reason field (or the Cancel button) when it opens and back to the opener when it closes.
 */
export function ConfirmDialog(props: {
  spec: ConfirmSpec | undefined;
  onClose: () => void;
  onDone: () => void;
}) {
  return (
    <Dialog open={props.spec !== undefined} labelledBy="confirm-title" onClose={props.onClose}>
      {props.spec ? <ConfirmBody spec={props.spec} onCancel={props.onClose} onDone={props.onDone} /> : null}
    </Dialog>
  );
}

function ConfirmBody(props: { spec: ConfirmSpec; onCancel: () => void; onDone: () => void }) {
  const { spec } = props;
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const reasonRef = useFocusOnMount<HTMLTextAreaElement>(spec.reason !== 'none');
  const cancelRef = useFocusOnMount<HTMLButtonElement>(
    spec.reason === 'none' && spec.typeToConfirm === undefined,
  );
  const [typed, setTyped] = useState('');
  const missingReason = spec.reason === 'required' && reason.trim() === '';
  const notTyped =
    spec.typeToConfirm !== undefined && typed.trim().toLowerCase() !== spec.typeToConfirm.toLowerCase();
  const typedRef = useFocusOnMount<HTMLInputElement>(
    spec.typeToConfirm !== undefined && spec.reason === 'none',
  );

  async function submit(event: Event) {
    event.preventDefault();
    if (busy || missingReason || notTyped) return;
    setBusy(true);
    setError(undefined);
    const problem = await spec.run(reason.trim());
    setBusy(false);
    if (problem) setError(adminMessage(problem));
    else props.onDone();
  }

  return (
    <form onSubmit={submit} noValidate>
      <Heading level={2} id="confirm-title">
        {spec.title}
      </Heading>
      <div class="dialog-body">{spec.body}</div>
      {spec.reason === 'none' ? null : (
        <div class="field">
          <label for="confirm-reason">
            {t(spec.reason === 'required' ? 'admin.reason.required' : 'admin.reason.optional')}
          </label>
          <textarea
            id="confirm-reason"
            name="reason"
            ref={reasonRef}
            rows={2}
            maxLength={500}
            value={reason}
            required={spec.reason === 'required'}
            aria-describedby="confirm-reason-hint"
            onInput={(event) => setReason(event.currentTarget.value)}
          />
          <p class="hint" id="confirm-reason-hint">
            {t(spec.reason === 'required' ? 'admin.reason.requiredHint' : 'admin.reason.hint')}
          </p>
        </div>
      )}
      {spec.typeToConfirm !== undefined ? (
        <div class="field">
          <label for="confirm-typed">
            {tRich('admin.confirm.typeToConfirm', {
              target: spec.typeToConfirm,
              strong: (chunks) => <strong class="typed-target">{chunks}</strong>,
            })}
          </label>
          <input
            id="confirm-typed"
            name="confirm"
            type="text"
            ref={typedRef}
            value={typed}
            autoComplete="off"
            spellcheck={false}
            onInput={(event) => setTyped(event.currentTarget.value)}
          />
        </div>
      ) : null}
      <FormError id="confirm-error" message={error} />
      <div class="actions">
        <button type="button" class="secondary" ref={cancelRef} onClick={props.onCancel}>
          {t('common.action.cancel')}
        </button>
        <button
          type="submit"
          class={spec.danger ? 'danger' : undefined}
          disabled={busy || missingReason || notTyped}
        >
          {busy ? (spec.busyLabel ?? t('admin.confirm.working')) : spec.confirmLabel}
        </button>
      </div>
    </form>
  );
}
