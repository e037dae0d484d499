import { describe, expect, it } from 'vitest';
import { createApiClient, type Fetch, toProblem } from './api.js';
import { afterSignIn, pagePath, tenantFromPath } from './tenant.js';

function recordingFetch(status: number, body: string, type = 'application/json') {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchImpl: Fetch = async (url, init) => {
    calls.push({ url, init });
    return new Response(status === 204 ? null : body, { status, headers: { 'content-type': type } });
  };
  return { calls, fetchImpl };
}

describe('the API client', () => {
  it('sends JSON to the tenant API with cookies of this origin only', async () => {
    const { calls, fetchImpl } = recordingFetch(200, '{"flowId":"f1"}');
    const api = createApiClient('acme corp', fetchImpl);
    const result = await api.post('/sign-in', { username: 'ada' });
    expect(result).toEqual({ ok: true, data: { flowId: 'f1' } });
    expect(calls[0]?.url).toBe('/t/acme%20corp/api/v1/sign-in');
    expect(calls[0]?.init).toMatchObject({
      method: 'POST',
      credentials: 'same-origin',
      body: '{"username":"ada"}',
    });
    expect(calls[0]?.init.headers).toMatchObject({ 'content-type': 'application/json' });
  });

  it('returns a problem with its code and extras as a value', async () => {
    const { fetchImpl } = recordingFetch(
      429,
      '{"type":"urn:twofold:problem:locked_out","code":"locked_out","detail":"wait","retryAfter":900}',
      'application/problem+json',
    );
    const result = await createApiClient('acme', fetchImpl).post('/sign-in/f/verify', { code: '1' });
    expect(result).toMatchObject({
      ok: false,
      problem: { status: 429, code: 'locked_out', retryAfter: 900 },
    });
  });

  it('turns a non-JSON error page and an unreachable server into problems too', async () => {
    const html = recordingFetch(502, '<html>Bad gateway</html>', 'text/html');
    expect(await createApiClient('acme', html.fetchImpl).get('/me')).toEqual({
      ok: false,
      problem: { status: 502, code: 'internal_error' },
    });
    const down = await createApiClient('acme', async () => {
      throw new TypeError('Failed to fetch');
    }).get('/me');
    expect(down).toMatchObject({ ok: false, problem: { status: 0, code: 'network_error' } });
    expect(toProblem(401, undefined).code).toBe('unauthenticated');
    const empty = recordingFetch(204, '');
    expect(await createApiClient('acme', empty.fetchImpl).delete('/me/methods/m1')).toEqual({
      ok: true,
      data: {},
    });
  });

  it('reads the tenant from the address', () => {
    expect(tenantFromPath('/t/acme/sign-in')).toBe('acme');
    expect(tenantFromPath('/t/acme%2Dcorp/security-info')).toBe('acme-corp');
    expect(tenantFromPath('/sign-in')).toBeUndefined();
    expect(tenantFromPath('/t/%E0%A4%A/sign-in')).toBeUndefined();
    expect(pagePath('acme', 'security-info')).toBe('/t/acme/security-info');
  });

  it('after sign-in, returns only to a page of the same tenant', () => {
    expect(afterSignIn('acme', '?returnTo=%2Ft%2Facme%2Fadmin')).toBe('/t/acme/admin');
    expect(afterSignIn('acme', '?returnTo=/t/acme/admin%23/users/42')).toBe('/t/acme/admin#/users/42');
    expect(afterSignIn('acme', '')).toBe('/t/acme/security-info');
    for (const hostile of [
      'https://evil.example/t/acme/admin',
      '//evil.example/t/acme/admin',
      '/t/other/admin',
      '/t/acme/admin/../../other/admin',
      '/t/acme/adminx',
      'javascript:alert(1)',
    ]) {
      expect(afterSignIn('acme', `?returnTo=${encodeURIComponent(hostile)}`)).toBe('/t/acme/security-info');
    }
  });
});
