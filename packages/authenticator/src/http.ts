import { isErrorCode, TwofoldError } from '@twofold/core';

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Default time limit of one request. */
const DEFAULT_TIMEOUT_MS = 15_000;

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  if (error.name === 'TimeoutError') return 'no answer in time';
  return cause?.code ?? cause?.message ?? error.message;
}

/**
 * Sends a request and reads its JSON answer. A problem answer (RFC 9457) becomes a TwofoldError with the
 * server's code when the code is known here (push_number_mismatch, device_signature_invalid, ...), else
 * `server_response_invalid`; a network failure is `server_unreachable`.
 */
export async function requestJson(
  url: URL,
  init: {
    method: string;
    headers?: Record<string, string>;
    body?: string;
    timeoutMs?: number;
    signal?: AbortSignal;
  },
): Promise<JsonResponse> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: { accept: 'application/json', ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: AbortSignal.any([
        AbortSignal.timeout(init.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        ...(init.signal ? [init.signal] : []),
      ]),
      redirect: 'error',
    });
  } catch (error) {
    throw new TwofoldError('server_unreachable', `${url.origin}: ${describeCause(error)}`, undefined, {
      cause: error,
    });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.ok) {
    if (body === undefined && text !== '') {
      throw new TwofoldError(
        'server_response_invalid',
        `${url.origin} answered ${response.status} with something that is not JSON; is this a Twofold server?`,
      );
    }
    return { status: response.status, headers: response.headers, body };
  }
  const problem = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const code = typeof problem['code'] === 'string' ? problem['code'] : undefined;
  const detail =
    typeof problem['detail'] === 'string'
      ? problem['detail']
      : typeof problem['title'] === 'string'
        ? problem['title']
        : response.statusText;
  if (code !== undefined && isErrorCode(code)) {
    throw new TwofoldError(code, `${detail} (the server answered ${response.status})`, {
      status: response.status,
    });
  }
  throw new TwofoldError(
    'server_response_invalid',
    `${url.origin} answered ${response.status}${code ? ` ${code}` : ''}: ${detail}`,
    { status: response.status, ...(code ? { serverCode: code } : {}) },
  );
}

/** A server URL from a user or an otpauth URI: http(s) only, no query, without the trailing '/'. */
export function normalizeServerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new TwofoldError('validation_failed', `'${text}' is not a URL (expected https://host)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TwofoldError('validation_failed', `'${text}' is not an http(s) URL`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new TwofoldError(
      'validation_failed',
      `'${text}' must be a plain server URL (no credentials or query)`,
    );
  }
  return url.href.replace(/\/+$/, '');
}
