import type { Ref } from 'preact';

export interface TextFieldProps {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly onValue: (value: string) => void;
  /** Plain words next to the field; announced when it appears. */
  readonly error?: string | undefined;
  readonly hint?: string | undefined;
  /** Ids of other elements that describe the field (the line saying where a code was sent), read first. */
  readonly describedBy?: string | undefined;
  readonly type?: 'text' | 'password' | 'email' | 'tel';
  readonly autoComplete?: string;
  readonly inputMode?: 'text' | 'numeric' | 'email' | 'tel';
  readonly maxLength?: number;
  readonly className?: string;
  readonly inputRef?: Ref<HTMLInputElement>;
  readonly spellcheck?: boolean;
  readonly autoCapitalize?: 'off' | 'none' | 'characters';
}

/**
 * The ids that describe a field's control, in reading order: another element's (`describedBy`),
 * its hint `<id>-hint` when it has one, and its error line `<id>-error` when that line is there.
 */
export function fieldDescribedBy(
  id: string,
  parts: {
    readonly describedBy?: string | undefined;
    readonly hint?: string | undefined;
    readonly error: boolean;
  },
): string {
  return [parts.describedBy, parts.hint ? `${id}-hint` : undefined, parts.error ? `${id}-error` : undefined]
    .filter(Boolean)
    .join(' ');
}

/** A labelled input with its hint and error, tied together for assistive technology. */
export function TextField(props: TextFieldProps) {
  const errorId = `${props.id}-error`;
  const hintId = `${props.id}-hint`;
  const describedBy = fieldDescribedBy(props.id, {
    describedBy: props.describedBy,
    hint: props.hint,
    error: true,
  });
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        ref={props.inputRef}
        class={props.className}
        type={props.type ?? 'text'}
        value={props.value}
        onInput={(event) => props.onValue(event.currentTarget.value)}
        autoComplete={props.autoComplete}
        inputMode={props.inputMode}
        maxLength={props.maxLength}
        spellcheck={props.spellcheck}
        autoCapitalize={props.autoCapitalize}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy}
      />
      {props.hint ? (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      <p class="error" id={errorId} role="alert">
        {props.error ?? ''}
      </p>
    </div>
  );
}

/** The one error line of a form that belongs to no field (network down, server error). */
export function FormError(props: { id: string; message: string | undefined }) {
  return (
    <p class="form-error" id={props.id} role="alert">
      {props.message ?? ''}
    </p>
  );
}
