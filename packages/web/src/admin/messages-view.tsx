import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t, tRich } from '../i18n/i18n.js';
import type { Problem } from '../shared/api.js';
import { FormError } from '../shared/components/field.js';
import { Heading } from '../shared/components/layout.js';
import { adminMessage } from './admin-messages.js';
import { Badge, CellLabel, Loading } from './components.js';
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
        <table class="methods data-table messages-table" aria-labelledby="messages-title">
          <thead>
            <tr>
              <th scope="col">{t('admin.messages.time')}</th>
              <th scope="col">{t('admin.messages.channel')}</th>
              <th scope="col">{t('admin.messages.recipient')}</th>
              <th scope="col">{t('admin.messages.message')}</th>
              <th scope="col">{t('admin.messages.status')}</th>
              <th scope="col">{t('admin.messages.attempts')}</th>
              <th scope="col">{t('admin.messages.lastError')}</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((message) => (
              <MessageRow key={message.id} message={message} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function MessageRow(props: { message: OutboxMessage }) {
  const { message } = props;
  const status = outboxStatusBadge(message.status);
  const removed = isRemovedCode(message.body);
  return (
    <tr>
      <td class="message-time">
        <CellLabel>{t('admin.messages.time')}</CellLabel>
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
      </td>
      <td>
        <CellLabel>{t('admin.messages.channel')}</CellLabel>
        {channelName(message.channel)}
      </td>
      <td class="wrap">
        <CellLabel>{t('admin.messages.recipient')}</CellLabel>
        <span class="mono">{message.recipient}</span>
      </td>
      <td class="wrap message-cell">
        <CellLabel>{t('admin.messages.message')}</CellLabel>
        <span>
          {message.subject && !isRemovedCode(message.subject) ? (
            <span class="message-subject">{message.subject}</span>
          ) : null}
          {removed ? (
            <span class="muted">{t('admin.messages.removed')}</span>
          ) : (
            // A text message is short and is the code itself: shown open. An email's subject holds the code.
            <details class="event-details" open={message.channel === 'sms'}>
              <summary>
                {t(message.channel === 'sms' ? 'admin.messages.smsText' : 'admin.messages.emailText')}
              </summary>
              <pre class="message-body">{message.body}</pre>
            </details>
          )}
        </span>
      </td>
      <td>
        <CellLabel>{t('admin.messages.status')}</CellLabel>
        <Badge tone={status.tone}>{status.label}</Badge>
      </td>
      <td>
        <CellLabel>{t('admin.messages.attempts')}</CellLabel>
        {message.attempts}
      </td>
      <td class="wrap">
        <CellLabel>{t('admin.messages.lastError')}</CellLabel>
        {message.lastError ? (
          <span class="message-error">{message.lastError}</span>
        ) : (
          <span class="muted">—</span>
        )}
      </td>
    </tr>
  );
}
