import { type MessageKey, t } from '../i18n/i18n.js';
import { passkeyKind } from '../shared/components/passkey-details.js';
import { methodDisplayName, methodLabel, methodTypeName } from '../shared/methods.js';
import { Badge, CellLabel } from './components.js';
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
    <table class="methods data-table admin-methods" aria-labelledby="methods-title">
      <thead>
        <tr>
          <th scope="col">{t('admin.methods.method')}</th>
          <th scope="col">{t('admin.methods.name')}</th>
          <th scope="col">{t('admin.methods.status')}</th>
          <th scope="col">{t('admin.methods.added')}</th>
          <th scope="col">{t('admin.methods.lastUsed')}</th>
          <th scope="col">
            <abbr title={t('admin.methods.driftTitle')}>{t('admin.methods.drift')}</abbr>
          </th>
          <th scope="col">{t('admin.methods.failures')}</th>
          <th scope="col">
            <span class="visually-hidden">{t('common.table.actions')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.methods.map((method) => {
          const actions = methodActions(method).filter(props.allowed);
          const hardware = method.type === 'passkey' ? '' : hardwareDetails(method);
          return (
            <tr key={method.id}>
              <td>
                <CellLabel>{t('admin.methods.method')}</CellLabel>
                <span>
                  {methodTypeName(method.type)}
                  {hardware ? <span class="hint block">{hardware}</span> : null}
                  {passkeyKind(method) ? <span class="hint block">{passkeyKind(method)}</span> : null}
                </span>
              </td>
              <td>
                <CellLabel>{t('admin.methods.name')}</CellLabel>
                {method.label.trim() ? methodLabel(method) : <span class="muted">—</span>}
              </td>
              <td>
                <CellLabel>{t('admin.methods.status')}</CellLabel>
                <span class="badges">
                  <Badge tone={statusTone(method.status)}>{methodStatusName(method.status)}</Badge>
                  {method.isDefault ? <Badge>{t('admin.methods.default')}</Badge> : null}
                </span>
              </td>
              <td>
                <CellLabel>{t('admin.methods.added')}</CellLabel>
                {formatDateTime(method.createdAt)}
              </td>
              <td>
                <CellLabel>{t('admin.methods.lastUsed')}</CellLabel>
                {formatDateTime(method.lastUsedAt, t('common.never'))}
              </td>
              <td>
                <CellLabel>{t('admin.methods.drift')}</CellLabel>
                {isTimeBased(method.type) ? (
                  <span title={t('admin.methods.driftSteps', { count: method.driftSteps })}>
                    {formatDrift(method.driftSeconds)}
                  </span>
                ) : (
                  <span class="muted">—</span>
                )}
              </td>
              <td>
                <CellLabel>{t('admin.methods.failures')}</CellLabel>
                {method.failures > 0 ? <strong>{method.failures}</strong> : '0'}
              </td>
              <td class="row-actions">
                {actions.map((action) => (
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
                ))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
