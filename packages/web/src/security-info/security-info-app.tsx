import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient, ApiResult, Problem } from '../shared/api.js';
import { Dialog } from '../shared/components/dialog.js';
import { FormError, TextField } from '../shared/components/field.js';
import { Brand, Heading, Page, useFocusOnMount } from '../shared/components/layout.js';
import { RecoveryCodesPanel } from '../shared/components/recovery-codes.js';
import { RegisterWizard } from '../shared/components/register-wizard.js';
import { StepUp } from '../shared/components/step-up.js';
import { describeProblem } from '../shared/messages.js';
import { formatDate, methodDisplayName, methodTypeName, type OwnMethod } from '../shared/methods.js';
import { isSentCodeType } from '../shared/sent-codes.js';

/** `GET /me`. */
export interface Me {
  readonly user: {
    readonly id: string;
    readonly email: string;
    readonly displayName: string;
    readonly roles: string[];
  };
  readonly methods: readonly OwnMethod[];
  readonly recoveryCodesRemaining: number;
  readonly stepUpUntil: string | null;
}

type DialogState =
  | { readonly kind: 'none' }
  | { readonly kind: 'add' }
  | { readonly kind: 'delete'; readonly method: OwnMethod }
  | { readonly kind: 'recovery-codes' }
  | { readonly kind: 'sign-out-everywhere' };

export interface SecurityInfoAppProps {
  readonly api: ApiClient;
  /** A request found no valid session: go to the sign-in page. */
  readonly onSignedOut: () => void;
}

const cancelled: Problem = { status: 0, code: 'cancelled' };
const newMethodTypes = [
  {
    type: 'authenticator',
    name: 'Authenticator app',
    hint: 'Codes from any authenticator app; approvals in Twofold Authenticator.',
  },
  {
    type: 'totp',
    name: 'Other authenticator app',
    hint: 'Codes only, from any app that reads otpauth QR codes.',
  },
  {
    type: 'sms',
    name: 'Phone (text message)',
    hint: 'We text a code to your mobile phone each time you sign in.',
  },
  {
    type: 'email',
    name: 'Email',
    hint: 'We email a code to an address you choose each time you sign in.',
  },
] as const;

function message(problem: Problem, context: 'code' | 'recovery-code' | 'general' = 'general'): string {
  if (problem.code === 'cancelled') return 'Nothing changed: you did not confirm it was you.';
  return describeProblem(problem, context, { now: Date.now() });
}

/** "My sign-ins / Security info": the user's methods, recovery codes and sessions. */
export function SecurityInfoApp({ api, onSignedOut }: SecurityInfoAppProps) {
  const [me, setMe] = useState<Me>();
  const [loadProblem, setLoadProblem] = useState<Problem>();
  const [dialog, setDialog] = useState<DialogState>({ kind: 'none' });
  const [notice, setNotice] = useState('');
  const [pageError, setPageError] = useState<string>();
  const [stepUpOpen, setStepUpOpen] = useState(false);
  const stepUpDone = useRef<((confirmed: boolean) => void) | undefined>(undefined);

  /** Every answer passes here: an ended session sends the user to sign in again. */
  function guard<T>(result: ApiResult<T>): ApiResult<T> {
    if (!result.ok && result.problem.code === 'unauthenticated') onSignedOut();
    return result;
  }

  async function load() {
    const result = guard(await api.get<Me>('/me'));
    if (result.ok) {
      setMe(result.data);
      setLoadProblem(undefined);
    } else if (result.problem.code !== 'unauthenticated') {
      setLoadProblem(result.problem);
    }
  }

  useEffect(() => {
    void load();
  }, []);

  /** Runs a change; when the server asks for a recent second factor, asks for a code, then runs it again. */
  async function withStepUp<T>(action: () => Promise<ApiResult<T>>): Promise<ApiResult<T>> {
    const first = guard(await action());
    if (first.ok || first.problem.code !== 'step_up_required') return first;
    const confirmed = await new Promise<boolean>((resolve) => {
      stepUpDone.current = resolve;
      setStepUpOpen(true);
    });
    if (!confirmed) return { ok: false, problem: cancelled };
    return guard(await action());
  }

  function closeStepUp(confirmed: boolean) {
    setStepUpOpen(false);
    const done = stepUpDone.current;
    stepUpDone.current = undefined;
    done?.(confirmed);
  }

  async function setDefault(method: OwnMethod) {
    setNotice('');
    setPageError(undefined);
    const result = await withStepUp(() => api.put('/me/default-method', { methodId: method.id }));
    if (!result.ok) {
      setPageError(message(result.problem));
      return;
    }
    await load();
    setNotice(`${methodDisplayName(method)} is now your default sign-in method.`);
  }

  async function signOut() {
    await api.post('/sign-out');
    onSignedOut();
  }

  if (!me) {
    return (
      <Page wide>
        <Brand />
        <Heading>Security info</Heading>
        {loadProblem ? (
          <>
            <FormError id="load-error" message={message(loadProblem)} />
            <button type="button" onClick={() => void load()}>
              Try again
            </button>
          </>
        ) : (
          <p class="muted" role="status">
            Loading your security info…
          </p>
        )}
      </Page>
    );
  }

  const methods = me.methods.filter((m) => m.type !== 'recovery_codes');
  const defaultMethod = methods.find((m) => m.isDefault);

  return (
    <Page wide>
      <Brand>
        <div class="summary-line">
          <span class="user-line">
            {me.user.displayName ? `${me.user.displayName} · ` : ''}
            {me.user.email}
          </span>
          <button type="button" class="secondary small" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </Brand>
      <Heading>Security info</Heading>
      <p class="lead">These are the methods you use to sign in to your account.</p>
      <p class="status notice notice-success" role="status">
        {notice}
      </p>
      <FormError id="page-error" message={pageError} />

      <div class="section-head">
        <h2 id="methods-title">Sign-in methods</h2>
        <button
          type="button"
          onClick={() => {
            setNotice('');
            setDialog({ kind: 'add' });
          }}
        >
          + Add sign-in method
        </button>
      </div>
      <p>
        Default sign-in method:{' '}
        <strong>{defaultMethod ? methodDisplayName(defaultMethod) : 'none yet'}</strong>
      </p>
      {methods.length === 0 ? (
        <p class="notice">
          You have no sign-in method yet. Add an authenticator app to keep your account safe.
        </p>
      ) : (
        <table class="methods" aria-labelledby="methods-title">
          <thead>
            <tr>
              <th scope="col">Method</th>
              <th scope="col">Name</th>
              <th scope="col">Default</th>
              <th scope="col">Added</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {methods.map((method) => (
              <tr key={method.id}>
                <td>
                  <CellLabel>Method</CellLabel>
                  {methodTypeName(method.type)}
                </td>
                <td>
                  <CellLabel>Name</CellLabel>
                  {method.label}
                </td>
                <td>
                  <CellLabel>Default</CellLabel>
                  {method.isDefault ? <span class="badge">Default</span> : <span class="muted">—</span>}
                </td>
                <td>
                  <CellLabel>Added</CellLabel>
                  {formatDate(method.createdAt, '—')}
                </td>
                <td>
                  <CellLabel>Last used</CellLabel>
                  {formatDate(method.lastUsedAt, 'Never')}
                </td>
                <td class="row-actions">
                  {method.isDefault ? null : (
                    <button
                      type="button"
                      class="secondary small"
                      onClick={() => void setDefault(method)}
                      aria-label={`Set ${method.label} as default`}
                    >
                      Set as default
                    </button>
                  )}
                  <button
                    type="button"
                    class="secondary small"
                    onClick={() => {
                      setNotice('');
                      setDialog({ kind: 'delete', method });
                    }}
                    aria-label={`Delete ${method.label}`}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <div class="section-head">
        <h2>Recovery codes</h2>
        <button type="button" class="secondary" onClick={() => setDialog({ kind: 'recovery-codes' })}>
          Get new recovery codes
        </button>
      </div>
      <p class={me.recoveryCodesRemaining <= 3 ? 'notice' : ''}>
        You have {me.recoveryCodesRemaining} unused recovery code{me.recoveryCodesRemaining === 1 ? '' : 's'}.
        {me.recoveryCodesRemaining <= 3
          ? ' Get new ones so you can still sign in if you lose your phone.'
          : ''}
      </p>

      <div class="section-head">
        <h2>Lost a device?</h2>
        <button type="button" class="secondary" onClick={() => setDialog({ kind: 'sign-out-everywhere' })}>
          Sign out everywhere
        </button>
      </div>
      <p>Signs you out on every browser and device where you are signed in, this one included.</p>

      <Dialog open={dialog.kind === 'add'} labelledBy="add-title" onClose={() => setDialog({ kind: 'none' })}>
        <AddMethod
          api={api}
          withStepUp={withStepUp}
          onCancel={() => setDialog({ kind: 'none' })}
          onAdded={(name) => {
            setDialog({ kind: 'none' });
            // The notice comes once the table shows the change, so the two never disagree.
            void load().then(() => setNotice(`${name} added. You can now sign in with it.`));
          }}
        />
      </Dialog>
      <Dialog
        open={dialog.kind === 'delete'}
        labelledBy="delete-title"
        onClose={() => setDialog({ kind: 'none' })}
      >
        {dialog.kind === 'delete' ? (
          <DeleteMethod
            api={api}
            method={dialog.method}
            withStepUp={withStepUp}
            onCancel={() => setDialog({ kind: 'none' })}
            onDeleted={() => {
              setDialog({ kind: 'none' });
              const name = methodDisplayName(dialog.method);
              void load().then(() => setNotice(`${name} deleted.`));
            }}
          />
        ) : null}
      </Dialog>
      <Dialog
        open={dialog.kind === 'recovery-codes'}
        labelledBy="codes-title"
        onClose={() => {
          setDialog({ kind: 'none' });
          void load();
        }}
      >
        <NewRecoveryCodes
          api={api}
          account={me.user.email}
          remaining={me.recoveryCodesRemaining}
          withStepUp={withStepUp}
          onDone={() => {
            setDialog({ kind: 'none' });
            void load();
          }}
        />
      </Dialog>
      <Dialog
        open={dialog.kind === 'sign-out-everywhere'}
        labelledBy="everywhere-title"
        onClose={() => setDialog({ kind: 'none' })}
      >
        <SignOutEverywhere api={api} onCancel={() => setDialog({ kind: 'none' })} onDone={onSignedOut} />
      </Dialog>
      <Dialog open={stepUpOpen} labelledBy="step-up-title" onClose={() => closeStepUp(false)}>
        <StepUp api={api} methods={methods} recoveryCodes={me.recoveryCodesRemaining} onDone={closeStepUp} />
      </Dialog>
    </Page>
  );
}

/** The column's name beside the value when the table is stacked on a narrow screen; hidden from screen readers, which announce the column header. */
function CellLabel(props: { children: string }) {
  return (
    <span class="cell-label" aria-hidden="true">
      {props.children}
    </span>
  );
}

type WithStepUp = <T>(action: () => Promise<ApiResult<T>>) => Promise<ApiResult<T>>;

function AddMethod(props: {
  api: ApiClient;
  withStepUp: WithStepUp;
  onCancel: () => void;
  onAdded: (name: string) => void;
}) {
  const [type, setType] = useState<string>('authenticator');
  const [label, setLabel] = useState('');
  const [chosen, setChosen] = useState(false);
  const selectRef = useFocusOnMount<HTMLSelectElement>();
  const typeName = newMethodTypes.find((t) => t.type === type)?.name ?? methodTypeName(type);
  // A phone or an address is named by itself (masked); only apps take a name.
  const named = !isSentCodeType(type);

  if (chosen) {
    return (
      <RegisterWizard<unknown>
        type={type}
        headingLevel={2}
        headingId="add-title"
        start={(request) =>
          props.withStepUp(() =>
            props.api.post('/me/methods', {
              ...request,
              ...(named && label.trim() ? { label: label.trim() } : {}),
            }),
          )
        }
        confirm={(methodId, code) =>
          props.withStepUp(() =>
            props.api.post(`/me/methods/${encodeURIComponent(methodId)}/verify`, { code }),
          )
        }
        onConfirmed={() => props.onAdded(typeName)}
        onCancel={props.onCancel}
      />
    );
  }
  const hint = newMethodTypes.find((t) => t.type === type)?.hint;
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setChosen(true);
      }}
    >
      <Heading level={2} id="add-title">
        Add a sign-in method
      </Heading>
      <div class="field">
        <label for="method-type">Which method would you like to add?</label>
        <select
          id="method-type"
          ref={selectRef}
          value={type}
          onChange={(event) => setType(event.currentTarget.value)}
          aria-describedby="method-type-hint"
        >
          {newMethodTypes.map((t) => (
            <option key={t.type} value={t.type}>
              {t.name}
            </option>
          ))}
        </select>
        <p class="hint" id="method-type-hint">
          {hint}
        </p>
      </div>
      {named ? (
        <TextField
          id="method-label"
          label="Name (optional)"
          value={label}
          onValue={setLabel}
          hint="To tell your devices apart, like “Work phone”."
          maxLength={100}
        />
      ) : null}
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit">Next</button>
      </div>
    </form>
  );
}

function DeleteMethod(props: {
  api: ApiClient;
  method: OwnMethod;
  withStepUp: WithStepUp;
  onCancel: () => void;
  onDeleted: () => void;
}) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function remove() {
    setBusy(true);
    setError(undefined);
    const result = await props.withStepUp(() =>
      props.api.delete(`/me/methods/${encodeURIComponent(props.method.id)}`),
    );
    setBusy(false);
    if (result.ok) props.onDeleted();
    else setError(message(result.problem));
  }
  return (
    <section>
      <Heading level={2} id="delete-title">
        Delete this method?
      </Heading>
      <p>
        <strong>{methodDisplayName(props.method)}</strong> will stop working for sign-in. To use it again you
        would have to set it up again.
      </p>
      <FormError id="delete-error" message={error} />
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" class="danger" onClick={() => void remove()} disabled={busy}>
          {busy ? 'Deleting…' : 'Delete'}
        </button>
      </div>
    </section>
  );
}

function NewRecoveryCodes(props: {
  api: ApiClient;
  account: string;
  remaining: number;
  withStepUp: WithStepUp;
  onDone: () => void;
}) {
  const [codes, setCodes] = useState<readonly string[]>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function issue() {
    setBusy(true);
    setError(undefined);
    const result = await props.withStepUp(() =>
      props.api.post<{ recoveryCodes: string[] }>('/me/recovery-codes'),
    );
    setBusy(false);
    if (result.ok) setCodes(result.data.recoveryCodes);
    else setError(message(result.problem));
  }
  if (codes) {
    return (
      <RecoveryCodesPanel
        codes={codes}
        account={props.account}
        headingLevel={2}
        headingId="codes-title"
        continueLabel="Done"
        onContinue={props.onDone}
      />
    );
  }
  return (
    <section>
      <Heading level={2} id="codes-title">
        Get new recovery codes?
      </Heading>
      <p>
        You get 10 new codes, shown once.{' '}
        {props.remaining > 0
          ? `Your ${props.remaining} current code${props.remaining === 1 ? '' : 's'} stop working.`
          : ''}
      </p>
      <FormError id="codes-error" message={error} />
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onDone}>
          Cancel
        </button>
        <button type="button" onClick={() => void issue()} disabled={busy}>
          {busy ? 'Getting codes…' : 'Get new codes'}
        </button>
      </div>
    </section>
  );
}

function SignOutEverywhere(props: { api: ApiClient; onCancel: () => void; onDone: () => void }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function confirm() {
    setBusy(true);
    const result = await props.api.post('/me/sign-out-everywhere');
    setBusy(false);
    if (result.ok || result.problem.code === 'unauthenticated') props.onDone();
    else setError(message(result.problem));
  }
  return (
    <section>
      <Heading level={2} id="everywhere-title">
        Sign out everywhere?
      </Heading>
      <p>
        This signs you out on every browser and device, this one included. Use it when you lose a phone or
        computer. Then sign in again with another method or a recovery code.
      </p>
      <FormError id="everywhere-error" message={error} />
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" class="danger" onClick={() => void confirm()} disabled={busy}>
          Sign out everywhere
        </button>
      </div>
    </section>
  );
}
