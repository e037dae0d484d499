import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

/**
 * A client for `app.inject()` that keeps cookies like a browser (by name; paths are ignored, which
 * is fine for tests that talk to one tenant) and sends a same-origin `Origin` on unsafe requests.
 */
export interface BrowserClient {
  readonly cookies: Map<string, string>;
  request(options: InjectOptions & { json?: unknown }): Promise<LightMyRequestResponse>;
  post(url: string, json?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  delete(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  put(url: string, json?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export function createBrowserClient(app: FastifyInstance, origin = 'http://localhost:8080'): BrowserClient {
  const cookies = new Map<string, string>();

  function remember(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies as {
      name: string;
      value: string;
      expires?: Date;
      maxAge?: number;
    }[]) {
      // Tests run on a frozen clock, so only a cookie being cleared counts as expiry (an
      // expiry date in 1970, Max-Age 0 or an empty value), not the real time of day.
      const cleared =
        (cookie.expires && cookie.expires.getTime() < Date.UTC(2000, 0, 1)) || cookie.maxAge === 0;
      const expired = cleared || cookie.value === '';
      if (expired) cookies.delete(cookie.name);
      else cookies.set(cookie.name, cookie.value);
    }
  }

  async function request(options: InjectOptions & { json?: unknown }): Promise<LightMyRequestResponse> {
    const { json, ...rest } = options;
    const headers: Record<string, string> = { ...(rest.headers as Record<string, string> | undefined) };
    if (cookies.size > 0 && headers['cookie'] === undefined) {
      headers['cookie'] = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    const method = String(rest.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD' && headers['origin'] === undefined) headers['origin'] = origin;
    const response = await app.inject({
      ...rest,
      headers,
      ...(json !== undefined ? { payload: json as InjectOptions['payload'] } : {}),
    } as InjectOptions);
    remember(response);
    return response;
  }

  return {
    cookies,
    request,
    post: (url, json, headers) =>
      request({ method: 'POST', url, ...(json !== undefined ? { json } : {}), headers: headers ?? {} }),
    get: (url, headers) => request({ method: 'GET', url, headers: headers ?? {} }),
    delete: (url, headers) => request({ method: 'DELETE', url, headers: headers ?? {} }),
    put: (url, json, headers) =>
      request({ method: 'PUT', url, ...(json !== undefined ? { json } : {}), headers: headers ?? {} }),
  };
}
