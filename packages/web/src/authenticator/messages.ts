/**
 * What the authenticator says about errors, in the page's language. An error with a code of the registry is
 * said by the page's message for that code (problem.<code>); the technical detail that core and the server
 * write in English (which part of a file is damaged, the offending character) is kept beside it, marked as
 * English. Anything else is said as unexpected, with its message.
 */
import { type ImportFormat, isTwofoldError } from '@twofold/core';
import { formattingLocale, hasMessage, t } from '../i18n/i18n.js';
import { manualEntryProblem } from './logic.js';

export interface Said {
  /** The sentence in the page's language. */
  readonly text: string;
  /** The English technical detail, when there is one worth showing (shown with lang="en"). */
  readonly detail?: string;
}

/** Codes whose English detail says what the page's sentence cannot: which part, which character, which file. */
const detailedCodes: ReadonlySet<string> = new Set([
  'import_invalid',
  'import_password_wrong',
  'otpauth_uri_invalid',
  'otp_parameters_invalid',
  'migration_payload_invalid',
  'base32_invalid',
]);

function codeOf(error: unknown): string | undefined {
  if (isTwofoldError(error)) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An error as the page says it. */
export function describeError(error: unknown): Said {
  const manual = manualEntryProblem(error);
  if (manual !== undefined) {
    return {
      text:
        manual.reason === 'notWhole'
          ? t('authenticator.manual.notWhole', { field: manual.field })
          : t(`authenticator.manual.${manual.reason}`),
    };
  }
  const code = codeOf(error);
  const key = `problem.${code}`;
  if (code !== undefined && hasMessage(key)) {
    const detail = messageOf(error);
    return detailedCodes.has(code) && detail !== '' ? { text: t(key), detail } : { text: t(key) };
  }
  return { text: t('authenticator.error.unexpected', { reason: messageOf(error) }) };
}

/** An error as one line of text (a status line, a sentence's {reason}). */
export function errorText(error: unknown): string {
  const said = describeError(error);
  return said.detail === undefined
    ? said.text
    : `${said.text} ${t('authenticator.error.details', { detail: said.detail })}`;
}

/**
 * The name of an import format in the page's language ("2FAS backup"). ICU select cases cannot hold a
 * hyphen, so `google-migration` is the case `googleMigration`.
 */
export function formatName(format: ImportFormat): string {
  return t('authenticator.format', {
    format: format.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase()),
  });
}

/** A date and time in the page's language ("7 Dec 2026, 21:05"). */
export function formatDateTime(at: number | Date): string {
  return new Intl.DateTimeFormat(formattingLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(at);
}
