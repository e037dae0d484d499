import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n/i18n.js';
import type { ApiResult, Problem } from '../api.js';
import { flowEndingCodes, type OtherWay } from '../messages.js';
import {
  codeLifetimeMinutes,
  isRecentlySent,
  resendBlockedUntil,
  resendWaitText,
  resentStatus,
  type SentCode,
  type SentCodeAnswer,
  type SentCodeType,
  secondsLeft,
  sentCodeDigits,
  sentCodeLead,
  toSentCode,
} from '../sent-codes.js';
import { CodeActions, CodeField, codeProblemText, useCodeEntry } from './code-entry.js';
import { FormError } from './field.js';

/** Seconds left until `until` on this browser's clock, re-rendering as each second passes. */
export function useSecondsLeft(until: number | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  const left = until === undefined ? 0 : secondsLeft(until, now);
  useEffect(() => {
    if (until === undefined || left <= 0) return;
    // Wake when the shown number next changes (a stale `now` after `until` moved corrects itself at once).
    const delay = Math.max(50, until - Date.now() - (left - 1) * 1000);
    const timer = setTimeout(() => setNow(Date.now()), delay);
    return () => clearTimeout(timer);
  }, [until, now]);
  return left;
}

/** Problems of sending (rather than of the code typed): they go above the form, not on the field. */
const sendingCodes: ReadonlySet<string> = new Set(['send_limited', 'delivery_failed']);

export interface SentCodeFormProps<T> {
  readonly type: SentCodeType;
  /** The code sent before the form appeared; undefined when that send failed (`sendProblem` says why). */
  readonly sent: SentCode | undefined;
  readonly sendProblem?: Problem | undefined;
  /** The method's masked destination, said when no answer named it (a code sent moments ago). */
  readonly destination?: string;
  readonly verify: (code: string, sent: SentCode | undefined) => Promise<ApiResult<T>>;
  /** Asks the server for a new code ("Send a new code"). */
  readonly resend: () => Promise<ApiResult<SentCodeAnswer>>;
  readonly onVerified: (result: T) => void;
  /** Each new code, so a screen the user leaves and comes back to keeps the same wait. */
  readonly onSent?: (sent: SentCode) => void;
  /** Offered instead of Verify once the sign-in this form belongs to has ended. */
  readonly onRestart?: (() => void) | undefined;
  readonly onBack?: (() => void) | undefined;
  readonly backLabel?: string;
  /** What else the user can do when no code arrives ("sign in another way" by default). */
  readonly otherWay?: OtherWay;
  /** The code field's id; other ids derive from it. */
  readonly id?: string;
  /** The page's own words for some problems (a password reset's end is not a sign-in's); undefined: the usual ones. */
  readonly wordsFor?: (problem: Problem) => string | undefined;
}

/**
 * The code step for a code sent by text message or email: where it went, the Code field, "Send a new code"
 * (waiting `resendAfter` seconds, with the countdown shown), and what went wrong in plain words.
 */
export function SentCodeForm<T>(props: SentCodeFormProps<T>) {
  const id = props.id ?? 'code';
  const { type } = props;
  const [sent, setSent] = useState(props.sent);
  const [status, setStatus] = useState('');
  const [sending, setSending] = useState(false);
  const [resendAt, setResendAt] = useState<number | undefined>(
    () => props.sent?.resendAt ?? resendBlockedUntil(props.sendProblem, Date.now()),
  );
  const left = useSecondsLeft(resendAt);
  const message = (problem: Problem) => codeProblemText(problem, 'sent-code', props);
  // A code sent moments ago needs no error: the lead says so, and the countdown says when to ask again.
  const [sendError, setSendError] = useState<string>(() =>
    props.sendProblem && !(isRecentlySent(props.sendProblem) && props.destination)
      ? message(props.sendProblem)
      : '',
  );
  const entry = useCodeEntry<T>({
    type,
    digits: sentCodeDigits,
    verify: (code) => props.verify(code, sent),
    onVerified: props.onVerified,
    message,
    initiallyEnded: props.sendProblem ? flowEndingCodes.has(props.sendProblem.code) : false,
    onSubmit: () => setStatus(''),
  });
  const { ended } = entry;

  async function resend() {
    if (sending || ended) return;
    setSending(true);
    setSendError('');
    setStatus('');
    const result = await props.resend();
    setSending(false);
    if (result.ok) {
      const next = toSentCode(result.data, Date.now());
      setSent(next);
      setResendAt(next.resendAt);
      entry.reset();
      setStatus(resentStatus(type, next.sentTo));
      props.onSent?.(next);
      entry.inputRef.current?.focus();
      return;
    }
    const { problem } = result;
    if (sendingCodes.has(problem.code) || flowEndingCodes.has(problem.code)) setSendError(message(problem));
    else entry.setError(message(problem));
    entry.setEnded(flowEndingCodes.has(problem.code));
    const wait = resendBlockedUntil(problem, Date.now());
    if (wait !== undefined) setResendAt(wait);
  }

  const leadId = `${id}-sent-to`;
  const waitId = `${id}-resend-wait`;
  return (
    <>
      <p class="lead" id={leadId}>
        {sent
          ? sentCodeLead(type, sent.sentTo, { minutes: codeLifetimeMinutes(sent.expiresAt, Date.now()) })
          : isRecentlySent(props.sendProblem) && props.destination
            ? sentCodeLead(type, props.destination, { moment: true })
            : sentCodeLead(type, undefined)}
      </p>
      <FormError id={`${id}-send-error`} message={sendError} />
      <p class="status" role="status">
        {status}
      </p>
      <form onSubmit={entry.submit} noValidate>
        <CodeField id={id} entry={entry} describedBy={leadId} />
        {ended ? null : (
          <div class="resend">
            <button
              type="button"
              class="secondary small"
              onClick={() => void resend()}
              disabled={sending || left > 0}
              aria-describedby={waitId}
            >
              {sending ? t('common.sentCode.sending') : t('common.sentCode.resend')}
            </button>
            <p class="hint" id={waitId}>
              {resendWaitText(left)}
            </p>
          </div>
        )}
        <CodeActions {...props} entry={entry} />
      </form>
    </>
  );
}
