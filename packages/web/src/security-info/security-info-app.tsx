import type { Locale } from '@twofold/core';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type MessageKey, t, tRich } from '../i18n/i18n.js';
import type { ApiClient, ApiResult, Problem } from '../shared/api.js';
import { DataTable, None } from '../shared/components/data-table.js';
import { Dialog } from '../shared/components/dialog.js';
import { FormError, TextField } from '../shared/components/field.js';
import { Brand, Heading, Page, useFocusOnMount } from '../shared/components/layout.js';
import { PasskeyKind } from '../shared/components/passkey-details.js';
import { PasskeyRegister, type PasskeyRegistrationStart } from '../shared/components/passkey-register.js';
import { RecoveryCodesPanel } from '../shared/components/recovery-codes.js';
import { RegisterWizard } from '../shared/components/register-wizard.js';
import { StepUp } from '../shared/components/step-up.js';
import { describeProblem } from '../shared/messages.js';
import {
  formatDate,
  methodDisplayName,
  methodLabel,
  methodTypeName,
  type OwnMethod,
} from '../shared/methods.js';
import { isSentCodeType } from '../shared/sent-codes.js';
import { ChangePasswordSection } from './change-password.js';
import { MessageLanguage } from './message-language.js';

/** `GET /me`. */
export interface Me {
  readonly user: {
    readonly id: string;
    readonly email: string;
    readonly displayName: string;
    readonly roles: string[];
    /** The language of the user's emails and text messages; null: the organisation's default. */
    readonly locale?: Locale | null;
  };
  readonly methods: readonly OwnMethod[];
  readonly recoveryCodesRemaining: number;
  readonly stepUpUntil: string | null;
  /** Whether Change password asks for the current one (not in a session from a pass in the last hour). */
  readonly currentPasswordRequired: boolean;
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
/** What can be added here, with the line under the choice that says what using it is like. */
const newMethodTypes: readonly { readonly type: string; readonly hint: MessageKey }[] = [
  { type: 'authenticator', hint: 'securityInfo.add.hint.authenticator' },
  { type: 'totp', hint: 'securityInfo.add.hint.totp' },
  { type: 'sms', hint: 'common.registrationChoice.sms' },
  { type: 'email', hint: 'common.registrationChoice.email' },
  { type: 'passkey', hint: 'common.registrationChoice.passkey' },
];

function message(problem: Problem, context: 'code' | 'recovery-code' | 'general' = 'general'): string {
  if (problem.code === 'cancelled') return t('securityInfo.cancelled');
  return describeProblem(problem, context, { now: Date.now() });
}

const strong = (chunks: ComponentChildren[]) => <strong>{chunks}</strong>;

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
    setNotice(t('securityInfo.default.done', { method: methodDisplayName(method) }));
  }

  async function signOut() {
    await api.post('/sign-out');
    onSignedOut();
  }

  if (!me) {
    return (
      <Page wide>
        <Brand />
        <Heading>{t('securityInfo.title')}</Heading>
        {loadProblem ? (
          <>
            <FormError id="load-error" message={message(loadProblem)} />
            <button type="button" onClick={() => void load()}>
              {t('common.action.tryAgain')}
            </button>
          </>
        ) : (
          <p class="muted" role="status">
            {t('securityInfo.loading')}
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
            {t('common.action.signOut')}
          </button>
        </div>
      </Brand>
      <Heading>{t('securityInfo.title')}</Heading>
      <p class="lead">{t('securityInfo.lead')}</p>
      <p class="status notice notice-success" role="status">
        {notice}
      </p>
      <FormError id="page-error" message={pageError} />

      <div class="section-head">
        <h2 id="methods-title">{t('securityInfo.methods.title')}</h2>
        <button
          type="button"
          onClick={() => {
            setNotice('');
            setDialog({ kind: 'add' });
          }}
        >
          {t('securityInfo.methods.add')}
        </button>
      </div>
      <p>
        {defaultMethod
          ? tRich('securityInfo.default.line', { strong, method: methodDisplayName(defaultMethod) })
          : tRich('securityInfo.default.none', { strong })}
      </p>
      {methods.length === 0 ? (
        <p class="notice">{t('securityInfo.methods.none')}</p>
      ) : (
        <DataTable<OwnMethod>
          items={methods}
          plain
          labelledBy="methods-title"
          columns={[
            { label: t('securityInfo.methods.method'), cell: (method) => methodTypeName(method.type) },
            {
              label: t('securityInfo.methods.name'),
              cell: (method) => (
                <>
                  {methodLabel(method)} <PasskeyKind method={method} />
                </>
              ),
            },
            {
              label: t('securityInfo.methods.default'),
              cell: (method) =>
                method.isDefault ? <span class="badge">{t('securityInfo.methods.default')}</span> : <None />,
            },
            { label: t('securityInfo.methods.added'), cell: (method) => formatDate(method.createdAt, '—') },
            {
              label: t('securityInfo.methods.lastUsed'),
              cell: (method) => formatDate(method.lastUsedAt, t('common.never')),
            },
          ]}
          actions={(method) => (
            <>
              {method.isDefault ? null : (
                <button
                  type="button"
                  class="secondary small"
                  onClick={() => void setDefault(method)}
                  aria-label={t('securityInfo.methods.setDefaultOf', { name: methodLabel(method) })}
                >
                  {t('securityInfo.methods.setDefault')}
                </button>
              )}
              <button
                type="button"
                class="secondary small"
                onClick={() => {
                  setNotice('');
                  setDialog({ kind: 'delete', method });
                }}
                aria-label={t('securityInfo.methods.deleteOf', { name: methodLabel(method) })}
              >
                {t('common.action.delete')}
              </button>
            </>
          )}
        />
      )}

      <div class="section-head">
        <h2>{t('securityInfo.codes.title')}</h2>
        <button type="button" class="secondary" onClick={() => setDialog({ kind: 'recovery-codes' })}>
          {t('securityInfo.codes.new')}
        </button>
      </div>
      <p class={me.recoveryCodesRemaining <= 3 ? 'notice' : ''}>
        {t(me.recoveryCodesRemaining <= 3 ? 'securityInfo.codes.fewLeft' : 'securityInfo.codes.left', {
          count: me.recoveryCodesRemaining,
        })}
      </p>

      <ChangePasswordSection
        api={api}
        withStepUp={withStepUp}
        currentPasswordRequired={me.currentPasswordRequired}
        onChanged={() => void load().then(() => setNotice(t('passwords.change.done')))}
      />

      <div class="section-head">
        <h2>{t('securityInfo.everywhere.title')}</h2>
        <button type="button" class="secondary" onClick={() => setDialog({ kind: 'sign-out-everywhere' })}>
          {t('securityInfo.everywhere.button')}
        </button>
      </div>
      <p>{t('securityInfo.everywhere.lead')}</p>

      <MessageLanguage api={api} locale={me.user.locale ?? null} guard={guard} />

      <Dialog open={dialog.kind === 'add'} labelledBy="add-title" onClose={() => setDialog({ kind: 'none' })}>
        <AddMethod
          api={api}
          withStepUp={withStepUp}
          onCancel={() => setDialog({ kind: 'none' })}
          onAdded={(name) => {
            setDialog({ kind: 'none' });
            // The notice comes once the table shows the change, so the two never disagree.
            void load().then(() => setNotice(t('securityInfo.add.done', { method: name })));
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
              void load().then(() => setNotice(t('securityInfo.delete.done', { method: name })));
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
  const typeName = methodTypeName(type);
  // A phone or an address is named by itself (masked); only apps take a name (a passkey's form asks).
  const named = !isSentCodeType(type) && type !== 'passkey';

  if (chosen && type === 'passkey') {
    return (
      <PasskeyRegister<unknown>
        headingLevel={2}
        headingId="add-title"
        start={(name) =>
          props.withStepUp(() =>
            props.api.post<PasskeyRegistrationStart>('/me/methods', {
              type,
              ...(name ? { label: name } : {}),
            }),
          )
        }
        confirm={(methodId, credential) =>
          props.withStepUp(() =>
            props.api.post(`/me/methods/${encodeURIComponent(methodId)}/verify`, { credential }),
          )
        }
        onConfirmed={(_, name) => props.onAdded(name)}
        onCancel={props.onCancel}
      />
    );
  }
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
  const hint = newMethodTypes.find((option) => option.type === type)?.hint;
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setChosen(true);
      }}
    >
      <Heading level={2} id="add-title">
        {t('securityInfo.add.title')}
      </Heading>
      <div class="field">
        <label for="method-type">{t('securityInfo.add.which')}</label>
        <select
          id="method-type"
          ref={selectRef}
          value={type}
          onChange={(event) => setType(event.currentTarget.value)}
          aria-describedby="method-type-hint"
        >
          {newMethodTypes.map((option) => (
            <option key={option.type} value={option.type}>
              {methodTypeName(option.type)}
            </option>
          ))}
        </select>
        <p class="hint" id="method-type-hint">
          {hint ? t(hint) : ''}
        </p>
      </div>
      {named ? (
        <TextField
          id="method-label"
          label={t('securityInfo.add.name')}
          value={label}
          onValue={setLabel}
          hint={t('securityInfo.add.nameHint')}
          maxLength={100}
        />
      ) : null}
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onCancel}>
          {t('common.action.cancel')}
        </button>
        <button type="submit">{t('common.action.next')}</button>
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
        {t('securityInfo.delete.title')}
      </Heading>
      <p>{tRich('securityInfo.delete.lead', { strong, method: methodDisplayName(props.method) })}</p>
      <FormError id="delete-error" message={error} />
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onCancel}>
          {t('common.action.cancel')}
        </button>
        <button type="button" class="danger" onClick={() => void remove()} disabled={busy}>
          {busy ? t('common.action.deleting') : t('common.action.delete')}
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
        continueLabel={t('common.action.done')}
        onContinue={props.onDone}
      />
    );
  }
  return (
    <section>
      <Heading level={2} id="codes-title">
        {t('securityInfo.codes.newTitle')}
      </Heading>
      <p>{t('securityInfo.codes.newLead', { count: props.remaining })}</p>
      <FormError id="codes-error" message={error} />
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onDone}>
          {t('common.action.cancel')}
        </button>
        <button type="button" onClick={() => void issue()} disabled={busy}>
          {busy ? t('securityInfo.codes.getting') : t('securityInfo.codes.get')}
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
        {t('securityInfo.everywhere.confirmTitle')}
      </Heading>
      <p>{t('securityInfo.everywhere.confirmLead')}</p>
      <FormError id="everywhere-error" message={error} />
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onCancel}>
          {t('common.action.cancel')}
        </button>
        <button type="button" class="danger" onClick={() => void confirm()} disabled={busy}>
          {t('securityInfo.everywhere.button')}
        </button>
      </div>
    </section>
  );
}
