import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, loggedUrl } from './log.js';

async function capture(write: (log: ReturnType<typeof createLogger>) => void): Promise<string> {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c) => chunks.push(String(c)));
  const log = createLogger('info', stream);
  write(log);
  await new Promise((r) => setImmediate(r));
  return chunks.join('');
}

describe('structured logs', () => {
  it('are JSON lines that never contain secret-looking values', async () => {
    const text = await capture((log) => {
      log.info(
        { password: 'hunter2-password', user: { email: 'a@example.com', token: 'tfs_secret-token' } },
        'signed up',
      );
      log.info(
        { body: { temporaryAccessPass: 'ABCD-EFGH-JKLM-NPQR', nested: { secret: 'JBSWY3DPEHPK3PXP' } } },
        'pass',
      );
      log.info(
        { req: { headers: { authorization: 'Bearer tfk_live-key', cookie: 'sid=session-cookie' } } },
        'request',
      );
      log.info({ code: '123456', key: 'tfk_other-key' }, 'verify');
    });
    const lines = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({
      level: 30,
      service: 'twofold',
      msg: 'signed up',
      user: { email: 'a@example.com' },
    });
    for (const secret of [
      'hunter2-password',
      'tfs_secret-token',
      'ABCD-EFGH-JKLM-NPQR',
      'JBSWY3DPEHPK3PXP',
      'tfk_live-key',
      'session-cookie',
      '123456',
      'tfk_other-key',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
  });
});

describe('request URLs in logs', () => {
  const flowId = 'Xq3v_0aZ-9bYc8dWe7fVg6hUi5jTk4lS';
  const idToken = 'eyJhbGciOiJSUzI1NiJ9.eyJlbWFpbCI6ImFkYUBleGFtcGxlLmNvbSJ9.c2lnbmF0dXJl';

  it('keep the route, identifiers and harmless query values, and redact the rest', () => {
    const cases: [Parameters<typeof loggedUrl>[0], string][] = [
      [
        {
          url: `/t/acme/api/v1/sign-in/${flowId}/verify`,
          routeOptions: { url: '/t/:tenant/api/v1/sign-in/:flowId/verify' },
          params: { tenant: 'acme', flowId },
        },
        '/t/acme/api/v1/sign-in/[redacted]/verify',
      ],
      [
        {
          url: '/t/acme/api/v1/admin/users/01a2-b3/methods/01c4?limit=5&cursor=abc',
          routeOptions: { url: '/t/:tenant/api/v1/admin/users/:id/methods/:methodId' },
          params: { tenant: 'acme', id: '01a2-b3', methodId: '01c4' },
        },
        '/t/acme/api/v1/admin/users/01a2-b3/methods/01c4?limit=5&cursor=[redacted]',
      ],
      [
        {
          url: `/t/acme/oidc/session/end?id_token_hint=${idToken}&post_logout_redirect_uri=https%3A%2F%2Fapp`,
          routeOptions: { url: '/t/:tenant/oidc/*' },
          params: { tenant: 'acme', '*': 'session/end' },
        },
        '/t/acme/oidc/session/end?id_token_hint=[redacted]&post_logout_redirect_uri=[redacted]',
      ],
      [
        {
          url: '/t/acme/oidc/auth/hT9kLp2_QwErTy0uIoPaS?client_id=wiki&scope=openid%20email&login_hint=ada%40example.com',
          routeOptions: { url: '/t/:tenant/oidc/*' },
          params: { tenant: 'acme', '*': 'auth/hT9kLp2_QwErTy0uIoPaS' },
        },
        '/t/acme/oidc/auth/[redacted]?client_id=wiki&scope=openid%20email&login_hint=[redacted]',
      ],
      [
        {
          url: '/t/acme/.well-known/openid-configuration',
          routeOptions: { url: '/t/:tenant/.well-known/openid-configuration' },
          params: { tenant: 'acme' },
        },
        '/t/acme/.well-known/openid-configuration',
      ],
      [{ url: `/no/such/${flowId}/page?token=x` }, '/no/such/[redacted]/page?token=[redacted]'],
      [
        { url: '/t/acme/sign-in?interaction=hT9kLp2&lang=de' },
        '/t/acme/sign-in?interaction=[redacted]&lang=de',
      ],
    ];
    for (const [request, expected] of cases) expect(loggedUrl(request)).toBe(expected);
  });

  it('are logged through the request serializer', async () => {
    const text = await capture((log) => {
      log.info(
        {
          req: {
            method: 'GET',
            url: `/t/acme/oidc/session/end?id_token_hint=${idToken}`,
            routeOptions: { url: '/t/:tenant/oidc/*' },
            params: { tenant: 'acme', '*': 'session/end' },
            ip: '203.0.113.7',
          },
        },
        'incoming request',
      );
    });
    expect(JSON.parse(text).req).toMatchObject({
      method: 'GET',
      url: '/t/acme/oidc/session/end?id_token_hint=[redacted]',
      remoteAddress: '203.0.113.7',
    });
    expect(text).not.toContain(idToken.slice(0, 20));
  });
});
