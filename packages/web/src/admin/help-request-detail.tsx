/**
 * One help request: who asked, their message and how to reach them, what the troubleshooter found then and
 * finds now, the console's actions for that person (the same dialogs as on the user's page), and Resolve.
 */
import type { HelpRequestView } from '@twofold/api/troubleshoot';
import { useEffect, useState } from 'preact/hooks';
import { type MessageKey, t } from '../i18n/i18n.js';
import { Dialog } from '../shared/components/dialog.js';
import { FormError } from '../shared/components/field.js';
import { Heading } from '../shared/components/layout.js';
import { adminMessage } from './admin-messages.js';
import { CodeDialogBody } from './code-dialog.js';
import { SuccessNotice } from './components.js';
import { ConfirmDialog, type ConfirmSpec } from './confirm-dialog.js';
import type { Console } from './console.js';
import { formatDateTime, methodName } from './format.js';
import { describeHelpFinding } from './help-request-findings.js';
import { PassDialogBody } from './pass-dialog.js';
import { can } from './roles.js';
import { userHash } from './routes.js';
import type { AdminMethod, AdminUserDetails } from './types.js';
import { type ActionContext, failure, methodActionSpec, userActionSpec } from './user-action-specs.js';

type HelpAction = HelpRequestView['actions'][number]['action'] | 'resync';

const actionLabels: Readonly<Record<HelpAction, MessageKey>> = {
  issue_pass: 'helpRequests.action.issue_pass',
  require_reregistration: 'helpRequests.action.require_reregistration',
  unlock: 'helpRequests.action.unlock',
  clear_push_block: 'helpRequests.action.clear_push_block',
  reset_drift: 'helpRequests.action.reset_drift',
  resync: 'helpRequests.action.resync',
};

type DialogState =
  | { readonly kind: 'none' }
  | { readonly kind: 'confirm'; readonly spec: ConfirmSpec }
  | { readonly kind: 'pass' }
  | { readonly kind: 'resync'; readonly method: AdminMethod };

const none: DialogState = { kind: 'none' };

interface Offered {
  readonly action: HelpAction;
  readonly methodId?: string | undefined;
}

/** The server's actions, and beside a drift reset the resync with two codes (the same permission's sibling). */
function offeredActions(request: HelpRequestView, roles: readonly string[]): Offered[] {
  const offered: Offered[] = request.actions.map((a) => ({ action: a.action, methodId: a.methodId }));
  for (const a of request.actions) {
    if (a.action === 'reset_drift' && can(roles, 'methods.resync'))
      offered.push({ action: 'resync', methodId: a.methodId });
  }
  return offered;
}

export function HelpRequestDetail(props: {
  console: Console;
  request: HelpRequestView | undefined;
  backHash: string;
  focus: boolean;
  reload: () => Promise<void>;
  onResolved: (notice: string) => void;
}) {
  const { admin, me } = props.console;
  const { request } = props;
  const [user, setUser] = useState<AdminUserDetails>();
  const [methods, setMethods] = useState<readonly AdminMethod[]>([]);
  const [dialog, setDialog] = useState<DialogState>(none);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<string>();

  async function loadUser(userId: string) {
    const [userResult, methodsResult] = await Promise.all([admin.getUser(userId), admin.listMethods(userId)]);
    if (userResult.ok) setUser(userResult.data);
    else setError(adminMessage(userResult.problem));
    if (methodsResult.ok) setMethods(methodsResult.data.methods);
  }

  useEffect(() => {
    if (request) void loadUser(request.user.id);
  }, [request?.user.id]);

  if (!request) {
    return (
      <section aria-labelledby="help-request-title">
        <p class="back-link">
          <a href={props.backHash}>{t('helpRequests.back')}</a>
        </p>
        <Heading id="help-request-title" focus={props.focus}>
          {t('helpRequests.title')}
        </Heading>
        <p class="empty">{t('helpRequests.detail.notFound')}</p>
      </section>
    );
  }

  const who = request.user.email;
  const close = () => setDialog(none);

  async function finish(message: string) {
    setDialog(none);
    await Promise.all([props.reload(), request ? loadUser(request.user.id) : undefined]);
    setNotice(message);
  }

  function start(offer: Offered) {
    if (!user) return;
    setNotice('');
    const context: ActionContext = {
      admin,
      user,
      finish: (message) => void finish(message),
      leave: (message) => void finish(message),
    };
    const method = methods.find((m) => m.id === offer.methodId);
    switch (offer.action) {
      case 'issue_pass':
        return setDialog({ kind: 'pass' });
      case 'resync':
        return method ? setDialog({ kind: 'resync', method }) : undefined;
      case 'reset_drift': {
        const spec = method ? methodActionSpec('reset-drift', method, context) : undefined;
        return spec ? setDialog({ kind: 'confirm', spec }) : undefined;
      }
      default: {
        const userAction =
          offer.action === 'require_reregistration'
            ? 'reregister'
            : offer.action === 'clear_push_block'
              ? 'clear-push'
              : 'unlock';
        const spec = userActionSpec(userAction, context);
        return spec ? setDialog({ kind: 'confirm', spec }) : undefined;
      }
    }
  }

  const offered = request.status === 'open' ? offeredActions(request, me.roles) : [];

  return (
    <section aria-labelledby="help-request-title">
      <p class="back-link">
        <a href={props.backHash}>{t('helpRequests.back')}</a>
      </p>
      <Heading id="help-request-title" focus={props.focus}>
        {t('helpRequests.detail.title', { who: request.user.displayName || who })}
      </Heading>
      <SuccessNotice message={notice} />
      <dl class="facts">
        <dt>{t('helpRequests.col.user')}</dt>
        <dd>
          <a href={userHash(request.user.id)}>{who}</a>
        </dd>
        <dt>{t('helpRequests.detail.asked')}</dt>
        <dd>{formatDateTime(request.createdAt)}</dd>
        <dt>{t('helpRequests.detail.message')}</dt>
        <dd class="user-text">{request.message ?? t('helpRequests.detail.none')}</dd>
        <dt>{t('helpRequests.detail.contact')}</dt>
        <dd class="user-text">{request.contact ?? t('helpRequests.detail.none')}</dd>
      </dl>

      <h2>{t('helpRequests.detail.atRequest')}</h2>
      <Findings findings={request.findingsAtRequest} />
      {request.diagnosis ? (
        <>
          <h2>{t('helpRequests.detail.now')}</h2>
          <Findings findings={request.diagnosis.findings} now />
        </>
      ) : null}

      {request.status === 'open' ? (
        <>
          <h2 id="help-actions-title">{t('helpRequests.actions')}</h2>
          <FormError id="help-request-error" message={error} />
          {offered.length === 0 ? (
            <p class="hint">{t('helpRequests.actions.none')}</p>
          ) : (
            <fieldset class="toolbar">
              <legend class="visually-hidden">{t('helpRequests.actions')}</legend>
              {offered.map((offer) => (
                <button
                  key={`${offer.action}-${offer.methodId ?? ''}`}
                  type="button"
                  class={offer.action === 'issue_pass' || offer.action === 'unlock' ? undefined : 'secondary'}
                  disabled={!user}
                  onClick={() => start(offer)}
                >
                  {actionLabel(offer, methods)}
                </button>
              ))}
            </fieldset>
          )}
          <ResolveForm
            console={props.console}
            request={request}
            onResolved={() => props.onResolved(t('helpRequests.resolve.done', { who }))}
          />
        </>
      ) : (
        <p class="notice">
          {t('helpRequests.resolved', {
            at: formatDateTime(request.resolvedAt),
            resolution: request.resolution ?? '',
          })}
        </p>
      )}

      <ConfirmDialog
        spec={dialog.kind === 'confirm' ? dialog.spec : undefined}
        onClose={close}
        onDone={close}
      />
      {user ? (
        <Dialog open={dialog.kind === 'pass'} labelledBy="pass-title" onClose={close}>
          {dialog.kind === 'pass' ? (
            <PassDialogBody
              admin={admin}
              user={user}
              onCancel={close}
              onIssued={() => undefined}
              onDone={() => void finish(t('admin.pass.issuedTo', { who }))}
            />
          ) : null}
        </Dialog>
      ) : null}
      <Dialog open={dialog.kind === 'resync'} labelledBy="code-title" onClose={close}>
        {dialog.kind === 'resync' ? (
          <CodeDialogBody
            kind="resync"
            method={dialog.method}
            onCancel={close}
            run={async (codes) =>
              failure(
                await admin.resyncMethod(request.user.id, dialog.method.id, codes[0] ?? '', codes[1] ?? ''),
              )
            }
            onDone={() => void finish(t('admin.code.resynced', { name: methodName(dialog.method) }))}
          />
        ) : null}
      </Dialog>
    </section>
  );
}

function actionLabel(offer: Offered, methods: readonly AdminMethod[]): string {
  const label = t(actionLabels[offer.action]);
  const method = methods.find((m) => m.id === offer.methodId);
  return method ? `${label}: ${methodName(method)}` : label;
}

function Findings(props: { findings: HelpRequestView['findingsAtRequest']; now?: boolean }) {
  if (props.findings.length === 0)
    return <p>{t(props.now ? 'helpRequests.detail.nothingNow' : 'helpRequests.detail.nothing')}</p>;
  return (
    <ul class="findings">
      {props.findings.map((finding, index) => (
        <li key={`${finding.code}-${index}`}>{describeHelpFinding(finding)}</li>
      ))}
    </ul>
  );
}

function ResolveForm(props: { console: Console; request: HelpRequestView; onResolved: () => void }) {
  const [resolution, setResolution] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    if (!resolution.trim()) {
      setFieldError(t('helpRequests.resolve.missing'));
      return;
    }
    setBusy(true);
    setFieldError(undefined);
    setError(undefined);
    const result = await props.console.admin.resolveHelpRequest(props.request.id, resolution.trim());
    setBusy(false);
    if (result.ok) props.onResolved();
    else setError(adminMessage(result.problem));
  }

  return (
    <form onSubmit={submit} noValidate class="resolve-form">
      <div class="field">
        <label for="help-resolution">{t('helpRequests.resolve.label')}</label>
        <textarea
          id="help-resolution"
          name="resolution"
          rows={2}
          maxLength={500}
          value={resolution}
          aria-invalid={fieldError ? 'true' : undefined}
          aria-describedby="help-resolution-hint help-resolution-error"
          onInput={(event) => setResolution(event.currentTarget.value)}
        />
        <p class="hint" id="help-resolution-hint">
          {t('helpRequests.resolve.hint')}
        </p>
        <p class="error" id="help-resolution-error" role="alert">
          {fieldError ?? ''}
        </p>
      </div>
      <FormError id="resolve-error" message={error} />
      <div class="actions actions-start">
        <button type="submit" disabled={busy}>
          {busy ? t('helpRequests.resolve.busy') : t('helpRequests.resolve.submit')}
        </button>
      </div>
    </form>
  );
}
