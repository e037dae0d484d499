/**
 * Issue 14: /metrics (the traffic, routes and load of an instance) was open to anyone who could
 * reach the port. With TWOFOLD_METRICS_TOKEN set it needs that bearer token; without, only a client
 * on this host gets it: its TCP peer is loopback and no untrusted proxy forwarded it, or a proxy in
 * TWOFOLD_TRUST_PROXY says the client is loopback. Everyone else gets a problem+json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { testBackends } from '../test-support/databases.js';
import { isLoopbackAddress } from './metrics.js';

const outsider = '203.0.113.7';
const proxy = '10.0.0.1';
const token = 'metrics-token-0123456789abcdef';

describe('isLoopbackAddress', () => {
  it('is 127.0.0.0/8 and ::1, also IPv4-mapped, and nothing else', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])
      expect(isLoopbackAddress(address), address).toBe(true);
    for (const address of [
      '10.0.0.1',
      '::ffff:10.0.0.1',
      '::2',
      '0.0.0.0',
      '::',
      'localhost',
      '',
      '128.0.0.1',
    ])
      expect(isLoopbackAddress(address), address).toBe(false);
  });
});

for (const backend of testBackends) {
  describe(`who may read /metrics (${backend.name})`, () => {
    let open: TestApp;
    let proxied: TestApp;
    let guarded: TestApp;
    beforeAll(async () => {
      open = await createTestApp(backend);
      proxied = await createTestApp(backend, { TWOFOLD_TRUST_PROXY: proxy });
      guarded = await createTestApp(backend, { TWOFOLD_METRICS_TOKEN: token });
    });
    afterAll(async () => {
      await Promise.all([open?.close(), proxied?.close(), guarded?.close()]);
    });

    const scrape = (t: TestApp, remoteAddress: string, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'GET', url: '/metrics', remoteAddress, headers });

    const expectRefused = (
      response: Awaited<ReturnType<typeof scrape>>,
      status: 401 | 403,
      label: string,
    ) => {
      expect(response.statusCode, label).toBe(status);
      expect(response.headers['content-type'], label).toContain('application/problem+json');
      expect(response.json().code, label).toBe(status === 401 ? 'unauthenticated' : 'forbidden');
      expect(response.body, label).not.toContain('twofold_http_requests_total');
    };

    it('without a token: a client on this host reads them', async () => {
      for (const peer of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
        const response = await scrape(open, peer);
        expect(response.statusCode, peer).toBe(200);
        expect(response.body).toContain('twofold_http_requests_total');
      }
    });

    it('without a token: another host is refused, whatever it claims to forward', async () => {
      expectRefused(await scrape(open, outsider), 403, 'a remote peer');
      expectRefused(
        await scrape(open, outsider, { 'x-forwarded-for': '127.0.0.1' }),
        403,
        'a remote peer claiming to be loopback',
      );
      expectRefused(
        await scrape(open, outsider, { forwarded: 'for=127.0.0.1' }),
        403,
        'a remote peer claiming to be loopback (Forwarded)',
      );
    });

    it('without a token: a local proxy that is not trusted forwards someone else, who is refused', async () => {
      // nginx on the same host without TWOFOLD_TRUST_PROXY: the peer is loopback, the client is not.
      expectRefused(await scrape(open, '127.0.0.1', { 'x-forwarded-for': outsider }), 403, 'X-Forwarded-For');
      expectRefused(await scrape(open, '127.0.0.1', { forwarded: `for=${outsider}` }), 403, 'Forwarded');
    });

    it('without a token, behind a trusted proxy: the client address it gives decides', async () => {
      expectRefused(await scrape(proxied, proxy, { 'x-forwarded-for': outsider }), 403, 'a remote client');
      expectRefused(await scrape(proxied, proxy), 403, 'the proxy itself is not on this host');
      const local = await scrape(proxied, proxy, { 'x-forwarded-for': '127.0.0.1' });
      expect(local.statusCode).toBe(200);
    });

    it('with a token: only the token opens them, from anywhere', async () => {
      const right = { authorization: `Bearer ${token}` };
      for (const [label, peer, headers] of [
        ['loopback without the token', '127.0.0.1', {}],
        ['a wrong token', outsider, { authorization: `Bearer ${token.slice(0, -1)}x` }],
        ['the token as Basic', outsider, { authorization: `Basic ${token}` }],
        ['an empty bearer', outsider, { authorization: 'Bearer ' }],
      ] as const) {
        const response = await scrape(guarded, peer, headers);
        expectRefused(response, 401, label);
        expect(response.headers['www-authenticate'], label).toBe('Bearer realm="metrics"');
      }
      for (const peer of [outsider, '127.0.0.1']) {
        const response = await scrape(guarded, peer, right);
        expect(response.statusCode, peer).toBe(200);
        expect(response.body).toContain('twofold_http_requests_total');
      }
    });
  });
}
