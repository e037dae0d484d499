import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type MessageKey, t } from '../i18n/i18n.js';
import { type Column, DataTable, None } from '../shared/components/data-table.js';
import { TextField } from '../shared/components/field.js';
import { Heading } from '../shared/components/layout.js';
import type { AuditFilter } from './admin-api.js';
import { DateField, ExportLinks } from './components.js';
import type { Console } from './console.js';
import { FilterForm } from './filter-form.js';
import { dayBoundary, formatDateTime } from './format.js';
import { PagedResults } from './paged-results.js';
import { actionBlock } from './roles.js';
import { formatRoute, userHash } from './routes.js';
import type { AuditEvent } from './types.js';
import { usePaged } from './use-paged.js';
import { useUserNames } from './use-user-names.js';

interface Filters {
  readonly action: string;
  readonly actorId: string;
  readonly targetId: string;
  readonly from: string;
  readonly to: string;
}

const emptyFilters: Filters = { action: '', actorId: '', targetId: '', from: '', to: '' };

function filtersFrom(params: Readonly<Record<string, string>>): Filters {
  return {
    action: params['action'] ?? '',
    actorId: params['actorId'] ?? '',
    targetId: params['targetId'] ?? '',
    from: params['from'] ?? '',
    to: params['to'] ?? '',
  };
}

const actorTypeNames: Readonly<Record<string, MessageKey>> = {
  user: 'admin.audit.actor.user',
  api_key: 'admin.audit.actor.api_key',
  operator: 'admin.audit.actor.operator',
  system: 'admin.audit.actor.system',
};

function actorTypeName(type: string): string {
  const key = actorTypeNames[type];
  return key ? t(key) : type;
}

/** The audit log: who did what to whom, why and from where, filtered, page by page, exportable. */
export function AuditView(props: {
  console: Console;
  params: Readonly<Record<string, string>>;
  focus: boolean;
}) {
  const { admin, me, navigate } = props.console;
  const blocked = actionBlock(me.roles, 'audit.read');
  const applied = filtersFrom(props.params);
  const appliedKey = JSON.stringify(applied);
  const [draft, setDraft] = useState<Filters>(applied);
  useEffect(() => setDraft(applied), [appliedKey]);

  const filter: AuditFilter = {
    action: applied.action.trim() || undefined,
    actorId: applied.actorId.trim() || undefined,
    targetId: applied.targetId.trim() || undefined,
    from: dayBoundary(applied.from, 'start'),
    to: dayBoundary(applied.to, 'end'),
  };
  const page = usePaged<AuditEvent>(
    (cursor) =>
      blocked
        ? Promise.resolve({ ok: true, data: { events: [], nextCursor: null } })
        : admin.audit(filter, cursor),
    JSON.stringify(filter),
  );
  const userIds = (page.items ?? []).flatMap((event) => [
    ...(event.actorType === 'user' && event.actorId && event.actorId !== me.id ? [event.actorId] : []),
    ...(event.targetType === 'user' && event.targetId && event.targetId !== me.id ? [event.targetId] : []),
  ]);
  const names = useUserNames(admin, userIds);
  const nameOf = (id: string) =>
    id === me.id ? t('admin.audit.you', { email: me.email }) : (names.get(id) ?? id);

  if (blocked) {
    return (
      <section aria-labelledby="audit-title">
        <Heading id="audit-title" focus={props.focus}>
          {t('admin.audit.title')}
        </Heading>
        <p class="notice">{t('admin.audit.blocked', { why: blocked })}</p>
      </section>
    );
  }

  function apply(next: Filters) {
    navigate(formatRoute({ view: 'audit', params: { ...next } }));
  }
  const set = (field: keyof Filters) => (value: string) => setDraft({ ...draft, [field]: value });
  const filtered = Object.values(applied).some((v) => v !== '');
  const columns: readonly Column<AuditEvent>[] = [
    { label: t('admin.log.time'), cell: (event) => formatDateTime(event.at) },
    {
      label: t('admin.audit.who'),
      class: 'wrap',
      cell: (event) =>
        event.actorType === 'user' && event.actorId ? (
          <a href={userHash(event.actorId)}>{nameOf(event.actorId)}</a>
        ) : (
          <span>
            {actorTypeName(event.actorType)}
            {event.actorId ? <span class="hint block mono">{event.actorId}</span> : null}
          </span>
        ),
    },
    { label: t('admin.audit.action'), cell: (event) => <ActionCell event={event} /> },
    {
      label: t('admin.audit.target'),
      class: 'wrap',
      cell: (event) =>
        event.targetType === 'user' && event.targetId ? (
          <a href={userHash(event.targetId)}>{nameOf(event.targetId)}</a>
        ) : event.targetId ? (
          <span>
            {event.targetType ?? ''} <span class="mono">{event.targetId}</span>
          </span>
        ) : (
          <None />
        ),
    },
    { label: t('admin.log.reason'), class: 'wrap', cell: (event) => event.reason ?? <None /> },
    { label: t('admin.log.ip'), cell: (event) => event.ip ?? <None /> },
  ];
  const knownActions = [...new Set((page.items ?? []).map((event) => event.action))].sort();

  return (
    <section aria-labelledby="audit-title">
      <Heading id="audit-title" focus={props.focus}>
        {t('admin.audit.title')}
      </Heading>
      <p class="lead">{t('admin.audit.lead')}</p>
      <FilterForm
        label={t('admin.audit.filter')}
        filtered={filtered}
        onApply={() => apply(draft)}
        onClear={() => apply(emptyFilters)}
      >
        <div class="field">
          <label for="filter-action">{t('admin.audit.action')}</label>
          <input
            id="filter-action"
            name="action"
            type="text"
            list="known-actions"
            value={draft.action}
            autoComplete="off"
            spellcheck={false}
            aria-describedby="filter-action-hint"
            onInput={(event) => setDraft({ ...draft, action: event.currentTarget.value })}
          />
          <p class="hint" id="filter-action-hint">
            {t('admin.audit.actionHint')}
          </p>
          <datalist id="known-actions">
            {knownActions.map((action) => (
              <option key={action} value={action} />
            ))}
          </datalist>
        </div>
        <TextField
          id="filter-actor"
          label={t('admin.audit.actorId')}
          value={draft.actorId}
          onValue={set('actorId')}
          spellcheck={false}
          autoComplete="off"
        />
        <TextField
          id="filter-target"
          label={t('admin.audit.targetId')}
          value={draft.targetId}
          onValue={set('targetId')}
          spellcheck={false}
          autoComplete="off"
        />
        <DateField id="audit-from" label={t('admin.filter.from')} value={draft.from} onValue={set('from')} />
        <DateField id="audit-to" label={t('admin.filter.to')} value={draft.to} onValue={set('to')} />
      </FilterForm>
      <ExportLinks
        name="audit"
        csv={admin.exportUrl('audit', filter, 'csv')}
        json={admin.exportUrl('audit', filter, 'json')}
      />
      <PagedResults
        page={page}
        errorId="audit-error"
        loading={t('admin.audit.loading')}
        empty={t(filtered ? 'admin.audit.noMatch' : 'admin.audit.none')}
      >
        {(items) => <DataTable items={items} columns={columns} label={t('admin.audit.events')} />}
      </PagedResults>
    </section>
  );
}

/** An event's action, with its details folded away. */
function ActionCell(props: { event: AuditEvent }) {
  const { event } = props;
  return (
    <span>
      <code>{event.action}</code>
      {event.details && Object.keys(event.details).length > 0 ? (
        <details class="event-details">
          <summary>{t('admin.audit.details')}</summary>
          <dl class="facts facts-compact">
            {Object.entries(event.details).map(([key, value]) => (
              <Fragment key={key}>
                <dt>{key}</dt>
                <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
              </Fragment>
            ))}
          </dl>
        </details>
      ) : null}
    </span>
  );
}
