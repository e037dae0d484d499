/**
 * The console's "Help requests" queue (spec section 6): what people who could not get a code asked from the
 * sign-in page's troubleshooter, newest first, open or resolved. A request shows what the troubleshooter
 * found then and finds now, offers the console's own actions for that person in one click (a pass,
 * re-registration, unlock, lifting a push block, the clock drift), and is resolved saying what was done.
 */
import type { HelpRequestView } from '@twofold/api/troubleshoot';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import type { Problem } from '../shared/api.js';
import { CellLabel } from '../shared/components/data-table.js';
import { FormError } from '../shared/components/field.js';
import { Heading } from '../shared/components/layout.js';
import { adminMessage } from './admin-messages.js';
import { Badge, Loading, SelectField, SuccessNotice } from './components.js';
import type { Console } from './console.js';
import { formatDateTime } from './format.js';
import { HelpRequestDetail } from './help-request-detail.js';
import { describeHelpFinding } from './help-request-findings.js';
import { formatRoute } from './routes.js';
import './help-requests.css';

type StatusFilter = 'open' | 'resolved' | 'all';

function statusOf(params: Readonly<Record<string, string>>): StatusFilter {
  const status = params['status'];
  return status === 'resolved' || status === 'all' ? status : 'open';
}

export function helpRequestHash(status: StatusFilter, id?: string): string {
  return formatRoute({
    view: 'help-requests',
    params: { ...(status === 'open' ? {} : { status }), ...(id ? { id } : {}) },
  });
}

/** Newest first, whatever order the server keeps. */
function newestFirst(requests: readonly HelpRequestView[]): HelpRequestView[] {
  return [...requests].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

export function HelpRequestsView(props: {
  console: Console;
  params: Readonly<Record<string, string>>;
  focus: boolean;
}) {
  const { admin, navigate } = props.console;
  const status = statusOf(props.params);
  const selected = props.params['id'];
  const [requests, setRequests] = useState<HelpRequestView[]>();
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState('');

  async function load(): Promise<void> {
    const result = await admin.helpRequests(status);
    if (result.ok) {
      setRequests(newestFirst(result.data.helpRequests));
      setProblem(undefined);
    } else {
      setProblem(result.problem);
    }
  }

  useEffect(() => {
    setRequests(undefined);
    void load();
  }, [status]);

  if (selected !== undefined && requests !== undefined) {
    const request = requests.find((r) => r.id === selected);
    return (
      <HelpRequestDetail
        key={selected}
        console={props.console}
        request={request}
        backHash={helpRequestHash(status)}
        focus={props.focus}
        reload={load}
        onResolved={(message) => {
          // Back to the list as it is now: the resolved request leaves the open ones.
          void load().then(() => {
            setNotice(message);
            navigate(helpRequestHash(status));
          });
        }}
      />
    );
  }

  return (
    <section aria-labelledby="help-requests-title">
      <Heading id="help-requests-title" focus={props.focus}>
        {t('helpRequests.title')}
      </Heading>
      <p class="lead">{t('helpRequests.lead')}</p>
      <SuccessNotice message={notice} />
      <div class="filters">
        <SelectField
          id="help-requests-status"
          label={t('helpRequests.show')}
          value={status}
          onValue={(value) => {
            setNotice('');
            navigate(helpRequestHash(statusOf({ status: value })));
          }}
          options={(['open', 'resolved', 'all'] as const).map((value) => ({
            value,
            label: t(`helpRequests.filter.${value}`),
          }))}
        />
      </div>
      <FormError id="help-requests-error" message={problem ? adminMessage(problem) : undefined} />
      {requests === undefined ? (
        problem ? null : (
          <Loading>{t('helpRequests.loading')}</Loading>
        )
      ) : requests.length === 0 ? (
        <p class="empty">{t('helpRequests.none')}</p>
      ) : (
        <>
          <p class="muted result-count">{t('helpRequests.count', { count: requests.length })}</p>
          <table class="methods data-table help-requests-table" aria-labelledby="help-requests-title">
            <thead>
              <tr>
                <th scope="col">{t('helpRequests.col.user')}</th>
                <th scope="col">{t('helpRequests.col.asked')}</th>
                <th scope="col">{t('helpRequests.col.found')}</th>
                <th scope="col">{t('helpRequests.col.status')}</th>
              </tr>
            </thead>
            <tbody>
              {requests.map((request) => (
                <tr key={request.id}>
                  <td>
                    <CellLabel>{t('helpRequests.col.user')}</CellLabel>
                    <a href={helpRequestHash(status, request.id)}>
                      {request.user.displayName || request.user.email}
                    </a>
                    <span class="hint block">{request.user.email}</span>
                  </td>
                  <td>
                    <CellLabel>{t('helpRequests.col.asked')}</CellLabel>
                    {formatDateTime(request.createdAt)}
                  </td>
                  <td>
                    <CellLabel>{t('helpRequests.col.found')}</CellLabel>
                    {request.findingsAtRequest.length === 0 ? (
                      <span class="muted">{t('helpRequests.nothingFound')}</span>
                    ) : (
                      <ul class="plain-list">
                        {request.findingsAtRequest.map((finding, index) => (
                          <li key={`${finding.code}-${index}`}>{describeHelpFinding(finding)}</li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>
                    <CellLabel>{t('helpRequests.col.status')}</CellLabel>
                    <Badge tone={request.status === 'open' ? 'warning' : 'success'}>
                      {t(`helpRequests.status.${request.status}`)}
                    </Badge>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
