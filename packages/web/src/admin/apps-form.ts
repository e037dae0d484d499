/**
 * The "Register application" form without the page: URIs typed one per line, the checks made before sending,
 * and the server's `errors[].path` put next to the field (and line) they are about.
 */
import type { Problem } from '../shared/api.js';

/** The most URIs of each kind an application may have (the server's limit too). */
export const maxUris = 10;

export type AppField = 'name' | 'redirectUris' | 'postLogoutRedirectUris';

export type AppFieldErrors = Partial<Record<AppField, readonly string[]>>;

export interface AppDraft {
  readonly name: string;
  /** Text of the textareas: one URI a line. */
  readonly redirectUris: string;
  readonly postLogoutRedirectUris: string;
  readonly confidential: boolean;
  /** Ticked: the application asks users for consent (a third-party app). */
  readonly asksConsent: boolean;
}

export const emptyDraft: AppDraft = {
  name: '',
  redirectUris: '',
  postLogoutRedirectUris: '',
  confidential: true,
  asksConsent: false,
};

export interface UriLines {
  /** The URIs, trimmed, blank lines left out. */
  readonly uris: string[];
  /** The line (from 1) of the textarea each URI was typed on, so "redirectUris/1" can say "line 3". */
  readonly lines: number[];
}

/** The URIs of a textarea, one a line; blank lines and the spaces around a URI do not count. */
export function parseUriLines(text: string): UriLines {
  const uris: string[] = [];
  const lines: number[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, index) => {
    const uri = line.trim();
    if (uri === '') return;
    uris.push(uri);
    lines.push(index + 1);
  });
  return { uris, lines };
}

export interface NewApp {
  readonly name: string;
  readonly redirectUris: string[];
  readonly postLogoutRedirectUris: string[];
  readonly confidential: boolean;
  readonly firstParty: boolean;
}

export type DraftCheck =
  | { readonly ok: true; readonly app: NewApp; readonly lines: Readonly<Record<UriField, number[]>> }
  | { readonly ok: false; readonly errors: AppFieldErrors };

type UriField = 'redirectUris' | 'postLogoutRedirectUris';

/**
 * What can be told before asking the server: a name, at least one redirect URI, not too many. Whether a URI
 * is acceptable (https, exact, no fragment) is the server's to say, so the console never disagrees with it.
 */
export function checkDraft(draft: AppDraft): DraftCheck {
  const name = draft.name.trim();
  const redirect = parseUriLines(draft.redirectUris);
  const logout = parseUriLines(draft.postLogoutRedirectUris);
  const errors: Record<AppField, string[]> = { name: [], redirectUris: [], postLogoutRedirectUris: [] };
  if (name === '') errors.name.push('Enter a name, like “Payroll”.');
  else if (name.length > 100) errors.name.push('Enter at most 100 characters.');
  if (redirect.uris.length === 0)
    errors.redirectUris.push('Enter at least one redirect URI, like https://app.example.com/callback.');
  for (const [field, parsed] of [
    ['redirectUris', redirect],
    ['postLogoutRedirectUris', logout],
  ] as const) {
    if (parsed.uris.length > maxUris) errors[field].push(`Enter at most ${maxUris} URIs, one a line.`);
  }
  const found = Object.fromEntries(
    Object.entries(errors).filter(([, messages]) => messages.length > 0),
  ) as AppFieldErrors;
  if (Object.keys(found).length > 0) return { ok: false, errors: found };
  return {
    ok: true,
    app: {
      name,
      redirectUris: redirect.uris,
      postLogoutRedirectUris: logout.uris,
      confidential: draft.confidential,
      firstParty: !draft.asksConsent,
    },
    lines: { redirectUris: redirect.lines, postLogoutRedirectUris: logout.lines },
  };
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

const fields: readonly AppField[] = ['name', 'redirectUris', 'postLogoutRedirectUris'];

/**
 * The server's `validation_failed` errors by field: `redirectUris/1` (the service) or `body/redirectUris/1`
 * (the request schema) goes next to the redirect URIs as "Line 3: …", using the lines the URIs were typed on.
 * What belongs to no field (or an unknown one) is returned in `general`; both are empty when the problem lists
 * no errors (the caller then shows the problem itself).
 */
export function appServerErrors(
  problem: Problem,
  lines: Readonly<Partial<Record<UriField, readonly number[]>>> = {},
): { fields: AppFieldErrors; general: string[] } {
  const found: Partial<Record<AppField, string[]>> = {};
  const general: string[] = [];
  const list = Array.isArray(problem['errors']) ? (problem['errors'] as unknown[]) : [];
  for (const entry of list) {
    if (!entry || typeof entry !== 'object') continue;
    const { path, message } = entry as { path?: unknown; message?: unknown };
    const text = typeof message === 'string' && message.trim() ? message : 'is not valid';
    const parts = (typeof path === 'string' ? path : '').split('/').filter((part) => part !== '');
    if (parts[0] === 'body') parts.shift();
    const [first, second] = parts;
    const field = fields.find((candidate) => candidate === first);
    if (!field) {
      general.push(sentence(first ? `${parts.join('/')}: ${text}` : text));
      continue;
    }
    let where = '';
    if (field !== 'name' && second !== undefined && /^\d+$/.test(second)) {
      const line = lines[field]?.[Number(second)];
      where = line === undefined ? `URI ${Number(second) + 1}: ` : `Line ${line}: `;
    }
    found[field] = [...(found[field] ?? []), `${where}${sentence(text)}`];
  }
  return { fields: found, general };
}
