import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { activatedPush, pushActivationOf, signingString, withoutPushParameters } from './device-protocol.js';

describe('push device protocol', () => {
  it('signs method, path, timestamp and the SHA-256 of the body, one per line', () => {
    const body = '{"decision":"approve","number":42}';
    expect(signingString('post', '/t/acme/api/v1/devices/d1/challenges/c1', 1_700_000_000_000, body)).toBe(
      `POST\n/t/acme/api/v1/devices/d1/challenges/c1\n1700000000000\n${createHash('sha256').update(body).digest('hex')}`,
    );
    expect(signingString('GET', '/x?wait=25', 1, '').split('\n')[3]).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('reads the activation parameters of an otpauth URI, and drops them once spent', () => {
    const extra = {
      twofold_push: 'tfp_x',
      twofold_server: 'https://mfa.example.com/',
      twofold_tenant: 'acme',
      image: 'https://example.com/i.png',
    };
    expect(pushActivationOf(extra)).toEqual({
      token: 'tfp_x',
      server: 'https://mfa.example.com',
      tenant: 'acme',
    });
    expect(pushActivationOf({ twofold_push: 'tfp_x' })).toBeUndefined();
    expect(withoutPushParameters(extra)).toEqual({ image: 'https://example.com/i.png' });
  });

  it("keeps the activation answer's device id, tenant, tenant name and email, and refuses one without a device id", () => {
    const params = { token: 'tfp_x', server: 'https://mfa.example.com', tenant: 'acme' };
    const key = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' } as const;
    const at = new Date(Date.UTC(2026, 5, 9, 13));
    expect(
      activatedPush(
        params,
        { deviceId: 'd1', tenant: 'acme', tenantName: 'Acme', userEmail: 'a•••@example.com' },
        key,
        at,
      ),
    ).toEqual({
      server: 'https://mfa.example.com',
      tenant: 'acme',
      tenantName: 'Acme',
      deviceId: 'd1',
      userEmail: 'a•••@example.com',
      privateKey: key,
      activatedAt: '2026-06-09T13:00:00.000Z',
    });
    expect(activatedPush(params, { deviceId: 'd1', tenantName: 7 }, key, at)).toEqual({
      server: 'https://mfa.example.com',
      tenant: 'acme',
      deviceId: 'd1',
      privateKey: key,
      activatedAt: '2026-06-09T13:00:00.000Z',
    });
    for (const answer of [undefined, null, 'd1', {}, { deviceId: '' }, { deviceId: 1 }])
      expect(() => activatedPush(params, answer, key, at)).toThrow(
        expect.objectContaining({ code: 'server_response_invalid' }),
      );
  });
});
