import { type MessageKey, t } from '../i18n/i18n.js';
import { DataTable, None } from '../shared/components/data-table.js';
import { passkeyKind } from '../shared/components/passkey-details.js';
import { methodDisplayName, methodLabel, methodTypeName } from '../shared/methods.js';
import { Badge } from './components.js';
import { formatDateTime, formatDrift, hardwareDetails, isTimeBased, methodStatusName } from './format.js';
import type { AdminMethod } from './types.js';
import { type MethodAction, methodActions } from './user-actions.js';

const actionLabels: Readonly<Record<MethodAction, MessageKey>> = {
  activate: 'admin.methodAction.activate',
  resync: 'admin.methodAction.resync',
  'reset-drift': 'admin.methodAction.resetDrift',
  delete: 'common.action.delete',
};

function statusTone(status: string) {
  return status === 'active' ? 'success' : status === 'pending' ? 'warning' : 'danger';
}

/** The user's authentication methods, with what a helpdesk needs to see and the actions allowed. */
export function MethodsTable(props: {
  methods: readonly AdminMethod[];
  allowed: (action: MethodAction) => boolean;
  onAction: (action: MethodAction, method: AdminMethod) => void;
}) {
  return (
    <DataTable<AdminMethod>
      items={props.methods}
      class="admin-methods"
      labelledBy="methods-title"
      columns={[
        {
          label: t('admin.methods.method'),
          cell: (method) => {
            const hardware = method.type === 'passkey' ? '' : hardwareDetails(method);
            return (
              <span>
                {methodTypeName(method.type)}
                {hardware ? <span class="hint block">{hardware}</span> : null}
                {passkeyKind(method) ? <span class="hint block">{passkeyKind(method)}</span> : null}
              </span>
            );
          },
        },
        {
          label: t('admin.methods.name'),
          cell: (method) => (method.label.trim() ? methodLabel(method) : <None />),
        },
        {
          label: t('admin.methods.status'),
          cell: (method) => (
            <span class="badges">
              <Badge tone={statusTone(method.status)}>{methodStatusName(method.status)}</Badge>
              {method.isDefault ? <Badge>{t('admin.methods.default')}</Badge> : null}
            </span>
          ),
        },
        { label: t('admin.methods.added'), cell: (method) => formatDateTime(method.createdAt) },
        {
          label: t('admin.methods.lastUsed'),
          cell: (method) => formatDateTime(method.lastUsedAt, t('common.never')),
        },
        {
          label: t('admin.methods.drift'),
          header: <abbr title={t('admin.methods.driftTitle')}>{t('admin.methods.drift')}</abbr>,
          cell: (method) =>
            isTimeBased(method.type) ? (
              <span title={t('admin.methods.driftSteps', { count: method.driftSteps })}>
                {formatDrift(method.driftSeconds)}
              </span>
            ) : (
              <None />
            ),
        },
        {
          label: t('admin.methods.failures'),
          cell: (method) => (method.failures > 0 ? <strong>{method.failures}</strong> : '0'),
        },
      ]}
      actions={(method) =>
        methodActions(method)
          .filter(props.allowed)
          .map((action) => (
            <button
              key={action}
              type="button"
              class="secondary small"
              aria-label={t('admin.methods.actionOn', {
                action: t(actionLabels[action]),
                method: methodDisplayName(method),
              })}
              onClick={() => props.onAction(action, method)}
            >
              {t(actionLabels[action])}
            </button>
          ))
      }
    />
  );
}
