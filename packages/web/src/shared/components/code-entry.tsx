import type { RefObject } from 'preact';
import { useState } from 'preact/hooks';
import { t } from '../../i18n/i18n.js';
import type { ApiResult, Problem } from '../api.js';
import { describeProblem, flowEndingCodes, type OtherWay } from '../messages.js';
import { checkCode } from '../methods.js';
import { TextField } from './field.js';
import { useFocusOnMount } from './layout.js';
import { StepActions } from './step-actions.js';

/**
 * One code typed and checked, wherever a code is asked for (sign-in, step-up, password reset, registration):
 * the code's shape checked here, then `verify`; a refusal said on the field, the field emptied and focused,
 * and a refusal that ends the flow (too many wrong codes, too slow) stops further tries.
 */
export interface CodeEntry {
  readonly code: string;
  readonly onCode: (value: string) => void;
  readonly error: string | undefined;
  readonly setError: (error: string | undefined) => void;
  readonly ended: boolean;
  readonly setEnded: (ended: boolean) => void;
  readonly busy: boolean;
  readonly inputRef: RefObject<HTMLInputElement>;
  /** Clears the field and what was said on it (a new code came). */
  readonly reset: () => void;
  readonly submit: (event: Event) => Promise<void>;
}

export function useCodeEntry<T>(options: {
  /** The method type the code is for (its shape: digits, or a recovery code). */
  readonly type: string;
  readonly digits?: number | undefined;
  readonly verify: (code: string) => Promise<ApiResult<T>>;
  readonly onVerified: (result: T) => void;
  readonly message: (problem: Problem) => string;
  readonly initiallyEnded?: boolean;
  /** Called as a well-formed code goes to the server. */
  readonly onSubmit?: () => void;
}): CodeEntry {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [ended, setEnded] = useState(options.initiallyEnded ?? false);
  const [busy, setBusy] = useState(false);
  const inputRef = useFocusOnMount<HTMLInputElement>();

  async function submit(event: Event) {
    event.preventDefault();
    if (busy || ended) return;
    const checked = checkCode(code, options.type, options.digits);
    if (!checked.ok) {
      setError(checked.message);
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    options.onSubmit?.();
    const result = await options.verify(checked.code);
    setBusy(false);
    if (result.ok) {
      options.onVerified(result.data);
      return;
    }
    setError(options.message(result.problem));
    setEnded(flowEndingCodes.has(result.problem.code));
    setCode('');
    inputRef.current?.focus();
  }

  return {
    code,
    onCode: (value) => {
      setCode(value);
      if (!ended) setError(undefined);
    },
    error,
    setError,
    ended,
    setEnded,
    busy,
    inputRef,
    reset: () => {
      setCode('');
      setError(undefined);
    },
    submit,
  };
}

/** A refusal of a code in words: the page's own (`wordsFor`), else the catalog's for the code's kind. */
export function codeProblemText(
  problem: Problem,
  context: 'code' | 'recovery-code' | 'sent-code',
  words: {
    readonly otherWay?: OtherWay | undefined;
    readonly wordsFor?: ((problem: Problem) => string | undefined) | undefined;
  },
): string {
  return (
    words.wordsFor?.(problem) ??
    describeProblem(problem, context, {
      now: Date.now(),
      ...(words.otherWay ? { otherWay: words.otherWay } : {}),
    })
  );
}

/** The Code (or Recovery code) field of a `CodeEntry`. */
export function CodeField(props: { id: string; entry: CodeEntry; recovery?: boolean; describedBy?: string }) {
  const { entry, recovery } = props;
  return (
    <TextField
      id={props.id}
      label={t(recovery ? 'common.recoveryCode.label' : 'common.code.label')}
      value={entry.code}
      onValue={entry.onCode}
      error={entry.error}
      describedBy={props.describedBy}
      inputMode={recovery ? 'text' : 'numeric'}
      autoComplete="one-time-code"
      maxLength={recovery ? 64 : 16}
      className="code-input"
      spellcheck={false}
      autoCapitalize="none"
      inputRef={entry.inputRef}
    />
  );
}

/**
 * A code form's buttons: "Start again" once the flow has ended (where it can be started again), otherwise
 * the way back (when there is one) and Verify.
 */
export function CodeActions(props: {
  entry: CodeEntry;
  onRestart?: (() => void) | undefined;
  onBack?: (() => void) | undefined;
  backLabel?: string | undefined;
}) {
  const { entry } = props;
  return (
    <StepActions
      ended={entry.ended}
      onRestart={props.onRestart}
      onBack={props.onBack}
      backLabel={props.backLabel}
    >
      <button type="submit" disabled={entry.busy || entry.ended}>
        {entry.busy ? t('common.action.checking') : t('common.action.verify')}
      </button>
    </StepActions>
  );
}

/**
 * The code step for a code the user reads (an authenticator app, a hardware token, a recovery code): the
 * Code field and its buttons. The heading and the sentence above it belong to the screen.
 */
export function ReadCodeForm<T>(props: {
  /** The method type: a recovery code, or digits from an app or token. */
  readonly type: string;
  /** The number of digits when it is known (a new authenticator's), else 6 to 10. */
  readonly digits?: number;
  readonly verify: (code: string) => Promise<ApiResult<T>>;
  readonly onVerified: (result: T) => void;
  readonly onRestart?: (() => void) | undefined;
  readonly onBack?: (() => void) | undefined;
  readonly backLabel?: string;
  /** What else the user can do after a wrong code ("sign in another way" by default). */
  readonly otherWay?: OtherWay;
  /** The page's own words for some problems (a password reset's end); undefined: the usual ones. */
  readonly wordsFor?: (problem: Problem) => string | undefined;
  /** The field's id. */
  readonly id?: string;
}) {
  const recovery = props.type === 'recovery_codes';
  const entry = useCodeEntry<T>({
    type: props.type,
    digits: props.digits,
    verify: props.verify,
    onVerified: props.onVerified,
    message: (problem) => codeProblemText(problem, recovery ? 'recovery-code' : 'code', props),
  });
  return (
    <form onSubmit={entry.submit} noValidate>
      <CodeField id={props.id ?? 'code'} entry={entry} recovery={recovery} />
      <CodeActions {...props} entry={entry} />
    </form>
  );
}
