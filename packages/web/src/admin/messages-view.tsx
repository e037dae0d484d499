import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t, tRich } from '../i18n/i18n.js';
import type { Problem } from '../shared/api.js';
import { type Column, DataTable, None } from '../shared/components/data-table.js';
import { FormError } from '../shared/components/field.js';
import { Heading } from '../shared/components/layout.js';
import { adminMessage } from './admin-messages.js';
import { Badge, Loading } from './components.js';
import type { Console } from './console.js';
import {
  channelName,
  formatDateTime,
  formatTimeOfDay,
  isRemovedCode,
  outboxStatusBadge,
  summariseOutbox,
} from './format.js';
import { actionBlock } from './roles.js';
import type { OutboxMessage } from './types.js';

const code = (chunks: ComponentChildren[]) => <code>{chunks}</code>;

/**
 * The outbox: the newest messages Twofold queued for people (codes by text message and email). With the
 * development SMS provider and without SMTP, this is the only place they can be read.
 */
export function MessagesView(props: { console: Console; focus: boolean }) {
  const { admin, me } = props.console;
  const blocked = actionBlock(me.roles, 'outbox.read');
  const [messages, setMessages] = useState<readonly OutboxMessage[]>();
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const [refreshedAt, setRefreshedAt] = useState<number>();

  async function load(announce: boolean) {
    setBusy(true);
    const result = await admin.outbox();
    setBusy(false);
    if (result.ok) {
      setMessages(result.data.messages);
      setProblem(undefined);
      setRefreshedAt(announce ? Date.now() : undefined);
    } else setProblem(result.problem);
  }

  useEffect(() => {
    if (!blocked) void load(false);
  }, []);

  if (blocked) {
    return (
      <section aria-labelledby="messages-title">
        <Heading id="messages-title" focus={props.focus}>
          {t('admin.messages.title')}
        </Heading>
        <p class="notice">{t('admin.messages.blocked')}</p>
      </section>
    );
  }

  return (
    <section aria-labelledby="messages-title">
      <Heading id="messages-title" focus={props.focus}>
        {t('admin.messages.title')}
      </Heading>
      <p class="lead">{tRich('admin.messages.lead', { code })}</p>
      <div class="summary-line">
        <button type="button" class="secondary small" disabled={busy} onClick={() => void load(true)}>
          {busy && messages !== undefined ? t('admin.messages.refreshing') : t('admin.messages.refresh')}
        </button>
        {/* Announced after each refresh, so a screen reader hears what changed. */}
        <span class="muted result-count" role="status">
          {messages === undefined
            ? ''
            : t('admin.messages.summary', {
                summary: summariseOutbox(messages),
                order: messages.length > 1 ? 'newest' : 'one',
                refreshed: refreshedAt === undefined ? 'no' : 'yes',
                time: refreshedAt === undefined ? '' : formatTimeOfDay(refreshedAt),
              })}
        </span>
      </div>
      <FormError id="messages-error" message={problem ? adminMessage(problem) : undefined} />
      {messages === undefined ? (
        problem ? (
          <button type="button" onClick={() => void load(false)}>
            {t('common.action.tryAgain')}
          </button>
        ) : (
          <Loading>{t('admin.messages.loading')}</Loading>
        )
      ) : messages.length === 0 ? (
        <p class="empty">{t('admin.messages.none')}</p>
      ) : (
        <DataTable
          items={messages}
          columns={messageColumns()}
          class="messages-table"
          labelledBy="messages-title"
        />
      )}
    </section>
  );
}

/** The outbox's columns. */
function messageColumns(): readonly Column<OutboxMessage>[] {
  return [
    {
      label: t('admin.messages.time'),
      class: 'message-time',
      cell: (message) => (
        <span>
          {formatDateTime(message.createdAt)}
          {message.sentAt ? (
            <span class="hint block">
              {t(message.status === 'kept' ? 'admin.messages.keptAt' : 'admin.messages.sentAt', {
                at: formatDateTime(message.sentAt),
              })}
            </span>
          ) : null}
        </span>
      ),
    },
    { label: t('admin.messages.channel'), cell: (message) => channelName(message.channel) },
    {
      label: t('admin.messages.recipient'),
      class: 'wrap',
      cell: (message) => <span class="mono">{message.recipient}</span>,
    },
    {
      label: t('admin.messages.message'),
      class: 'wrap message-cell',
      cell: (message) => <MessageText message={message} />,
    },
    {
      label: t('admin.messages.status'),
      cell: (message) => {
        const status = outboxStatusBadge(message.status);
        return <Badge tone={status.tone}>{status.label}</Badge>;
      },
    },
    { label: t('admin.messages.attempts'), cell: (message) => message.attempts },
    {
      label: t('admin.messages.lastError'),
      class: 'wrap',
      cell: (message) =>
        message.lastError ? <span class="message-error">{message.lastError}</span> : <None />,
    },
  ];
}

function MessageText(props: { message: OutboxMessage }) {
  const { message } = props;
  return (
    <span>
      {message.subject && !isRemovedCode(message.subject) ? (
        <span class="message-subject">{message.subject}</span>
      ) : null}
      {isRemovedCode(message.body) ? (
        <span class="muted">{t('admin.messages.removed')}</span>
      ) : (
        // A text message is short and is the code itself: shown open. An email's subject holds the code.
        <details class="event-details" open={message.channel === 'sms'}>
          <summary>
            {t(
              message.channel === 'sms'
                ? 'admin.messages.smsText'
                : message.channel === 'logout'
                  ? 'admin.messages.logoutText'
                  : 'admin.messages.emailText',
            )}
          </summary>
          <pre class="message-body">{message.body}</pre>
        </details>
      )}
    </span>
  );
}
