import type { ComponentChildren } from 'preact';
import { t } from '../../i18n/i18n.js';

/**
 * A flow step's buttons: "Start again" once the flow has ended (too many wrong codes, too slow) where it can
 * be started again; otherwise the way back, when there is one, and the step's own button (`children`).
 */
export function StepActions(props: {
  ended: boolean;
  onRestart?: (() => void) | undefined;
  onBack?: (() => void) | undefined;
  backLabel?: string | undefined;
  children: ComponentChildren;
}) {
  return (
    <div class="actions">
      {props.ended && props.onRestart ? (
        <button type="button" onClick={props.onRestart}>
          {t('common.action.startAgain')}
        </button>
      ) : (
        <>
          {props.onBack ? (
            <button type="button" class="secondary" onClick={props.onBack}>
              {props.backLabel ?? t('common.action.back')}
            </button>
          ) : null}
          {props.children}
        </>
      )}
    </div>
  );
}

/** "Start again" on its own, above what the ended flow still shows (a list of methods, a QR code). */
export function StartAgain(props: { onRestart: () => void }) {
  return (
    <div class="actions actions-start">
      <button type="button" onClick={props.onRestart}>
        {t('common.action.startAgain')}
      </button>
    </div>
  );
}

/** A dialog form's buttons: Cancel, and its submit button (its busy words while it works, when it has them). */
export function CancelSubmit(props: {
  onCancel: () => void;
  cancelLabel?: string | undefined;
  busy: boolean;
  label: string;
  busyLabel?: string;
  /** Besides while busy (what the form needs has not loaded). */
  disabled?: boolean;
}) {
  return (
    <div class="actions">
      <button type="button" class="secondary" onClick={props.onCancel}>
        {props.cancelLabel ?? t('common.action.cancel')}
      </button>
      <button type="submit" disabled={props.busy || props.disabled === true}>
        {props.busy && props.busyLabel !== undefined ? props.busyLabel : props.label}
      </button>
    </div>
  );
}
