/**
 * Issue 14, item 8 (slow clients): a request whose body (or headers) arrives a byte at a time, or a
 * connection that sends nothing, was never timed out, so a few hundred such sockets held the
 * server's connections for ever. A request must now arrive within TWOFOLD_REQUEST_TIMEOUT_MS (1 s
 * here, 30 s by default); a slower client gets 408 request_timeout as problem+json and its
 * connection is closed, while other requests are answered as usual. The long-polls (a device
 * waiting for pushes, a sign-in waiting for the answer) hold their request open for longer than
 * that limit, and must keep working: their wait begins once the request has arrived. Real sockets
 * against a server listening on a port, on both databases.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createManualClock } from '../platform/clock.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { enrol, password } from '../test-support/attack-kit.js';
import { testBackends } from '../test-support/databases.js';
import { unusedPort } from '../test-support/message-servers.js';
import { createTestPushDevice, type TestPushDevice } from '../test-support/push-device.js';
import { createHttpBrowser } from '../test-support/serve-processes.js';

const requestTimeoutMs = 1000;
/** How long a probe waits for the server to cut it off before it calls the connection held. */
const giveUpMs = 5000;
const base = '/t/acme/api/v1';

interface SlowResult {
  /** From the first byte sent (or the connection) until the server closed it, or undefined if it never did. */
  readonly closedAfterMs: number | undefined;
  readonly answer: string;
}

/**
 * A client that sends `head`, then `dribble` one byte every `everyMs` (a few hundred bytes are
 * more than the request needs, so it is never complete), and records when the server closes.
 */
function slowClient(port: number, head: string, dribble: string, everyMs: number): Promise<SlowResult> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let startedAt = 0;
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      resolve({ closedAfterMs: undefined, answer });
    }, giveUpMs);
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ closedAfterMs: Date.now() - startedAt, answer });
    });
    socket.on('connect', () => {
      startedAt = Date.now();
      if (head) socket.write(head);
      timer = setInterval(() => {
        if (!socket.destroyed && sent < dribble.length) socket.write(dribble[sent++] ?? ' ');
      }, everyMs);
    });
  });
}

/** The status and the problem's code of a raw HTTP answer. */
function parseAnswer(answer: string): { status: number; code: string | undefined; type: string | undefined } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  const type = /\r\ncontent-type: ([^\r]+)/i.exec(head)?.[1];
  let code: string | undefined;
  try {
    code = (JSON.parse(body) as { code?: string }).code;
  } catch {
    code = undefined;
  }
  return { status, code, type };
}

for (const backend of testBackends) {
  describe(`slow clients are cut off, long-polls are not (${backend.name})`, () => {
    const clock = createManualClock(Math.floor(Date.now() / 30_000) * 30_000 + 10_000);
    let t: TestApp;
    let port = 0;
    let origin = '';

    beforeAll(async () => {
      port = await unusedPort();
      origin = `http://127.0.0.1:${port}`;
      t = await createTestApp(
        backend,
        { TWOFOLD_PUBLIC_URL: origin, TWOFOLD_REQUEST_TIMEOUT_MS: String(requestTimeoutMs) },
        { clock },
      );
      await t.app.listen({ port, host: '127.0.0.1' });
      await t.runtime.services.tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
    });
    afterAll(async () => {
      await t?.close();
    });

    /** GET /healthz over HTTP every 100 ms while `during` runs: how many answered 200, and the slowest. */
    async function othersWhile<T>(during: Promise<T>): Promise<{ result: T; ok: number; slowestMs: number }> {
      let done = false;
      let ok = 0;
      let slowestMs = 0;
      const pinging = (async () => {
        while (!done) {
          const sentAt = Date.now();
          const response = await fetch(`${origin}/healthz`);
          slowestMs = Math.max(slowestMs, Date.now() - sentAt);
          if (response.status === 200) ok += 1;
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      const result = await during;
      done = true;
      await pinging;
      return { result, ok, slowestMs };
    }

    const expectCutOff = (result: SlowResult, what: string) => {
      expect(result.closedAfterMs, `${what}: still open after ${giveUpMs} ms`).toBeDefined();
      expect(result.closedAfterMs, what).toBeGreaterThanOrEqual(requestTimeoutMs - 100);
      expect(result.closedAfterMs, what).toBeLessThan(requestTimeoutMs + 1500);
      expect(parseAnswer(result.answer), what).toEqual({
        status: 408,
        code: 'request_timeout',
        type: 'application/problem+json',
      });
    };

    it('a body sent a byte at a time is cut off with 408, and other requests are served meanwhile', async () => {
      const head = `POST ${base}/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n`;
      const { result, ok, slowestMs } = await othersWhile(
        slowClient(port, head, `{"username":"ann@example.com","password":"${'x'.repeat(300)}"}`, 150),
      );
      expectCutOff(result, 'slow body');
      expect(ok).toBeGreaterThanOrEqual(5);
      expect(slowestMs).toBeLessThan(requestTimeoutMs);
    });

    it('headers sent a byte at a time, and a connection that sends nothing, are cut off too', async () => {
      const [slowHeaders, silent] = await Promise.all([
        slowClient(
          port,
          '',
          `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(300)}`,
          100,
        ),
        slowClient(port, '', '', 1000),
      ]);
      expectCutOff(slowHeaders, 'slow headers');
      expectCutOff(silent, 'silent connection');
    });

    it('the long-polls of a device and of a sign-in wait longer than the limit, and answer', async () => {
      const ann = await enrol(t, clock, { email: 'ann@example.com', origin });
      const key: TestPushDevice = createTestPushDevice();
      const activated = await fetch(`${origin}${base}/devices/activate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ activationToken: ann.pushToken, publicKey: key.publicKey, name: 'Phone' }),
      });
      expect(activated.status).toBe(201);
      const { deviceId } = (await activated.json()) as { deviceId: string };
      const signed = (method: 'GET' | 'POST', path: string, body?: unknown) => {
        const text = body === undefined ? undefined : JSON.stringify(body);
        return fetch(`${origin}${path}`, {
          method,
          headers: key.headers(deviceId, method, path, text, clock.now()),
          ...(text !== undefined ? { body: text } : {}),
        });
      };
      const elapsed = (since: number) => Date.now() - since;

      // The device waits; nothing is pending for longer than the limit, and the answer comes.
      const quietSince = Date.now();
      const quiet = await signed('GET', `${base}/devices/${deviceId}/challenges?wait=2`);
      expect(quiet.status).toBe(200);
      expect(await quiet.json()).toEqual({ challenges: [] });
      expect(elapsed(quietSince)).toBeGreaterThanOrEqual(1900);

      // The device waits again; the push comes after the limit has passed, while a slow client is cut off.
      const browser = createHttpBrowser(origin);
      const started = await browser.request(origin, 'POST', `${base}/sign-in`, {
        json: { username: 'ann@example.com', password },
      });
      expect(started.status).toBe(200);
      const flowId = started.json.flowId as string;
      const waitingSince = Date.now();
      const waiting = signed('GET', `${base}/devices/${deviceId}/challenges?wait=6`);
      const slow = slowClient(
        port,
        `POST ${base}/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99\r\n\r\n`,
        'x'.repeat(99),
        200,
      );
      await new Promise((r) => setTimeout(r, requestTimeoutMs + 500));
      const sent = await browser.request(origin, 'POST', `${base}/sign-in/${flowId}/challenge`, {
        json: { methodId: `push:${ann.methodId}` },
      });
      expect(sent.status).toBe(200);
      const received = await waiting;
      expect(received.status).toBe(200);
      expect(elapsed(waitingSince)).toBeGreaterThan(requestTimeoutMs + 400);
      const [challenge] = ((await received.json()) as { challenges: { id: string }[] }).challenges;
      expect(challenge).toBeDefined();
      expectCutOff(await slow, 'slow client beside the long-poll');

      // The sign-in page waits for the answer; the device approves after the limit has passed.
      const outcomeSince = Date.now();
      const outcome = browser.request(origin, 'GET', `${base}/sign-in/${flowId}/push?wait=6`);
      await new Promise((r) => setTimeout(r, requestTimeoutMs + 500));
      const approved = await signed('POST', `${base}/devices/${deviceId}/challenges/${challenge?.id}`, {
        decision: 'approve',
        number: sent.json.number,
      });
      expect(approved.status).toBe(200);
      const done = await outcome;
      expect(done.status).toBe(200);
      expect(done.json).toMatchObject({ status: 'signed_in' });
      expect(elapsed(outcomeSince)).toBeGreaterThan(requestTimeoutMs + 400);
    });
  });
}
