/**
 * Real servers for the courier's tests, on 127.0.0.1 with a port picked by the OS: an SMTP server
 * (smtp-server, messages parsed with mailparser), and HTTP stand-ins for Twilio's Messages API and
 * for an SMS webhook receiver that check credentials and signatures the way the real ones do.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `condition` holds (real time), or fails after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

// ---------------------------------------------------------------------------------------------
// SMTP

export interface ReceivedMail {
  /** The envelope (MAIL FROM / RCPT TO) and the parsed message. */
  readonly envelopeFrom: string;
  readonly envelopeTo: string[];
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly messageId: string;
}

export interface SmtpBehaviour {
  /** Answer RCPT TO with this (e.g. 550 or 451) instead of accepting. */
  readonly rejectRecipient?: { code: number; message: string };
  /** Wait this long before answering the end of DATA (a slow server). */
  readonly delayMs?: number;
}

export interface TestSmtpServer {
  /** smtp://user:password@127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** Messages accepted (250 after DATA), in order. */
  readonly received: ReceivedMail[];
  /** Connections that tried to authenticate with the wrong credentials. */
  readonly failedLogins: number;
  behave(behaviour: SmtpBehaviour): void;
  close(): Promise<void>;
}

export async function startTestSmtpServer(
  options: { user?: string; password?: string } = {},
): Promise<TestSmtpServer> {
  const user = options.user ?? 'courier';
  const password = options.password ?? 's3cret-smtp';
  const received: ReceivedMail[] = [];
  let behaviour: SmtpBehaviour = {};
  let failedLogins = 0;
  const server = new SMTPServer({
    // Plain connections on loopback: no STARTTLS offered, so nothing needs a certificate.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user });
      failedLogins++;
      return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      const reject = behaviour.rejectRecipient;
      if (reject) return callback(Object.assign(new Error(reject.message), { responseCode: reject.code }));
      return callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        async (parsed) => {
          if (behaviour.delayMs) await sleep(behaviour.delayMs);
          const to = Array.isArray(parsed.to)
            ? parsed.to.map((a) => a.text).join(', ')
            : (parsed.to?.text ?? '');
          received.push({
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            from: parsed.from?.text ?? '',
            to,
            subject: parsed.subject ?? '',
            text: (parsed.text ?? '').replace(/\n$/, ''),
            messageId: parsed.messageId ?? '',
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    port,
    received,
    get failedLogins() {
      return failedLogins;
    },
    behave(next) {
      behaviour = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A local port with nothing listening (connections are refused). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface HttpAnswer {
  readonly status: number;
  readonly json?: unknown;
  readonly delayMs?: number;
}

interface TestHttpServer {
  readonly url: string;
  close(): Promise<void>;
}

async function startHttpServer(
  handle: (request: RecordedRequest) => HttpAnswer | Promise<HttpAnswer>,
): Promise<TestHttpServer> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const request: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const answer = await handle(request);
      if (answer.delayMs) await sleep(answer.delayMs);
      if (res.destroyed) return;
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.json === undefined ? '' : JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Decides the next answers of a stand-in; the default accepts. */
export type AnswerRule = (request: RecordedRequest) => HttpAnswer | undefined;

export interface FakeTwilio extends TestHttpServer {
  /** Messages Twilio accepted (form fields), in order. */
  readonly messages: Array<{
    sid: string;
    to: string;
    from?: string;
    messagingServiceSid?: string;
    body: string;
  }>;
  /** Every request, accepted or not. */
  readonly requests: RecordedRequest[];
  answerWith(rule: AnswerRule | undefined): void;
}

/**
 * Twilio's `POST /2010-04-01/Accounts/{Sid}/Messages.json`: checks Basic authentication and the
 * account in the path (401 with Twilio's error JSON otherwise), requires To, Body and From or
 * MessagingServiceSid (400, code 21604/21602), answers 201 with a new `SM...` sid.
 */
export async function startFakeTwilio(credentials: {
  accountSid: string;
  authToken: string;
}): Promise<FakeTwilio> {
  const messages: FakeTwilio['messages'] = [];
  const requests: RecordedRequest[] = [];
  let rule: AnswerRule | undefined;
  const expectedAuth = `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString('base64')}`;
  const server = await startHttpServer((request) => {
    requests.push(request);
    const error = (status: number, code: number, message: string): HttpAnswer => ({
      status,
      json: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
    });
    if (
      request.method !== 'POST' ||
      request.path !== `/2010-04-01/Accounts/${credentials.accountSid}/Messages.json`
    ) {
      return error(404, 20404, 'The requested resource was not found');
    }
    if (request.headers.authorization !== expectedAuth) return error(401, 20003, 'Authenticate');
    const ruled = rule?.(request);
    if (ruled) return ruled;
    const form = new URLSearchParams(request.body);
    const to = form.get('To');
    const body = form.get('Body');
    const from = form.get('From') ?? undefined;
    const messagingServiceSid = form.get('MessagingServiceSid') ?? undefined;
    if (!to) return error(400, 21604, "A 'To' phone number is required.");
    if (!body) return error(400, 21602, 'Message body is required.');
    if (!from && !messagingServiceSid) return error(400, 21603, "The 'From' phone number is required.");
    const sid = `SM${createHmac('sha256', 'sid').update(String(messages.length)).update(body).digest('hex').slice(0, 32)}`;
    messages.push({
      sid,
      to,
      body,
      ...(from ? { from } : {}),
      ...(messagingServiceSid ? { messagingServiceSid } : {}),
    });
    return {
      status: 201,
      json: { sid, account_sid: credentials.accountSid, to, from, body, status: 'queued', num_segments: '1' },
    };
  });
  return { ...server, messages, requests, answerWith: (next) => (rule = next) };
}

export interface WebhookReceiver extends TestHttpServer {
  /** Bodies of correctly signed requests that were answered 2xx, in order. */
  readonly received: Array<{
    to: string;
    body: string;
    tenant: string | null;
    messageId: string;
    timestamp: number;
  }>;
  /** Requests whose signature did not verify (answered 401). */
  readonly badSignatures: RecordedRequest[];
  answerWith(rule: AnswerRule | undefined): void;
}

/** An SMS gateway that verifies X-Twofold-Signature as a real receiver should (HMAC over "<timestamp>.<raw body>"). */
export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const received: WebhookReceiver['received'] = [];
  const badSignatures: RecordedRequest[] = [];
  let rule: AnswerRule | undefined;
  const server = await startHttpServer((request) => {
    const timestamp = String(request.headers['x-twofold-timestamp'] ?? '');
    const signature = String(request.headers['x-twofold-signature'] ?? '');
    const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex')}`;
    const valid =
      signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
    if (request.method !== 'POST' || !valid || request.headers['content-type'] !== 'application/json') {
      badSignatures.push(request);
      return { status: 401, json: { error: 'bad signature' } };
    }
    const ruled = rule?.(request);
    if (ruled && (ruled.status < 200 || ruled.status > 299)) return ruled;
    const json = JSON.parse(request.body) as { to: string; body: string; tenant: string | null };
    received.push({
      ...json,
      messageId: String(request.headers['x-twofold-message-id'] ?? ''),
      timestamp: Number(timestamp),
    });
    return ruled ?? { status: 202, json: { id: `gw-${received.length}` } };
  });
  return { ...server, received, badSignatures, answerWith: (next) => (rule = next) };
}
