import type { ComponentChildren, RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, tRich } from '../i18n/i18n.js';
import type { Problem } from '../shared/api.js';
import { copyText } from '../shared/components/copy-text.js';
import { type Column, DataTable } from '../shared/components/data-table.js';
import { Dialog } from '../shared/components/dialog.js';
import { FormError, TextField } from '../shared/components/field.js';
import { Heading, useFocusOnMount } from '../shared/components/layout.js';
import { CancelSubmit } from '../shared/components/step-actions.js';
import type { AdminApi } from './admin-api.js';
import { adminMessage } from './admin-messages.js';
import {
  type AppDraft,
  type AppField,
  type AppFieldErrors,
  appServerErrors,
  checkDraft,
  emptyDraft,
  maxUris,
} from './apps-form.js';
import { Badge, Loading, SuccessNotice } from './components.js';
import { ConfirmDialog, type ConfirmSpec } from './confirm-dialog.js';
import type { Console } from './console.js';
import { formatDateTime } from './format.js';
import { actionBlock, can } from './roles.js';
import type { CreatedOidcClient, OidcClient, OidcClientList } from './types.js';

const strong = (chunks: ComponentChildren[]) => <strong>{chunks}</strong>;
const code = (chunks: ComponentChildren[]) => <code>{chunks}</code>;

/**
 * Applications: the apps that sign their users in through this tenant with OpenID Connect. The tenant's
 * issuer and discovery URL, the registered apps, registering one (its secret shown once) and deleting one.
 */
export function AppsView(props: { console: Console; focus: boolean }) {
  const { admin, me } = props.console;
  const blocked = actionBlock(me.roles, 'oidc_clients.read');
  const manages = can(me.roles, 'oidc_clients.manage');
  const [list, setList] = useState<OidcClientList>();
  const [problem, setProblem] = useState<Problem>();
  const [registering, setRegistering] = useState(false);
  const [confirm, setConfirm] = useState<ConfirmSpec>();
  const [notice, setNotice] = useState('');

  async function load() {
    const result = await admin.listOidcClients();
    if (result.ok) {
      setList(result.data);
      setProblem(undefined);
    } else setProblem(result.problem);
  }

  useEffect(() => {
    if (!blocked) void load();
  }, []);

  if (blocked) {
    return (
      <section aria-labelledby="apps-title">
        <Heading id="apps-title" focus={props.focus}>
          {t('admin.apps.title')}
        </Heading>
        <p class="notice">{t('admin.apps.blocked')}</p>
      </section>
    );
  }

  function askDelete(client: OidcClient) {
    setNotice('');
    setConfirm({
      title: t('admin.apps.delete.title', { app: client.name }),
      body: (
        <>
          <p>{tRich('admin.apps.delete.body', { strong, code, app: client.name, id: client.clientId })}</p>
          <ul class="effects">
            <li>{t('admin.apps.delete.tokens')}</li>
            <li>{t('admin.apps.delete.again')}</li>
          </ul>
          <p>{t('admin.apps.delete.final')}</p>
        </>
      ),
      confirmLabel: t('admin.apps.delete.confirm'),
      busyLabel: t('common.action.deleting'),
      danger: true,
      reason: 'none',
      run: async () => {
        const result = await admin.deleteOidcClient(client.clientId);
        if (result.ok) {
          setNotice(t('admin.apps.delete.done', { app: client.name }));
          return undefined;
        }
        return result.problem;
      },
    });
  }

  return (
    <section aria-labelledby="apps-title">
      <div class="section-head section-head-top">
        <Heading id="apps-title" focus={props.focus}>
          {t('admin.apps.title')}
        </Heading>
        {manages ? (
          <button
            type="button"
            onClick={() => {
              setNotice('');
              setRegistering(true);
            }}
          >
            {t('admin.apps.registerButton')}
          </button>
        ) : null}
      </div>
      <p class="lead">{t('admin.apps.lead')}</p>
      <SuccessNotice message={notice} />
      <FormError id="apps-error" message={problem ? adminMessage(problem) : undefined} />
      {list === undefined ? (
        problem ? (
          <button type="button" onClick={() => void load()}>
            {t('common.action.tryAgain')}
          </button>
        ) : (
          <Loading>{t('admin.apps.loading')}</Loading>
        )
      ) : (
        <>
          <section class="provider-panel" aria-labelledby="provider-title">
            <h2 id="provider-title">{t('admin.apps.provider.title')}</h2>
            <p class="hint provider-hint">{t('admin.apps.provider.hint')}</p>
            <dl class="facts">
              <dt>{t('admin.apps.value.issuer')}</dt>
              <dd>
                <CopyValue id="issuer" value="issuer" text={list.issuer} />
              </dd>
              <dt>{t('admin.apps.value.discoveryUrl')}</dt>
              <dd>
                <CopyValue id="discovery-url" value="discoveryUrl" text={list.discoveryUrl} />
              </dd>
            </dl>
          </section>
          {list.clients.length === 0 ? (
            <p class="empty">{t(manages ? 'admin.apps.noneManage' : 'admin.apps.none')}</p>
          ) : (
            <>
              <p class="muted result-count">{t('admin.apps.count', { count: list.clients.length })}</p>
              <DataTable<OidcClient>
                items={list.clients}
                rowKey={(client) => client.clientId}
                columns={appColumns()}
                actions={
                  manages
                    ? (client) => (
                        <button
                          type="button"
                          class="secondary small"
                          aria-label={t('admin.apps.deleteOf', { app: client.name })}
                          onClick={() => askDelete(client)}
                        >
                          {t('common.action.delete')}
                        </button>
                      )
                    : undefined
                }
                class="apps-table"
                labelledBy="apps-title"
              />
            </>
          )}
        </>
      )}
      <Dialog open={registering} labelledBy="register-title" onClose={() => setRegistering(false)}>
        <RegisterApp
          admin={admin}
          onCancel={() => setRegistering(false)}
          onCreated={() => void load()}
          onDone={() => setRegistering(false)}
        />
      </Dialog>
      <ConfirmDialog
        spec={confirm}
        onClose={() => setConfirm(undefined)}
        onDone={() => {
          setConfirm(undefined);
          void load();
        }}
      />
    </section>
  );
}

/** The applications table's columns. */
function appColumns(): Column<OidcClient>[] {
  return [
    { label: t('admin.apps.name'), class: 'wrap', cell: (client) => <strong>{client.name}</strong> },
    {
      label: t('admin.apps.value.clientId'),
      class: 'wrap',
      cell: (client) => <span class="mono client-id">{client.clientId}</span>,
    },
    {
      label: t('admin.apps.type'),
      cell: (client) => (
        <span>
          {client.service ? (
            <Badge tone="neutral">{t('admin.apps.service')}</Badge>
          ) : client.confidential ? (
            <Badge tone="neutral">{t('admin.apps.confidential')}</Badge>
          ) : (
            <Badge tone="warning">{t('admin.apps.publicPkce')}</Badge>
          )}
          <span class="app-party">
            {t(client.firstParty ? 'admin.apps.firstParty' : 'admin.apps.thirdParty')}
          </span>
          <span class="hint block">
            {t(client.firstParty ? 'admin.apps.noConsent' : 'admin.apps.asksConsent')}
          </span>
        </span>
      ),
    },
    {
      label: t('admin.apps.redirectUris'),
      class: 'wrap',
      cell: (client) => (
        <span>
          <UriList uris={client.redirectUris} />
          {client.postLogoutRedirectUris.length > 0 ? (
            <>
              <span class="hint block">{t('admin.apps.afterSignOut')}</span>
              <UriList uris={client.postLogoutRedirectUris} />
            </>
          ) : null}
          {client.backchannelLogoutUri ? (
            <>
              <span class="hint block">{t('admin.apps.backchannel')}</span>
              <UriList uris={[client.backchannelLogoutUri]} />
            </>
          ) : null}
        </span>
      ),
    },
    {
      label: t('admin.apps.createdAt'),
      class: 'app-created',
      cell: (client) => formatDateTime(client.createdAt),
    },
  ];
}

function UriList(props: { uris: readonly string[] }) {
  return (
    <ul class="uri-list">
      {props.uris.map((uri) => (
        <li key={uri} class="mono">
          {uri}
        </li>
      ))}
    </ul>
  );
}

/** The values an app's settings take from here, named (by a select) in the Copy button and its status line. */
type CopiedValue = 'issuer' | 'discoveryUrl' | 'clientId' | 'clientSecret';

/** A value to paste elsewhere (issuer, client ID, secret), with Copy and a line saying whether it worked. */
function CopyValue(props: { id: string; value: CopiedValue; text: string; secret?: boolean }) {
  const [status, setStatus] = useState('');
  const { value } = props;
  async function copy() {
    const copied = await copyText(props.text);
    setStatus(t(copied ? 'admin.apps.copied' : 'admin.apps.copyFailed', { value }));
  }
  return (
    <>
      <span class={`copy-value${props.secret ? ' copy-secret' : ''}`}>
        <code id={props.id} data-testid={props.id}>
          {props.text}
        </code>
        <button
          type="button"
          class="secondary small"
          aria-label={t('admin.apps.copyValue', { value })}
          onClick={() => void copy()}
        >
          {t('common.action.copy')}
        </button>
      </span>
      <span class="status block" role="status">
        {status}
      </span>
    </>
  );
}

/** "Register application": the form, then what was registered with its secret, shown this once. */
function RegisterApp(props: {
  admin: AdminApi;
  onCancel: () => void;
  onCreated: () => void;
  onDone: () => void;
}) {
  const [draft, setDraft] = useState<AppDraft>(emptyDraft);
  const [errors, setErrors] = useState<AppFieldErrors>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedOidcClient>();
  const nameRef = useFocusOnMount<HTMLInputElement>();
  const redirectRef = useRef<HTMLTextAreaElement>(null);
  const logoutRef = useRef<HTMLTextAreaElement>(null);
  const backchannelRef = useRef<HTMLInputElement>(null);
  const refs: Record<AppField, RefObject<HTMLInputElement | HTMLTextAreaElement>> = {
    name: nameRef,
    redirectUris: redirectRef,
    postLogoutRedirectUris: logoutRef,
    backchannelLogoutUri: backchannelRef,
  };
  const service = draft.service === true;
  const update = (change: Partial<AppDraft>) => setDraft((current) => ({ ...current, ...change }));

  function showErrors(found: AppFieldErrors) {
    setErrors(found);
    const first = (['name', 'redirectUris', 'postLogoutRedirectUris', 'backchannelLogoutUri'] as const).find(
      (field) => found[field],
    );
    if (first) refs[first].current?.focus();
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    setError(undefined);
    const checked = checkDraft(draft);
    if (!checked.ok) {
      showErrors(checked.errors);
      return;
    }
    showErrors({});
    setBusy(true);
    const result = await props.admin.createOidcClient(checked.app);
    setBusy(false);
    if (result.ok) {
      setCreated(result.data);
      props.onCreated();
      return;
    }
    const server = appServerErrors(result.problem, checked.lines);
    if (Object.keys(server.fields).length === 0 && server.general.length === 0)
      setError(adminMessage(result.problem));
    else {
      showErrors(server.fields);
      setError(server.general.length > 0 ? server.general.join(' ') : undefined);
    }
  }

  if (created) return <CreatedApp created={created} onDone={props.onDone} />;

  return (
    <form onSubmit={submit} noValidate class="register-app">
      <Heading level={2} id="register-title">
        {t('admin.apps.register.title')}
      </Heading>
      <TextField
        id="app-name"
        label={t('admin.apps.name')}
        value={draft.name}
        onValue={(name) => update({ name })}
        error={errors.name?.join(' ')}
        hint={t('admin.apps.register.nameHint')}
        autoComplete="off"
        maxLength={100}
        inputRef={nameRef}
      />
      {service ? null : (
        <>
          <UriField
            id="app-redirect-uris"
            label={t('admin.apps.redirectUris')}
            hint={t('admin.apps.register.redirectHint', { max: maxUris })}
            value={draft.redirectUris}
            onValue={(redirectUris) => update({ redirectUris })}
            errors={errors.redirectUris}
            textareaRef={redirectRef}
          />
          <UriField
            id="app-logout-uris"
            label={t('admin.apps.register.logoutUris')}
            hint={t('admin.apps.register.logoutHint')}
            value={draft.postLogoutRedirectUris}
            onValue={(postLogoutRedirectUris) => update({ postLogoutRedirectUris })}
            errors={errors.postLogoutRedirectUris}
            textareaRef={logoutRef}
          />
          <TextField
            id="app-backchannel-logout-uri"
            label={t('admin.apps.register.backchannel')}
            value={draft.backchannelLogoutUri ?? ''}
            onValue={(backchannelLogoutUri) => update({ backchannelLogoutUri })}
            error={errors.backchannelLogoutUri?.join(' ')}
            hint={t('admin.apps.register.backchannelHint')}
            autoComplete="off"
            spellcheck={false}
            autoCapitalize="off"
            className="mono"
            maxLength={2000}
            inputRef={backchannelRef}
          />
        </>
      )}
      <fieldset class="radio-group">
        <legend>{t('admin.apps.type')}</legend>
        {(
          [
            {
              key: 'confidential',
              confidential: true,
              service: false,
              label: t('admin.apps.confidential'),
              hint: t('admin.apps.register.confidentialHint'),
            },
            {
              key: 'public',
              confidential: false,
              service: false,
              label: t('admin.apps.register.public'),
              hint: t('admin.apps.register.publicHint'),
            },
            {
              key: 'service',
              confidential: true,
              service: true,
              label: t('admin.apps.service'),
              hint: t('admin.apps.register.serviceHint'),
            },
          ] as const
        ).map((type) => (
          <label key={type.key} class="checkbox">
            <input
              type="radio"
              name="app-type"
              checked={type.service ? service : !service && draft.confidential === type.confidential}
              onChange={() => update({ confidential: type.confidential, service: type.service })}
            />
            <span>
              {type.label}
              <span class="hint block">{type.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <label class="checkbox consent-choice">
        <input
          type="checkbox"
          name="app-consent"
          checked={draft.asksConsent}
          onChange={(event) => update({ asksConsent: event.currentTarget.checked })}
        />
        <span>
          {t('admin.apps.register.consent')}
          <span class="hint block">{t('admin.apps.register.consentHint')}</span>
        </span>
      </label>
      <FormError id="register-error" message={error} />
      <CancelSubmit
        onCancel={props.onCancel}
        busy={busy}
        label={t('admin.apps.register.title')}
        busyLabel={t('admin.apps.register.busy')}
      />
    </form>
  );
}

/** A textarea of URIs, one a line, with its hint and the errors about its lines. */
function UriField(props: {
  id: string;
  label: string;
  hint: string;
  value: string;
  onValue: (value: string) => void;
  errors: readonly string[] | undefined;
  textareaRef: RefObject<HTMLTextAreaElement>;
}) {
  const invalid = props.errors !== undefined && props.errors.length > 0;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <textarea
        id={props.id}
        name={props.id}
        ref={props.textareaRef}
        rows={3}
        value={props.value}
        spellcheck={false}
        autoCapitalize="off"
        class="mono"
        placeholder="https://app.example.com/callback"
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={`${props.id}-hint ${props.id}-error`}
        onInput={(event) => props.onValue(event.currentTarget.value)}
      />
      <p class="hint" id={`${props.id}-hint`}>
        {props.hint}
      </p>
      <p class="error" id={`${props.id}-error`} role="alert">
        {invalid
          ? props.errors?.map((message) => (
              <span class="block" key={message}>
                {message}
              </span>
            ))
          : ''}
      </p>
    </div>
  );
}

/** What was registered: the values for the app's settings, and its secret this one time. */
function CreatedApp(props: { created: CreatedOidcClient; onDone: () => void }) {
  const { client, clientSecret, discoveryUrl } = props.created;
  const doneRef = useFocusOnMount<HTMLButtonElement>();
  return (
    <section aria-labelledby="register-title" class="created-app">
      <Heading level={2} id="register-title">
        {t('admin.apps.created.title')}
      </Heading>
      <p>{tRich('admin.apps.created.lead', { strong, app: client.name })}</p>
      {clientSecret ? (
        <p class="notice notice-warning secret-note">{tRich('admin.apps.created.secretNote', { strong })}</p>
      ) : (
        <p class="notice">{t('admin.apps.created.noSecret')}</p>
      )}
      {client.service ? <p class="notice">{t('admin.apps.created.service')}</p> : null}
      <dl class="facts">
        <dt>{t('admin.apps.value.clientId')}</dt>
        <dd>
          <CopyValue id="client-id" value="clientId" text={client.clientId} />
        </dd>
        {clientSecret ? (
          <>
            <dt>{t('admin.apps.value.clientSecret')}</dt>
            <dd>
              <CopyValue id="client-secret" value="clientSecret" text={clientSecret} secret />
            </dd>
          </>
        ) : null}
        <dt>{t('admin.apps.value.discoveryUrl')}</dt>
        <dd>
          <CopyValue id="created-discovery-url" value="discoveryUrl" text={discoveryUrl} />
        </dd>
        <dt>{t('admin.apps.redirectUris')}</dt>
        <dd>
          <UriList uris={client.redirectUris} />
        </dd>
      </dl>
      <div class="actions">
        <button type="button" ref={doneRef} onClick={props.onDone}>
          {t(clientSecret ? 'admin.apps.created.copiedSecret' : 'common.action.done')}
        </button>
      </div>
    </section>
  );
}
