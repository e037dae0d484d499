import { useState } from 'preact/hooks';
import type { Problem } from '../shared/api.js';
import { FormError, TextField } from '../shared/components/field.js';
import { Heading, useFocusOnMount } from '../shared/components/layout.js';
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
    if (one.ok && two.ok && resync && one.code === two.code)
      next.second = 'Enter the next code the token shows, not the same one again.';
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
  return (
    <form onSubmit={submit} noValidate>
      <Heading level={2} id="code-title">
        {resync ? 'Resynchronise this method' : 'Activate this hardware token'}
      </Heading>
      {resync ? (
        <p>
          Ask the user to read out two codes in a row from <strong>{name}</strong>: the one it shows now, then
          the next one once it changes. Twofold finds how far the device's clock is off and corrects for it.
        </p>
      ) : (
        <p>
          Enter the code <strong>{name}</strong> shows now. The token then works for sign-in.
        </p>
      )}
      <TextField
        id="code-first"
        label={resync ? 'First code' : 'Code'}
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
          label="Next code"
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
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : resync ? 'Resynchronise' : 'Activate'}
        </button>
      </div>
    </form>
  );
}
