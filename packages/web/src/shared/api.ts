/**
 * The one way the pages talk to the server: JSON over fetch, same origin, cookies included. Expected failures
 * come back as values carrying the server's problem+json (`code`, `detail` and extras), never as exceptions.
 */
export interface Problem {
  readonly status: number;
  /** The stable code from the error registry, or `network_error` when the server could not be reached. */
  readonly code: string;
  readonly title?: string;
  readonly detail?: string;
  readonly [extra: string]: unknown;
}

export type ApiResult<T> =
  | { readonly ok: true; readonly data: T }
  | { readonly ok: false; readonly problem: Problem };

export interface RequestOptions {
  /** Ends the request early (a long-poll the page no longer needs); it then resolves as a network_error. */
  readonly signal?: AbortSignal;
  /** Sends a string body as it is, with this Content-Type (a CSV file), instead of as JSON. */
  readonly contentType?: string;
}

export interface ApiClient {
  get<T>(path: string, options?: RequestOptions): Promise<ApiResult<T>>;
  post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResult<T>>;
  put<T>(path: string, body?: unknown): Promise<ApiResult<T>>;
  patch<T>(path: string, body?: unknown): Promise<ApiResult<T>>;
  /** A body is sent only when given (the admin API takes `{reason}` on some deletes). */
  delete<T>(path: string, body?: unknown): Promise<ApiResult<T>>;
}

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** Where the API of a tenant lives: `/t/{tenant}/api/v1` (for links, such as file downloads). */
export function apiBase(tenant: string): string {
  return `/t/${encodeURIComponent(tenant)}/api/v1`;
}

/** The API of one tenant: paths are relative to `/t/{tenant}/api/v1` (or to `base` when given). */
export function createApiClient(
  tenant: string,
  fetchImpl: Fetch = (input, init) => fetch(input, init),
  base: string = apiBase(tenant),
): ApiClient {
  async function send<T>(
    method: string,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (options.signal) init.signal = options.signal;
    if (options.contentType !== undefined && typeof body === 'string') {
      headers['content-type'] = options.contentType;
      init.body = body;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await fetchImpl(`${base}${path}`, init);
    } catch {
      return {
        ok: false,
        problem: { status: 0, code: 'network_error', detail: 'the server could not be reached' },
      };
    }
    const payload = await readJson(response);
    if (response.ok) return { ok: true, data: (payload ?? {}) as T };
    return { ok: false, problem: toProblem(response.status, payload) };
  }

  return {
    get: (path, options) => send('GET', path, undefined, options),
    post: (path, body, options) => send('POST', path, body ?? {}, options),
    put: (path, body) => send('PUT', path, body ?? {}),
    patch: (path, body) => send('PATCH', path, body ?? {}),
    delete: (path, body) => send('DELETE', path, body),
  };
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text().catch(() => '');
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A problem from any error answer, even one that is not problem+json (a proxy's HTML page, say). */
export function toProblem(status: number, payload: unknown): Problem {
  if (payload && typeof payload === 'object' && typeof (payload as { code?: unknown }).code === 'string') {
    return { ...(payload as Record<string, unknown>), status, code: (payload as { code: string }).code };
  }
  const code =
    status === 401
      ? 'unauthenticated'
      : status === 404
        ? 'not_found'
        : status === 429
          ? 'rate_limited'
          : status >= 500
            ? 'internal_error'
            : 'bad_request';
  return { status, code };
}
