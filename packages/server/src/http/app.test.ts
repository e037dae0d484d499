import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { testBackends } from '../test-support/databases.js';

for (const backend of testBackends) {
  describe(`HTTP foundation on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(backend, { TWOFOLD_BODY_LIMIT: '4096' });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('GET /healthz answers ok with the database kind', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'ok', database: backend.name });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    });

    it('GET /metrics is Prometheus text with request counters', async () => {
      await t.app.inject({ method: 'GET', url: '/healthz' });
      const res = await t.app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/plain');
      expect(res.body).toMatch(/twofold_http_requests_total\{[^}]*route="\/healthz"[^}]*\} \d+/);
      expect(res.body).toContain('twofold_process_cpu_seconds_total');
      expect(res.body).toContain('twofold_password_hash_queue{state="running"');
    });

    it('GET /api/openapi.json describes the routes from the same schemas that validate them', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json();
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/healthz', '/t/{tenant}/api/v1/setup']),
      );
      const setup = doc.paths['/t/{tenant}/api/v1/setup'].post;
      expect(setup.requestBody.content['application/json'].schema.required).toEqual(
        expect.arrayContaining(['token', 'email', 'password']),
      );
    });

    it('unknown routes are a 404 problem+json', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/no/such/route' });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({
        status: 404,
        code: 'not_found',
        type: 'urn:twofold:problem:not_found',
      });
    });

    it('an unknown tenant is tenant_not_found', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/t/nosuch/api/v1/setup',
        payload: { token: 'x', email: 'a@example.com', password: 'long enough password' },
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('tenant_not_found');
    });

    describe('bad input is a clear 4xx, never a 500', () => {
      const url = '/t/default/api/v1/setup';
      it.each([
        ['malformed JSON', { 'content-type': 'application/json' }, '{"email": ', 400, 'bad_request'],
        ['empty JSON body', { 'content-type': 'application/json' }, '', 400, 'bad_request'],
        ['wrong content type', { 'content-type': 'text/csv' }, 'a,b', 415, 'unsupported_media_type'],
        [
          'wrong types',
          { 'content-type': 'application/json' },
          '{"token":1,"email":"a@example.com","password":"long enough"}',
          400,
          'validation_failed',
        ],
        ['missing fields', { 'content-type': 'application/json' }, '{}', 400, 'validation_failed'],
        [
          'extra fields',
          { 'content-type': 'application/json' },
          '{"token":"t","email":"a@example.com","password":"long enough","admin":true}',
          400,
          'validation_failed',
        ],
        [
          'a body over the limit',
          { 'content-type': 'application/json' },
          `{"token":"${'x'.repeat(10_000)}"}`,
          413,
          'payload_too_large',
        ],
        ['a JSON array', { 'content-type': 'application/json' }, '[1,2,3]', 400, 'validation_failed'],
      ])('%s', async (_name, headers, payload, status, code) => {
        await t.runtime.services.setup.bootstrap('http://localhost:8080');
        const res = await t.app.inject({ method: 'POST', url, headers, payload });
        expect(res.statusCode).toBe(status);
        expect(res.headers['content-type']).toContain('application/problem+json');
        const body = res.json();
        expect(body).toMatchObject({ status, code });
        expect(typeof body.detail).toBe('string');
      });

      it('validation problems list each field', async () => {
        const res = await t.app.inject({
          method: 'POST',
          url,
          payload: { token: 'x', email: 'a@example.com' },
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().errors).toEqual([
          expect.objectContaining({ path: 'body', message: expect.stringContaining('password') }),
        ]);
      });
    });
  });
}
