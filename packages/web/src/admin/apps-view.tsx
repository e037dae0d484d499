import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Problem } from '../shared/api.js';
import { copyText } from '../shared/components/copy-text.js';
import { Dialog } from '../shared/components/dialog.js';
import { FormError, TextField } from '../shared/components/field.js';
import { Heading, useFocusOnMount } from '../shared/components/layout.js';
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
import { Badge, CellLabel, Loading, SuccessNotice } from './components.js';
import { ConfirmDialog, type ConfirmSpec } from './confirm-dialog.js';
import type { Console } from './console.js';
import { formatDateTime } from './format.js';
import { actionBlock, can } from './roles.js';
import type { CreatedOidcClient, OidcClient, OidcClientList } from './types.js';

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
          Applications
        </Heading>
        <p class="notice">Only a global admin can see and register the applications that sign users in.</p>
      </section>
    );
  }

  function askDelete(client: OidcClient) {
    setNotice('');
    setConfirm({
      title: `Delete ${client.name}?`,
      body: (
        <>
          <p>
            <strong>{client.name}</strong> (client ID <code>{client.clientId}</code>) can no longer sign
            anyone in through Twofold.
          </p>
          <ul class="effects">
            <li>Every token Twofold issued to it stops working at once: access and refresh tokens.</li>
            <li>Registering it again gives it a new client ID and secret; its settings must then change.</li>
          </ul>
          <p>This cannot be undone.</p>
        </>
      ),
      confirmLabel: 'Delete application',
      busyLabel: 'Deleting…',
      danger: true,
      reason: 'none',
      run: async () => {
        const result = await admin.deleteOidcClient(client.clientId);
        if (result.ok) {
          setNotice(`Deleted ${client.name}: its tokens no longer work.`);
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
          Applications
        </Heading>
        {manages ? (
          <button
            type="button"
            onClick={() => {
              setNotice('');
              setRegistering(true);
            }}
          >
            + Register application
          </button>
        ) : null}
      </div>
      <p class="lead">
        Apps that sign their users in through Twofold with OpenID Connect: users sign in here, with their
        password and second factor, and the app receives who they are.
      </p>
      <SuccessNotice message={notice} />
      <FormError id="apps-error" message={problem ? adminMessage(problem) : undefined} />
      {list === undefined ? (
        problem ? (
          <button type="button" onClick={() => void load()}>
            Try again
          </button>
        ) : (
          <Loading>Loading applications…</Loading>
        )
      ) : (
        <>
          <section class="provider-panel" aria-labelledby="provider-title">
            <h2 id="provider-title">This organisation's sign-in service</h2>
            <p class="hint provider-hint">
              Give an app the discovery URL (or the issuer): it finds the sign-in, token and key addresses
              there.
            </p>
            <dl class="facts">
              <dt>Issuer</dt>
              <dd>
                <CopyValue id="issuer" label="issuer" value={list.issuer} />
              </dd>
              <dt>Discovery URL</dt>
              <dd>
                <CopyValue id="discovery-url" label="discovery URL" value={list.discoveryUrl} />
              </dd>
            </dl>
          </section>
          {list.clients.length === 0 ? (
            <p class="empty">
              No applications yet.{' '}
              {manages ? 'Register one to let it sign its users in through Twofold.' : ''}
            </p>
          ) : (
            <>
              <p class="muted result-count">
                {list.clients.length} application{list.clients.length === 1 ? '' : 's'}
              </p>
              <table class="methods data-table apps-table" aria-labelledby="apps-title">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Client ID</th>
                    <th scope="col">Type</th>
                    <th scope="col">Redirect URIs</th>
                    <th scope="col">Created</th>
                    {manages ? (
                      <th scope="col">
                        <span class="visually-hidden">Actions</span>
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {list.clients.map((client) => (
                    <AppRow
                      key={client.clientId}
                      client={client}
                      onDelete={manages ? () => askDelete(client) : undefined}
                    />
                  ))}
                </tbody>
              </table>
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

function AppRow(props: { client: OidcClient; onDelete: (() => void) | undefined }) {
  const { client } = props;
  return (
    <tr>
      <td class="wrap">
        <CellLabel>Name</CellLabel>
        <strong>{client.name}</strong>
      </td>
      <td class="wrap">
        <CellLabel>Client ID</CellLabel>
        <span class="mono client-id">{client.clientId}</span>
      </td>
      <td>
        <CellLabel>Type</CellLabel>
        <span>
          {client.confidential ? (
            <Badge tone="neutral">Confidential</Badge>
          ) : (
            <Badge tone="warning">Public (PKCE)</Badge>
          )}
          <span class="app-party">{client.firstParty ? 'First-party' : 'Third-party'}</span>
          <span class="hint block">{client.firstParty ? 'No consent screen' : 'Asks users for consent'}</span>
        </span>
      </td>
      <td class="wrap">
        <CellLabel>Redirect URIs</CellLabel>
        <span>
          <UriList uris={client.redirectUris} />
          {client.postLogoutRedirectUris.length > 0 ? (
            <>
              <span class="hint block">After sign-out:</span>
              <UriList uris={client.postLogoutRedirectUris} />
            </>
          ) : null}
        </span>
      </td>
      <td class="app-created">
        <CellLabel>Created</CellLabel>
        {formatDateTime(client.createdAt)}
      </td>
      {props.onDelete ? (
        <td class="row-actions">
          <button
            type="button"
            class="secondary small"
            aria-label={`Delete ${client.name}`}
            onClick={props.onDelete}
          >
            Delete
          </button>
        </td>
      ) : null}
    </tr>
  );
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

/** A value to paste elsewhere (issuer, client ID, secret), with Copy and a line saying whether it worked. */
function CopyValue(props: { id: string; label: string; value: string; secret?: boolean }) {
  const [status, setStatus] = useState('');
  async function copy() {
    const copied = await copyText(props.value);
    setStatus(
      copied ? `Copied the ${props.label}.` : `Couldn't copy: select the ${props.label} and copy it.`,
    );
  }
  return (
    <>
      <span class={`copy-value${props.secret ? ' copy-secret' : ''}`}>
        <code id={props.id} data-testid={props.id}>
          {props.value}
        </code>
        <button
          type="button"
          class="secondary small"
          aria-label={`Copy ${props.label}`}
          onClick={() => void copy()}
        >
          Copy
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
  const refs: Record<AppField, RefObject<HTMLInputElement | HTMLTextAreaElement>> = {
    name: nameRef,
    redirectUris: redirectRef,
    postLogoutRedirectUris: logoutRef,
  };
  const update = (change: Partial<AppDraft>) => setDraft((current) => ({ ...current, ...change }));

  function showErrors(found: AppFieldErrors) {
    setErrors(found);
    const first = (['name', 'redirectUris', 'postLogoutRedirectUris'] as const).find((field) => found[field]);
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
        Register application
      </Heading>
      <TextField
        id="app-name"
        label="Name"
        value={draft.name}
        onValue={(name) => update({ name })}
        error={errors.name?.join(' ')}
        hint="Users see it on the consent and sign-out pages, like “Payroll”."
        autoComplete="off"
        maxLength={100}
        inputRef={nameRef}
      />
      <UriField
        id="app-redirect-uris"
        label="Redirect URIs"
        hint={`One a line, up to ${maxUris}; matched exactly. Use https (http only for localhost), without # or wildcards.`}
        value={draft.redirectUris}
        onValue={(redirectUris) => update({ redirectUris })}
        errors={errors.redirectUris}
        textareaRef={redirectRef}
      />
      <UriField
        id="app-logout-uris"
        label="Post-logout redirect URIs (optional)"
        hint="Where the app may send users after they sign out; one a line."
        value={draft.postLogoutRedirectUris}
        onValue={(postLogoutRedirectUris) => update({ postLogoutRedirectUris })}
        errors={errors.postLogoutRedirectUris}
        textareaRef={logoutRef}
      />
      <fieldset class="radio-group">
        <legend>Type</legend>
        <label class="checkbox">
          <input
            type="radio"
            name="app-type"
            checked={draft.confidential}
            onChange={() => update({ confidential: true })}
          />
          <span>
            Confidential
            <span class="hint block">
              A server-side app that can keep a secret. It gets a client secret, shown once.
            </span>
          </span>
        </label>
        <label class="checkbox">
          <input
            type="radio"
            name="app-type"
            checked={!draft.confidential}
            onChange={() => update({ confidential: false })}
          />
          <span>
            Public
            <span class="hint block">
              A single-page or mobile app that cannot keep a secret. No secret; it must use PKCE (S256).
            </span>
          </span>
        </label>
      </fieldset>
      <label class="checkbox consent-choice">
        <input
          type="checkbox"
          name="app-consent"
          checked={draft.asksConsent}
          onChange={(event) => update({ asksConsent: event.currentTarget.checked })}
        />
        <span>
          Asks users for consent (third-party)
          <span class="hint block">
            Leave it unticked for your organisation's own apps. Tick it for an app made by someone else: users
            see what it asks for and agree before it gets their details.
          </span>
        </span>
      </label>
      <FormError id="register-error" message={error} />
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={busy}>
          {busy ? 'Registering…' : 'Register application'}
        </button>
      </div>
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
        Application registered
      </Heading>
      <p>
        <strong>{client.name}</strong> can now sign users in through Twofold. Put these values in its OpenID
        Connect settings.
      </p>
      {clientSecret ? (
        <p class="notice notice-warning secret-note">
          <strong>Copy the client secret now: it is not shown again.</strong> Twofold keeps only a hash of it.
          If it is lost, delete the application and register it again.
        </p>
      ) : (
        <p class="notice">
          A public client has no secret: the app must use PKCE with S256 when it signs users in.
        </p>
      )}
      <dl class="facts">
        <dt>Client ID</dt>
        <dd>
          <CopyValue id="client-id" label="client ID" value={client.clientId} />
        </dd>
        {clientSecret ? (
          <>
            <dt>Client secret</dt>
            <dd>
              <CopyValue id="client-secret" label="client secret" value={clientSecret} secret />
            </dd>
          </>
        ) : null}
        <dt>Discovery URL</dt>
        <dd>
          <CopyValue id="created-discovery-url" label="discovery URL" value={discoveryUrl} />
        </dd>
        <dt>Redirect URIs</dt>
        <dd>
          <UriList uris={client.redirectUris} />
        </dd>
      </dl>
      <div class="actions">
        <button type="button" ref={doneRef} onClick={props.onDone}>
          {clientSecret ? 'I have copied the secret' : 'Done'}
        </button>
      </div>
    </section>
  );
}
