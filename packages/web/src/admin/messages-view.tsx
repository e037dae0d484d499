import { useEffect, useState } from 'preact/hooks';
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
          Messages
        </Heading>
        <p class="notice">Only a global admin can read the messages Twofold sends.</p>
      </section>
    );
  }

  return (
    <section aria-labelledby="messages-title">
      <Heading id="messages-title" focus={props.focus}>
        Messages
      </Heading>
      <p class="lead">
        The newest messages Twofold queued for people (codes by text message and email) and how their delivery
        went. With the development SMS provider (<code>outbox</code>), and for email when{' '}
        <code>SMTP_URL</code> is not set, messages are only kept here: this is where to read a code while
        testing. Once a real provider has delivered a code, the code is removed from its text.
      </p>
      <div class="summary-line">
        <button type="button" class="secondary small" disabled={busy} onClick={() => void load(true)}>
          {busy && messages !== undefined ? 'Refreshing…' : 'Refresh'}
        </button>
        {/* Announced after each refresh, so a screen reader hears what changed. */}
        <span class="muted result-count" role="status">
          {messages === undefined
            ? ''
            : `${summariseOutbox(messages)}${messages.length > 1 ? ', newest first' : ''}${
                refreshedAt === undefined ? '' : ` · refreshed at ${formatTimeOfDay(refreshedAt)}`
              }`}
        </span>
      </div>
      <FormError id="messages-error" message={problem ? adminMessage(problem) : undefined} />
      {messages === undefined ? (
        problem ? (
          <button type="button" onClick={() => void load(false)}>
            Try again
          </button>
        ) : (
          <Loading>Loading messages…</Loading>
        )
      ) : messages.length === 0 ? (
        <p class="empty">
          No messages yet. A code appears here when someone registers a phone or an email address, or asks for
          a code at sign-in.
        </p>
      ) : (
        <table class="methods data-table messages-table" aria-labelledby="messages-title">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Channel</th>
              <th scope="col">Recipient</th>
              <th scope="col">Message</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
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
        <CellLabel>Time</CellLabel>
        <span>
          {formatDateTime(message.createdAt)}
          {message.sentAt ? <span class="hint block">Sent {formatDateTime(message.sentAt)}</span> : null}
        </span>
      </td>
      <td>
        <CellLabel>Channel</CellLabel>
        {channelName(message.channel)}
      </td>
      <td class="wrap">
        <CellLabel>Recipient</CellLabel>
        <span class="mono">{message.recipient}</span>
      </td>
      <td class="wrap message-cell">
        <CellLabel>Message</CellLabel>
        <span>
          {message.subject && !isRemovedCode(message.subject) ? (
            <span class="message-subject">{message.subject}</span>
          ) : null}
          {removed ? (
            <span class="muted">Code removed after delivery</span>
          ) : (
            // A text message is short and is the code itself: shown open. An email's subject holds the code.
            <details class="event-details" open={message.channel === 'sms'}>
              <summary>{message.channel === 'sms' ? 'Text' : 'Email text'}</summary>
              <pre class="message-body">{message.body}</pre>
            </details>
          )}
        </span>
      </td>
      <td>
        <CellLabel>Status</CellLabel>
        <Badge tone={status.tone}>{status.label}</Badge>
      </td>
      <td>
        <CellLabel>Attempts</CellLabel>
        {message.attempts}
      </td>
      <td class="wrap">
        <CellLabel>Last error</CellLabel>
        {message.lastError ? (
          <span class="message-error">{message.lastError}</span>
        ) : (
          <span class="muted">—</span>
        )}
      </td>
    </tr>
  );
}
