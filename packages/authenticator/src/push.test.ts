import { generateKeyPairSync } from 'node:crypto';
import type { VaultPush } from '@twofold/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signDeviceRequest, signingString } from './push.js';
import { type PushStandIn, startPushStandIn } from './test-support/push-stand-in.js';
import { useAuthenticator } from './test-support/run.js';

function twofoldUri(server: string, token: string): string {
  const q = (text: string) => encodeURIComponent(text);
  return (
    'otpauth://totp/Twofold%20(Acme):ann@acme.test?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Twofold%20(Acme)' +
    `&twofold_push=${q(token)}&twofold_server=${q(server)}&twofold_tenant=acme`
  );
}

type Added = { added: { id: string; push: { deviceId: string } | null; pushActivation?: string }[] };

describe('twofold-authenticator: push approvals against a stand-in that checks signatures as the protocol says', () => {
  const t = useAuthenticator();
  let server: PushStandIn;
  beforeEach(async () => {
    server = await startPushStandIn();
  });
  afterEach(async () => {
    await server.close();
  });

  async function activated(): Promise<string> {
    server.tokens.add('tfp_good');
    const added = (await t.json([
      'add',
      twofoldUri(server.url, 'tfp_good'),
      '--device-name',
      'Test laptop',
    ])) as Added;
    expect(added.added[0]!.pushActivation).toBe('activated');
    return added.added[0]!.push!.deviceId;
  }

  it('add activates push: a P-256 public JWK is sent, the private key stays in the vault', async () => {
    const deviceId = await activated();
    const activation = server.requests.find((r) => r.url === '/t/acme/api/v1/devices/activate')!;
    const body = JSON.parse(activation.body);
    expect(body).toEqual({
      activationToken: 'tfp_good',
      publicKey: { kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String) },
      name: 'Test laptop',
    });
    expect(server.devices.get(deviceId)?.name).toBe('Test laptop');
    const list = (await t.json(['list'])) as { push: unknown; issuer: string }[];
    expect(list[0]).toMatchObject({
      issuer: 'Twofold (Acme)',
      push: { server: server.url, tenant: 'acme', deviceId },
    });
    // The activation parameters are spent: an otpauth export no longer carries them, and no key leaves.
    const exported = await t.run(['export', '--format', 'otpauth', '--out', '-', '--vault', t.vault()]);
    expect(exported.stdout).not.toContain('twofold_push');
    expect(exported.stderr).toMatch(/push activation is not exported/);
  });

  it('approve with the number: signed list (wait=0) then signed answer; deny and report too', async () => {
    const deviceId = await activated();
    const first = server.addChallenge(42);
    const approved = (await t.json(['approve', '--number', '42'])) as {
      status: string;
      challenge: { id: string };
    };
    expect(approved).toMatchObject({
      status: 'approved',
      decision: 'approve',
      challenge: { id: first.id, ip: '203.0.113.7' },
    });
    expect(first.answer).toEqual({ decision: 'approve', number: 42 });
    const signed = server.requests.filter((r) => r.signature !== undefined);
    expect(signed.map((r) => [r.method, r.url, r.signature])).toEqual([
      ['GET', `/t/acme/api/v1/devices/${deviceId}/challenges?wait=0`, 'ok'],
      ['POST', `/t/acme/api/v1/devices/${deviceId}/challenges/${first.id}`, 'ok'],
    ]);

    const second = server.addChallenge(17);
    const denied = await t.run(['deny', '--vault', t.vault()]);
    expect(denied.code).toBe(0);
    expect(denied.stdout).toMatch(/^Denied: Acme \(Twofold sign-in\) from 203\.0\.113\.7 at /);
    expect(second.answer).toEqual({ decision: 'deny' });

    const third = server.addChallenge(55);
    expect(await t.json(['deny', '--report'])).toMatchObject({ status: 'reported', decision: 'report' });
    expect(third.answer).toEqual({ decision: 'report' });
    expect(server.requests.every((r) => r.signature === undefined || r.signature === 'ok')).toBe(true);
  });

  it('refusals: nothing pending, a wrong number, several pending without --challenge, no --number off a terminal', async () => {
    await activated();
    const none = await t.run(['approve', '--number', '10', '--vault', t.vault()]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no_pending_challenge/);

    const wrong = server.addChallenge(42);
    const mismatch = await t.run(['approve', '--number', '24', '--json', '--vault', t.vault()]);
    expect(mismatch.code).toBe(1);
    expect(JSON.parse(mismatch.stderr).error.code).toBe('push_number_mismatch');
    expect(wrong.answer).toEqual({ decision: 'approve', number: 24 });

    const a = server.addChallenge(11);
    const b = server.addChallenge(22, { ip: '198.51.100.9' });
    const several = await t.run(['approve', '--number', '22', '--vault', t.vault()]);
    expect(several.code).toBe(2);
    expect(several.stdout).toContain(`  ${a.id}  Acme (Twofold sign-in) from 203.0.113.7`);
    expect(several.stdout).toContain(`  ${b.id}  Acme (Twofold sign-in) from 198.51.100.9`);
    expect(several.stderr).toMatch(/answer one with --challenge ID \(challenge_choice_required\)/);
    expect(a.answer).toBeUndefined();
    const noNumber = await t.run(['approve', '--challenge', b.id, '--vault', t.vault()]);
    expect(noNumber.code).toBe(2);
    expect(noNumber.stderr).toMatch(/approve needs --number N/);
    // On a terminal, the number is asked for after showing the request.
    const typed = await t.run(['approve', '--challenge', b.id, '--vault', t.vault()], {
      ttyStdin: true,
      stdin: '22\r',
    });
    expect(typed.code, typed.stderr).toBe(0);
    expect(typed.stderr).toMatch(
      /Sign-in request: Acme \(Twofold sign-in\) from 198\.51\.100\.9[\s\S]*Number shown on the sign-in page: 22/,
    );
    expect(b.answer).toEqual({ decision: 'approve', number: 22 });
    const unknown = await t.run(['deny', '--challenge', 'ch_nope', '--vault', t.vault()]);
    expect(unknown.stderr).toMatch(/no pending sign-in request has the id 'ch_nope'/);
  });

  it('a failed activation still adds the account for codes, says why, and `activate` retries', async () => {
    const added = await t.run(['add', twofoldUri(server.url, 'tfp_unknown'), '--vault', t.vault()]);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Added Twofold (Acme) (ann@acme.test) (totp).');
    expect(added.stderr).toMatch(
      /added for codes, but push approvals could not be activated: unknown or spent activation token .*\(push_activation_invalid\)/,
    );
    expect(((await t.json(['list'])) as { push: unknown; code: string }[])[0]).toMatchObject({
      push: null,
      code: expect.stringMatching(/^\d{6}$/),
    });
    const again = await t.run(['activate', 'acme', '--vault', t.vault()]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/push_activation_invalid/);
    server.tokens.add('tfp_unknown'); // e.g. the server came back
    const retried = (await t.json(['activate', 'acme'])) as { push: { deviceId: string } };
    expect(retried.push.deviceId).toMatch(/^dev_/);
    const done = await t.run(['activate', 'acme', '--vault', t.vault()]);
    expect(done.stderr).toMatch(/already activated/);

    const unreachable = await t.run([
      'add',
      twofoldUri('http://127.0.0.1:9', 'tfp_x').replace('ann@acme', 'bob@acme'),
      '--vault',
      t.vault(),
    ]);
    expect(unreachable.code).toBe(0);
    expect(unreachable.stderr).toMatch(/could not be activated: .*\(server_unreachable\)/);
  });

  it('the stand-in refuses what the server must refuse: another key, a changed body, a stale timestamp', async () => {
    const deviceId = await activated();
    const challenge = server.addChallenge(42);
    const url = new URL(`${server.url}/t/acme/api/v1/devices/${deviceId}/challenges/${challenge.id}`);
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const push: VaultPush = {
      server: server.url,
      tenant: 'acme',
      deviceId,
      privateKey: { kty: 'EC', crv: 'P-256', x: stranger.x!, y: stranger.y!, d: stranger.d! },
      activatedAt: new Date().toISOString(),
    };
    const body = JSON.stringify({ decision: 'approve', number: 42 });
    const send = (headers: Record<string, string>, sentBody = body) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: sentBody,
      });
    expect((await send(signDeviceRequest(push, 'POST', url, body))).status).toBe(401);
    expect(server.requests.at(-1)!.signature).toBe('bad signature');
    expect((await send(signDeviceRequest(push, 'POST', url, body, Date.now() - 6 * 60 * 1000))).status).toBe(
      401,
    );
    expect(server.requests.at(-1)!.signature).toBe('stale timestamp');
    expect(challenge.answer).toBeUndefined();
    expect(signingString('post', '/p?q=1', 5, '')).toBe(
      'POST\n/p?q=1\n5\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('approve --wait long-polls until a request arrives', async () => {
    const deviceId = await activated();
    // The request arrives once the long-poll is open (not after a fixed delay, which a slow
    // start of the command on a busy machine outran: the first look then found it already).
    let added = 0;
    const arrive = (async () => {
      const longPoll = `/t/acme/api/v1/devices/${deviceId}/challenges?wait=10`;
      while (!server.requests.some((r) => r.method === 'GET' && r.url === longPoll)) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      server.addChallenge(33);
      added = Date.now();
    })();
    const result = await t.run(['approve', '--number', '33', '--wait', '10', '--vault', t.vault()]);
    await arrive;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Approved: Acme/);
    expect(result.stderr).toContain('waiting up to 10 s for a sign-in request...');
    // Answered when the request came, not when the 10 s wait ran out.
    expect(Date.now() - added).toBeLessThan(8000);
    expect(server.requests.filter((r) => r.method === 'GET').map((r) => r.url)).toEqual([
      `/t/acme/api/v1/devices/${deviceId}/challenges?wait=0`,
      `/t/acme/api/v1/devices/${deviceId}/challenges?wait=10`,
    ]);
    expect((await t.run(['approve', '--wait', '31', '--vault', t.vault()])).code).toBe(2);
  });
});

describe('twofold-authenticator time', () => {
  const t = useAuthenticator();
  let server: PushStandIn;
  beforeEach(async () => {
    server = await startPushStandIn();
  });
  afterEach(async () => {
    await server.close();
  });

  it('measures the offset against GET /api/v1/time, round-trip corrected, and warns past 5 s', async () => {
    server.clockOffsetMs = 42_000;
    const far = await t.run(['time', '--server', `${server.url}/`, '--json']);
    expect(far.code).toBe(0);
    const measured = JSON.parse(far.stdout);
    expect(measured).toMatchObject({ server: server.url, ok: false });
    expect(Math.abs(measured.offsetMs - 42_000)).toBeLessThan(250);
    expect(measured.roundTripMs).toBeLessThan(250);
    expect(JSON.parse(far.stderr.trim()).warning).toMatch(/the local clock is 42\.\d s behind the server/);

    server.clockOffsetMs = -1_500;
    const near = await t.run(['time', '--server', server.url]);
    expect(near.code).toBe(0);
    expect(near.stdout).toMatch(/^Clock offset: -1\.\d{3} s \(server minus local; round trip \d+ ms\): OK$/m);
    expect(near.stderr).toBe('');
    expect(server.requests.filter((r) => r.url === '/api/v1/time').length).toBe(6); // 3 samples each

    server.clockOffsetMs = -9_000;
    const ahead = await t.run(['time', '--server', server.url]);
    expect(ahead.stderr).toMatch(/warning: the local clock is 9\.\d s ahead of the server/);

    const down = await t.run(['time', '--server', 'http://127.0.0.1:9']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/server_unreachable/);
    expect((await t.run(['time', '--server', 'ftp://x'])).code).toBe(2);
    const noServer = await t.run(['time', '--vault', t.vault()]);
    expect(noServer.stderr).toMatch(/vault_not_found/);
  });

  it('uses the server of a push account when --server is not given', async () => {
    server.tokens.add('tfp_t');
    await t.json(['add', twofoldUri(server.url, 'tfp_t')]);
    const result = (await t.json(['time'])) as { server: string; ok: boolean };
    expect(result).toMatchObject({ server: server.url, ok: true });
  });
});
