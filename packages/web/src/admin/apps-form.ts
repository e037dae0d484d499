/**
 * The "Register application" form without the page: URIs typed one per line, the checks made before sending,
 * and the server's `errors[].path` put next to the field (and line) they are about.
 */
import { t } from '../i18n/i18n.js';
import type { Problem } from '../shared/api.js';

/** The most URIs of each kind an application may have (the server's limit too). */
export const maxUris = 10;

export type AppField = 'name' | 'redirectUris' | 'postLogoutRedirectUris' | 'backchannelLogoutUri';

export type AppFieldErrors = Partial<Record<AppField, readonly string[]>>;

export interface AppDraft {
  readonly name: string;
  /** Text of the textareas: one URI a line. */
  readonly redirectUris: string;
  readonly postLogoutRedirectUris: string;
  readonly confidential: boolean;
  /** Ticked: the application asks users for consent (a third-party app). */
  readonly asksConsent: boolean;
  /** A service: signs in as itself (client_credentials); no redirect URIs, always a secret. */
  readonly service?: boolean;
  /** Where back-channel logout tokens go (blank: none). */
  readonly backchannelLogoutUri?: string;
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
  readonly service?: boolean;
  readonly backchannelLogoutUri?: string;
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
  const service = draft.service === true;
  const logoutUri = service ? '' : (draft.backchannelLogoutUri ?? '').trim();
  const errors: Record<AppField, string[]> = {
    name: [],
    redirectUris: [],
    postLogoutRedirectUris: [],
    backchannelLogoutUri: [],
  };
  if (name === '') errors.name.push(t('admin.apps.check.nameMissing'));
  else if (name.length > 100) errors.name.push(t('admin.apps.check.nameLong', { max: 100 }));
  if (redirect.uris.length === 0 && !service) errors.redirectUris.push(t('admin.apps.check.redirectMissing'));
  for (const [field, parsed] of [
    ['redirectUris', redirect],
    ['postLogoutRedirectUris', logout],
  ] as const) {
    if (parsed.uris.length > maxUris) errors[field].push(t('admin.apps.check.tooMany', { max: maxUris }));
  }
  const found = Object.fromEntries(
    Object.entries(errors).filter(([, messages]) => messages.length > 0),
  ) as AppFieldErrors;
  if (Object.keys(found).length > 0) return { ok: false, errors: found };
  return {
    ok: true,
    // A service has no URIs of either kind (the fields are hidden, what they held is not sent).
    app: {
      name,
      redirectUris: service ? [] : redirect.uris,
      postLogoutRedirectUris: service ? [] : logout.uris,
      confidential: service || draft.confidential,
      firstParty: !draft.asksConsent,
      ...(service ? { service } : {}),
      ...(logoutUri ? { backchannelLogoutUri: logoutUri } : {}),
    },
    lines: { redirectUris: redirect.lines, postLogoutRedirectUris: logout.lines },
  };
}

const fields: readonly AppField[] = [
  'name',
  'redirectUris',
  'postLogoutRedirectUris',
  'backchannelLogoutUri',
];

/** The reasons the server gives for refusing a URI (`errors[].rule`), each with words of its own. */
const uriRules: ReadonlySet<string> = new Set([
  'too_long',
  'whitespace',
  'not_absolute',
  'fragment',
  'wildcard',
  'credentials',
  'no_host',
  'http',
  'scheme',
]);

/**
 * The server's `validation_failed` errors by field, in the page's words (the server's `message` is English
 * and stays unread): `redirectUris/1` (the service) or `body/redirectUris/1` (the request schema) goes next
 * to the redirect URIs as "Line 3: …", using the lines the URIs were typed on. What belongs to no field (or
 * an unknown one) is said once in `general`; both are empty when the problem lists no errors (the caller
 * then shows the problem itself).
 */
export function appServerErrors(
  problem: Problem,
  lines: Readonly<Partial<Record<UriField, readonly number[]>>> = {},
): { fields: AppFieldErrors; general: string[] } {
  const found: Partial<Record<AppField, string[]>> = {};
  const general = new Set<string>();
  const list = Array.isArray(problem['errors']) ? (problem['errors'] as unknown[]) : [];
  for (const entry of list) {
    if (!entry || typeof entry !== 'object') continue;
    const { path, rule } = entry as { path?: unknown; rule?: unknown };
    const parts = (typeof path === 'string' ? path : '').split('/').filter((part) => part !== '');
    if (parts[0] === 'body') parts.shift();
    const [first, second] = parts;
    const field = fields.find((candidate) => candidate === first);
    if (!field) {
      general.add(t('problem.validation_failed'));
      continue;
    }
    let text = t('admin.apps.refused.name');
    if (field === 'backchannelLogoutUri') text = t('admin.apps.refused.backchannel');
    else if (field !== 'name') {
      const index = second !== undefined && /^\d+$/.test(second) ? Number(second) : undefined;
      const line = index === undefined ? undefined : lines[field]?.[index];
      // The server's `rule` says why (https, a fragment, a wildcard, ...); an unknown one reads generally.
      const why = { rule: typeof rule === 'string' && uriRules.has(rule) ? rule : 'other' };
      text =
        line !== undefined
          ? t('admin.apps.refused.uriLine', { line, ...why })
          : index !== undefined
            ? t('admin.apps.refused.uriNumber', { number: index + 1, ...why })
            : t('admin.apps.refused.uris', { max: maxUris });
    }
    if (!found[field]?.includes(text)) found[field] = [...(found[field] ?? []), text];
  }
  return { fields: found, general: [...general] };
}
