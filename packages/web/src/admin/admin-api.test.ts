import { describe, expect, it } from 'vitest';
import { createApiClient, type Fetch } from '../shared/api.js';
import { createAdminApi, guardSession } from './admin-api.js';

function recorder(status = 200, body = '{}') {
  const calls: { url: string; method: string; body: unknown }[] = [];
  const fetchImpl: Fetch = async (url, init) => {
    calls.push({
      url,
      method: String(init.method),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    return new Response(status === 204 ? null : body, {
      status,
      headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
    });
  };
  return { calls, admin: createAdminApi(createApiClient('acme', fetchImpl), 'acme'), fetchImpl };
}

describe('the admin API paths and bodies', () => {
  it('searches users with a query, cursor and page size', async () => {
    const { calls, admin } = recorder();
    await admin.listUsers({ query: ' ada ', cursor: 'c1' });
    await admin.listUsers({});
    expect(calls.map((c) => c.url)).toEqual([
      '/t/acme/api/v1/admin/users?query=ada&cursor=c1&limit=50',
      '/t/acme/api/v1/admin/users?limit=50',
    ]);
  });

  it('sends each user action to its route with the reason when one is given', async () => {
    const { calls, admin } = recorder();
    await admin.requireReregistration('u/1', ' lost phone ');
    await admin.issuePass('u1', { lifetimeMinutes: 60, reusable: false, reason: '' });
    await admin.revokeSessions('u1', 'ticket 7');
    await admin.unlock('u1');
    await admin.clearPushBlock('u1', 'checked');
    await admin.updateUser('u1', { disabled: true, reason: ' left ' });
    await admin.deleteUser('u1', 'left the company');
    expect(calls).toEqual([
      {
        url: '/t/acme/api/v1/admin/users/u%2F1/require-reregistration',
        method: 'POST',
        body: { reason: 'lost phone' },
      },
      {
        url: '/t/acme/api/v1/admin/users/u1/temporary-access-pass',
        method: 'POST',
        body: { lifetimeMinutes: 60, reusable: false },
      },
      { url: '/t/acme/api/v1/admin/users/u1/revoke-sessions', method: 'POST', body: { reason: 'ticket 7' } },
      { url: '/t/acme/api/v1/admin/users/u1/unlock', method: 'POST', body: {} },
      { url: '/t/acme/api/v1/admin/users/u1/clear-push-block', method: 'POST', body: { reason: 'checked' } },
      { url: '/t/acme/api/v1/admin/users/u1', method: 'PATCH', body: { disabled: true, reason: 'left' } },
      { url: '/t/acme/api/v1/admin/users/u1', method: 'DELETE', body: { reason: 'left the company' } },
    ]);
  });

  it('sends method actions to the method routes', async () => {
    const { calls, admin } = recorder();
    await admin.deleteMethod('u1', 'm1', 'lost');
    await admin.resyncMethod('u1', 'm1', '123456', '654321');
    await admin.resetDrift('u1', 'm1');
    await admin.activateMethod('u1', 'm1', '111111');
    expect(calls).toEqual([
      { url: '/t/acme/api/v1/admin/users/u1/methods/m1', method: 'DELETE', body: { reason: 'lost' } },
      {
        url: '/t/acme/api/v1/admin/users/u1/methods/m1/resync',
        method: 'POST',
        body: { code1: '123456', code2: '654321' },
      },
      { url: '/t/acme/api/v1/admin/users/u1/methods/m1/reset-drift', method: 'POST', body: {} },
      { url: '/t/acme/api/v1/admin/users/u1/methods/m1/activate', method: 'POST', body: { code: '111111' } },
    ]);
  });

  it('filters logs and builds export links with the same filters', async () => {
    const { calls, admin } = recorder();
    const filter = { userId: 'u1', result: 'failure', reason: undefined, from: '2026-03-01T00:00:00.000Z' };
    await admin.signIns(filter, 'next');
    await admin.signInStats({ from: 'a', to: 'b', bucket: 'hour' });
    await admin.audit({ action: 'user.unlock' });
    expect(calls.map((c) => c.url)).toEqual([
      '/t/acme/api/v1/admin/sign-ins?userId=u1&result=failure&from=2026-03-01T00%3A00%3A00.000Z&cursor=next&limit=50',
      '/t/acme/api/v1/admin/sign-ins/stats?from=a&to=b&bucket=hour',
      '/t/acme/api/v1/admin/audit?action=user.unlock&limit=50',
    ]);
    expect(admin.exportUrl('sign-ins', filter, 'csv')).toBe(
      '/t/acme/api/v1/admin/sign-ins?userId=u1&result=failure&from=2026-03-01T00%3A00%3A00.000Z&format=csv',
    );
    expect(admin.exportUrl('audit', {}, 'json')).toBe('/t/acme/api/v1/admin/audit?format=json');
  });

  it('reads the outbox and sends the send limits with the policy', async () => {
    const { calls, admin } = recorder();
    await admin.outbox();
    await admin.outbox(5);
    const policy = {
      mfaRequired: true,
      allowedMethods: ['sms'],
      totp: { algorithm: 'SHA1', digits: 6, period: 30 },
      lockout: { failuresPerLock: 10, firstLockMinutes: 15 },
      temporaryAccessPass: { minMinutes: 10, maxMinutes: 480, defaultMinutes: 60 },
      sendLimits: { perUser: 3, perDestination: 3, perIp: 9, perTenant: 500 },
      defaultLocale: 'fr',
    } as const;
    await admin.putPolicy(policy, ' fewer texts ');
    expect(calls).toEqual([
      { url: '/t/acme/api/v1/admin/outbox?limit=100', method: 'GET', body: undefined },
      { url: '/t/acme/api/v1/admin/outbox?limit=5', method: 'GET', body: undefined },
      { url: '/t/acme/api/v1/admin/policy', method: 'PUT', body: { ...policy, reason: 'fewer texts' } },
    ]);
  });

  it('lists, registers and deletes applications (OpenID Connect clients)', async () => {
    const { calls, admin } = recorder();
    await admin.listOidcClients();
    await admin.createOidcClient({
      name: 'Payroll',
      redirectUris: ['https://pay.example/cb'],
      postLogoutRedirectUris: [],
      confidential: false,
      firstParty: true,
    });
    await admin.deleteOidcClient('c/1');
    expect(calls).toEqual([
      { url: '/t/acme/api/v1/admin/oidc-clients', method: 'GET', body: undefined },
      {
        url: '/t/acme/api/v1/admin/oidc-clients',
        method: 'POST',
        body: {
          name: 'Payroll',
          redirectUris: ['https://pay.example/cb'],
          postLogoutRedirectUris: [],
          confidential: false,
          firstParty: true,
        },
      },
      { url: '/t/acme/api/v1/admin/oidc-clients/c%2F1', method: 'DELETE', body: undefined },
    ]);
  });

  it('reports an ended session once per answer, and passes every answer on', async () => {
    const ended: number[] = [];
    const { fetchImpl } = recorder(401, '{"code":"unauthenticated","detail":"no session"}');
    const api = guardSession(createApiClient('acme', fetchImpl), () => ended.push(1));
    const result = await api.get('/admin/users');
    expect(result).toMatchObject({ ok: false, problem: { code: 'unauthenticated' } });
    await api.patch('/admin/users/u1', {});
    expect(ended).toHaveLength(2);

    const forbidden = recorder(403, '{"code":"forbidden","detail":"no"}');
    const quiet = guardSession(createApiClient('acme', forbidden.fetchImpl), () => ended.push(1));
    await quiet.delete('/admin/users/u1', { reason: 'x' });
    expect(ended).toHaveLength(2);
    expect(forbidden.calls[0]).toMatchObject({ method: 'DELETE', body: { reason: 'x' } });
  });
});
