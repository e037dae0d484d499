import { methodTypeName } from '../shared/methods.js';
import { Badge, CellLabel } from './components.js';
import { formatDateTime, formatDrift, hardwareDetails, isTimeBased, methodStatusName } from './format.js';
import type { AdminMethod } from './types.js';
import { type MethodAction, methodActions } from './user-actions.js';

const actionLabels: Readonly<Record<MethodAction, string>> = {
  activate: 'Activate',
  resync: 'Resync',
  'reset-drift': 'Reset drift',
  delete: 'Delete',
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
          <th scope="col">Method</th>
          <th scope="col">Name</th>
          <th scope="col">Status</th>
          <th scope="col">Added</th>
          <th scope="col">Last used</th>
          <th scope="col">
            <abbr title="Clock drift found at sign-in, in seconds">Drift</abbr>
          </th>
          <th scope="col">Failures</th>
          <th scope="col">
            <span class="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.methods.map((method) => {
          const actions = methodActions(method).filter(props.allowed);
          const hardware = hardwareDetails(method);
          return (
            <tr key={method.id}>
              <td>
                <CellLabel>Method</CellLabel>
                <span>
                  {methodTypeName(method.type)}
                  {hardware ? <span class="hint block">{hardware}</span> : null}
                </span>
              </td>
              <td>
                <CellLabel>Name</CellLabel>
                {method.label || <span class="muted">—</span>}
              </td>
              <td>
                <CellLabel>Status</CellLabel>
                <span class="badges">
                  <Badge tone={statusTone(method.status)}>{methodStatusName(method.status)}</Badge>
                  {method.isDefault ? <Badge>Default</Badge> : null}
                </span>
              </td>
              <td>
                <CellLabel>Added</CellLabel>
                {formatDateTime(method.createdAt)}
              </td>
              <td>
                <CellLabel>Last used</CellLabel>
                {formatDateTime(method.lastUsedAt, 'Never')}
              </td>
              <td>
                <CellLabel>Drift</CellLabel>
                {isTimeBased(method.type) ? (
                  <span title={`${method.driftSteps} time steps`}>{formatDrift(method.driftSeconds)}</span>
                ) : (
                  <span class="muted">—</span>
                )}
              </td>
              <td>
                <CellLabel>Failures</CellLabel>
                {method.failures > 0 ? <strong>{method.failures}</strong> : '0'}
              </td>
              <td class="row-actions">
                {actions.map((action) => (
                  <button
                    key={action}
                    type="button"
                    class="secondary small"
                    aria-label={`${actionLabels[action]}: ${methodTypeName(method.type)}${method.label ? ` (${method.label})` : ''}`}
                    onClick={() => props.onAction(action, method)}
                  >
                    {actionLabels[action]}
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
