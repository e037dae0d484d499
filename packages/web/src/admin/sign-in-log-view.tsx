import { useEffect, useMemo, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import type { Problem } from '../shared/api.js';
import { type Column, DataTable, None } from '../shared/components/data-table.js';
import { FormError, TextField } from '../shared/components/field.js';
import { Heading } from '../shared/components/layout.js';
import type { SignInFilter } from './admin-api.js';
import { adminMessage } from './admin-messages.js';
import { SignInChart } from './chart.js';
import { buildChart, chartRange, chartRanges } from './chart-data.js';
import { Badge, DateField, ExportLinks, Loading, SelectField } from './components.js';
import type { Console } from './console.js';
import { FilterForm } from './filter-form.js';
import {
  dayBoundary,
  formatDateTime,
  reasonName,
  resultName,
  signInMethodName,
  signInReasons,
  signInResults,
} from './format.js';
import { PagedResults } from './paged-results.js';
import { formatRoute, userHash } from './routes.js';
import type { SignInEvent, SignInStats } from './types.js';
import { usePaged } from './use-paged.js';

/** The filters as they stand in the address: `user` is an email or a user id. */
interface Filters {
  readonly user: string;
  readonly result: string;
  readonly reason: string;
  readonly from: string;
  readonly to: string;
}

function filtersFrom(params: Readonly<Record<string, string>>): Filters {
  return {
    user: params['user'] ?? '',
    result: params['result'] ?? '',
    reason: params['reason'] ?? '',
    from: params['from'] ?? '',
    to: params['to'] ?? '',
  };
}

/** The sign-in log's columns. */
function signInColumns(): readonly Column<SignInEvent>[] {
  return [
    { label: t('admin.log.time'), cell: (event) => formatDateTime(event.at) },
    {
      label: t('admin.signIns.userColumn'),
      class: 'wrap',
      cell: (event) =>
        event.userId ? (
          <a href={userHash(event.userId)}>{event.username || event.userId}</a>
        ) : (
          <span>
            {event.username || '—'} <span class="hint block">{t('admin.signIns.unknownUser')}</span>
          </span>
        ),
    },
    {
      label: t('admin.signIns.result'),
      cell: (event) => (
        <Badge
          tone={event.result === 'success' ? 'success' : event.result === 'failure' ? 'danger' : 'warning'}
        >
          {resultName(event.result)}
        </Badge>
      ),
    },
    {
      label: t('admin.log.reason'),
      cell: (event) =>
        event.reason ? <span title={event.reason}>{reasonName(event.reason)}</span> : <None />,
    },
    {
      label: t('admin.signIns.method'),
      cell: (event) => (event.methodType ? signInMethodName(event.methodType) : <None />),
    },
    { label: t('admin.log.ip'), cell: (event) => event.ip ?? <None /> },
    {
      label: t('admin.signIns.browser'),
      class: 'user-agent',
      cell: (event) => (
        <span class="ua" title={event.userAgent ?? undefined}>
          {event.userAgent ?? '—'}
        </span>
      ),
    },
  ];
}

/** The sign-in log: a chart of results over time, then the events, filtered, page by page, exportable. */
export function SignInLogView(props: {
  console: Console;
  params: Readonly<Record<string, string>>;
  focus: boolean;
}) {
  const { admin, navigate } = props.console;
  const applied = filtersFrom(props.params);
  const [draft, setDraft] = useState<Filters>(applied);
  const appliedKey = JSON.stringify(applied);
  // Back and forward change the address: the form follows it.
  useEffect(() => setDraft(applied), [appliedKey]);

  // The API filters on a user id: an email is looked up once.
  const [resolved, setResolved] = useState<{ user: string; id?: string; problem?: string }>();
  useEffect(() => {
    const user = applied.user.trim();
    if (!user.includes('@')) {
      setResolved({ user: applied.user, ...(user ? { id: user } : {}) });
      return;
    }
    let live = true;
    void admin.listUsers({ query: user, limit: 20 }).then((result) => {
      if (!live) return;
      if (!result.ok) return setResolved({ user: applied.user, problem: adminMessage(result.problem) });
      const match = result.data.users.find((u) => u.email.toLowerCase() === user.toLowerCase());
      setResolved(
        match
          ? { user: applied.user, id: match.id }
          : { user: applied.user, problem: t('admin.signIns.noSuchEmail', { email: user }) },
      );
    });
    return () => {
      live = false;
    };
  }, [applied.user]);

  const filter: SignInFilter = {
    userId: resolved?.id,
    result: applied.result || undefined,
    reason: applied.reason || undefined,
    from: dayBoundary(applied.from, 'start'),
    to: dayBoundary(applied.to, 'end'),
  };
  const ready =
    resolved !== undefined &&
    resolved.user === applied.user &&
    (applied.user.trim() === '' || resolved.id !== undefined);
  const userProblem = resolved?.user === applied.user ? resolved.problem : undefined;
  const waiting = !ready && userProblem === undefined;
  const key = JSON.stringify({ ...filter, ready });
  const page = usePaged<SignInEvent>(
    (cursor) =>
      ready
        ? admin.signIns(filter, cursor)
        : Promise.resolve({ ok: true, data: { events: [], nextCursor: null } }),
    key,
  );

  function apply(next: Filters) {
    navigate(formatRoute({ view: 'sign-ins', params: { ...props.params, ...next } }));
  }

  const set = (field: keyof Filters) => (value: string) => setDraft({ ...draft, [field]: value });
  const filtered = Object.values(applied).some((v) => v !== '');

  return (
    <section aria-labelledby="sign-ins-title">
      <Heading id="sign-ins-title" focus={props.focus}>
        {t('admin.signIns.title')}
      </Heading>
      <p class="lead">{t('admin.signIns.lead')}</p>

      <StatsPanel console={props.console} rangeId={props.params['range'] ?? '24h'} params={props.params} />

      <h2 id="events-title">{t('admin.signIns.events')}</h2>
      <FilterForm
        label={t('admin.signIns.filter')}
        filtered={filtered}
        onApply={() => apply(draft)}
        onClear={() => apply({ user: '', result: '', reason: '', from: '', to: '' })}
      >
        <TextField
          id="filter-user"
          label={t('admin.signIns.user')}
          value={draft.user}
          onValue={set('user')}
          autoComplete="off"
          spellcheck={false}
          error={userProblem}
        />
        <SelectField
          id="filter-result"
          label={t('admin.signIns.result')}
          value={draft.result}
          onValue={set('result')}
          options={[
            { value: '', label: t('admin.filter.any') },
            ...signInResults.map((r) => ({ value: r, label: resultName(r) })),
          ]}
        />
        <SelectField
          id="filter-reason"
          label={t('admin.signIns.reason')}
          value={draft.reason}
          onValue={set('reason')}
          options={[
            { value: '', label: t('admin.filter.any') },
            ...signInReasons.map((value) => ({ value, label: reasonName(value) })),
          ]}
        />
        <DateField id="filter-from" label={t('admin.filter.from')} value={draft.from} onValue={set('from')} />
        <DateField id="filter-to" label={t('admin.filter.to')} value={draft.to} onValue={set('to')} />
      </FilterForm>
      <ExportLinks
        name="sign-ins"
        csv={admin.exportUrl('sign-ins', filter, 'csv')}
        json={admin.exportUrl('sign-ins', filter, 'json')}
      />
      <PagedResults
        page={page}
        errorId="events-error"
        loading={t('admin.signIns.loading')}
        empty={t(filtered ? 'admin.signIns.noMatch' : 'admin.signIns.none')}
        waiting={waiting}
      >
        {(items) => <DataTable items={items} columns={signInColumns()} labelledBy="events-title" />}
      </PagedResults>
    </section>
  );
}

/** The chart with its range and "failures only" switch; the range is kept in the address. */
function StatsPanel(props: { console: Console; rangeId: string; params: Readonly<Record<string, string>> }) {
  const { admin, navigate } = props.console;
  const [stats, setStats] = useState<SignInStats>();
  const [problem, setProblem] = useState<Problem>();
  const [failuresOnly, setFailuresOnly] = useState(false);
  const range = useMemo(() => chartRange(props.rangeId, Date.now()), [props.rangeId]);

  useEffect(() => {
    let live = true;
    setStats(undefined);
    void admin.signInStats({ from: range.from, to: range.to, bucket: range.bucket }).then((result) => {
      if (!live) return;
      if (result.ok) {
        setStats(result.data);
        setProblem(undefined);
      } else setProblem(result.problem);
    });
    return () => {
      live = false;
    };
  }, [range]);

  const model = useMemo(
    () => (stats ? buildChart(stats, { show: failuresOnly ? 'failures' : 'all' }) : undefined),
    [stats, failuresOnly],
  );

  return (
    <div class="stats-panel">
      <div class="section-head">
        <h2 id="chart-title">{t('admin.chart.title')}</h2>
        <div class="chart-controls">
          <div class="field inline-field">
            <label for="chart-range">{t('admin.chart.period')}</label>
            <select
              id="chart-range"
              value={props.rangeId}
              onChange={(event) =>
                navigate(
                  formatRoute({
                    view: 'sign-ins',
                    params: { ...props.params, range: event.currentTarget.value },
                  }),
                )
              }
            >
              {chartRanges.map((r) => (
                <option key={r.id} value={r.id}>
                  {t('admin.chart.rangeOption', { range: r.id })}
                </option>
              ))}
            </select>
          </div>
          <label class="checkbox inline-check">
            <input
              type="checkbox"
              checked={failuresOnly}
              onChange={(event) => setFailuresOnly(event.currentTarget.checked)}
            />
            <span>{t('admin.chart.failuresOnly')}</span>
          </label>
        </div>
      </div>
      <FormError id="chart-error" message={problem ? adminMessage(problem) : undefined} />
      {model ? (
        model.bars.every((bar) => bar.total === 0) ? (
          <p class="empty">
            {t(failuresOnly ? 'admin.chart.noFailures' : 'admin.chart.none', { range: range.id })}
          </p>
        ) : (
          <SignInChart model={model} range={range.id} id="sign-in-chart" failuresOnly={failuresOnly} />
        )
      ) : problem ? null : (
        <Loading>{t('admin.chart.loading')}</Loading>
      )}
    </div>
  );
}
