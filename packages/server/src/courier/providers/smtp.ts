/**
 * Email over SMTP with nodemailer: `SMTP_URL` (smtp://user:pass@host:587, upgraded with STARTTLS
 * when the server offers it, or smtps://host:465) and `TWOFOLD_MAIL_FROM`. One connection per
 * message: codes are few and must not queue behind each other inside a pool, and each send's time
 * stays bounded by the timeouts below (well inside the dispatcher's lease).
 *
 * A 5xx reply (recipient unknown, message refused, authentication refused) fails the message at
 * once; a 4xx reply (greylisting, mailbox busy) and connection failures are retried.
 */
import nodemailer from 'nodemailer';
import { DeliveryError, type Provider } from './provider.js';

export interface SmtpProviderOptions {
  readonly url: string;
  readonly from: string;
  /** Connecting, and waiting for the greeting (default 10 s each). */
  readonly connectTimeoutMs?: number;
  /** Silence on an open connection (default 20 s). */
  readonly socketTimeoutMs?: number;
}

interface SmtpError {
  readonly code?: string;
  readonly responseCode?: number;
  readonly response?: string;
  readonly message?: string;
  readonly command?: string;
}

export function createSmtpProvider(options: SmtpProviderOptions): Provider {
  const transport = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: options.connectTimeoutMs ?? 10_000,
    greetingTimeout: options.connectTimeoutMs ?? 10_000,
    socketTimeout: options.socketTimeoutMs ?? 20_000,
  });
  return {
    name: 'smtp',
    async send(message) {
      let info: { messageId?: string };
      try {
        info = await transport.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject ?? '',
          text: message.text,
        });
      } catch (error) {
        throw smtpError(error);
      }
      return { ref: info.messageId ?? `smtp:${message.id}`, kept: false };
    },
  };
}

function smtpError(error: unknown): DeliveryError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SmtpError;
  const status = e.responseCode;
  if (typeof status === 'number') {
    // The server's own words, e.g. "RCPT TO: 550 5.1.1 No such user".
    const reply =
      e.response && /^\d{3}/.test(e.response) ? e.response : `${status} ${e.response ?? e.message ?? ''}`;
    const command = e.command ? `${e.command}: ` : '';
    return new DeliveryError(`smtp: ${command}${reply.trim()}`, status >= 500);
  }
  return new DeliveryError(`smtp: ${e.code ?? 'error'}: ${e.message ?? 'failed'}`, false);
}
