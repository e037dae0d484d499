import pino, { type Logger } from 'pino';

/**
 * Keys whose values never reach a log line, wherever they appear one or two levels deep. Secrets
 * in request bodies are not logged at all (Fastify does not log bodies); this is the second line.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...[
    'password',
    'secret',
    'token',
    'pass',
    'code',
    'key',
    'temporaryAccessPass',
    'clientSecret',
    'otpauthUri',
  ].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

const redacted = '[redacted]';

/**
 * Path parameters that are plain identifiers (a tenant's slug, a user's, method's, application's or
 * device's id): their values are logged. Every other one is not, whatever a route calls it: a
 * sign-in's flow id, an OpenID Connect interaction id, and whatever a future route puts in a path.
 */
const loggedParams = new Set(['tenant', 'id', 'methodId', 'clientId', 'deviceId']);

/** Query parameters whose values say how a request was made and hold nothing secret; others show their name only. */
const loggedQuery = new Set([
  'client_id',
  'response_type',
  'response_mode',
  'scope',
  'prompt',
  'max_age',
  'acr_values',
  'code_challenge_method',
  'ui_locales',
  'format',
  'limit',
  'lang',
]);

/**
 * A segment of a path no route names (a wildcard's, or an unmatched path's) is logged when it is a
 * short lower-case word such as `session` or `.well-known`: an id or a token has capitals, digits
 * or more length.
 */
const routeWord = /^[a-z][a-z.-]{0,19}$|^\.well-known$/;

/** What the request serializer reads of a Fastify request (or of a bare Node request). */
interface LoggedRequest {
  readonly method?: string;
  readonly url?: string;
  readonly host?: string;
  readonly ip?: string;
  readonly params?: unknown;
  readonly routeOptions?: { readonly url?: string };
  readonly socket?: { readonly remotePort?: number; readonly remoteAddress?: string };
}

function loggedPath(path: string, pattern: string | undefined, params: Record<string, unknown>): string {
  const segments = path.split('/');
  const words = (text: string) =>
    text
      .split('/')
      .map((s) => (s === '' || routeWord.test(s) ? s : redacted))
      .join('/');
  if (!pattern) return words(path);
  const shape = pattern.split('/');
  return shape
    .map((part, i) => {
      if (part === '*') return words(segments.slice(i).join('/'));
      if (!part.startsWith(':')) return part;
      const name = part.slice(1);
      const value = params[name];
      return loggedParams.has(name) && typeof value === 'string' ? encodeURIComponent(value) : redacted;
    })
    .join('/');
}

function loggedQueryString(query: string): string {
  if (query === '') return '';
  const parts = query.split('&').map((pair) => {
    const at = pair.indexOf('=');
    const name = at === -1 ? pair : pair.slice(0, at);
    let decoded = name;
    try {
      decoded = decodeURIComponent(name.replaceAll('+', ' '));
    } catch {
      // A name that does not decode is logged as sent, without its value.
    }
    return at === -1 || loggedQuery.has(decoded) ? pair : `${name}=${redacted}`;
  });
  return `?${parts.join('&')}`;
}

/**
 * The request's URL as a log line may show it: the route's own words, the values of identifier
 * parameters, and the values of a few harmless query parameters; flow ids, interaction ids, tokens
 * and hints (an `id_token_hint` is a JWT with the user's email and name) are `[redacted]`.
 */
export function loggedUrl(request: LoggedRequest): string {
  const url = request.url ?? '';
  const cut = url.indexOf('?');
  const path = cut === -1 ? url : url.slice(0, cut);
  const query = cut === -1 ? '' : url.slice(cut + 1);
  const params = (request.params && typeof request.params === 'object' ? request.params : {}) as Record<
    string,
    unknown
  >;
  return `${loggedPath(path, request.routeOptions?.url, params)}${loggedQueryString(query)}`;
}

/** JSON lines on stdout (or the given stream), secrets redacted. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'twofold' },
      redact: { paths: redactedPaths, censor: redacted },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: {
        req: (request: LoggedRequest) => ({
          method: request.method,
          url: loggedUrl(request),
          host: request.host,
          remoteAddress: request.ip ?? request.socket?.remoteAddress,
          remotePort: request.socket?.remotePort,
        }),
      },
    },
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
