/**
 * A stand-in for the Twofold server's push device routes (push protocol), on 127.0.0.1: it verifies every
 * device signature exactly as the protocol says, so the authenticator's signing is tested against the rules,
 * not against itself. Also answers GET /api/v1/time with a chosen clock offset.
 */
import { createHash, createPublicKey, type JsonWebKey, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInChallenge {
  id: string;
  number: number;
  tenant: string;
  tenantName: string;
  application: string;
  ip: string;
  createdAt: string;
  expiresAt: string;
  answer?: { decision: string; number?: number };
}

export interface StandInRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** 'ok', or why the signature was refused. */
  signature?: string;
}

export interface PushStandIn {
  url: string;
  /** Activation tokens that work (each once). */
  tokens: Set<string>;
  /** Public keys of activated devices by device id. */
  devices: Map<string, { publicKey: JsonWebKey; name: string; tenant: string }>;
  challenges: StandInChallenge[];
  requests: StandInRequest[];
  /** Milliseconds added to Date.now() in GET /api/v1/time. */
  clockOffsetMs: number;
  addChallenge(number: number, fields?: Partial<StandInChallenge>): StandInChallenge;
  close(): Promise<void>;
}

const FIVE_MINUTES = 5 * 60 * 1000;

function problem(response: ServerResponse, status: number, code: string, detail: string): void {
  response.writeHead(status, { 'content-type': 'application/problem+json' });
  response.end(JSON.stringify({ type: 'about:blank', title: code, status, code, detail }));
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export async function startPushStandIn(): Promise<PushStandIn> {
  let counter = 0;
  const waiters = new Set<() => void>();
  const state: Omit<PushStandIn, 'url' | 'close' | 'addChallenge'> = {
    tokens: new Set(),
    devices: new Map(),
    challenges: [],
    requests: [],
    clockOffsetMs: 0,
  };

  /** The protocol's check: known device, fresh timestamp, P1363 ECDSA P-256 SHA-256 over the canonical string. */
  function checkSignature(request: StandInRequest, deviceId: string): string {
    const device = request.headers['x-twofold-device'];
    const timestamp = request.headers['x-twofold-timestamp'];
    const signature = request.headers['x-twofold-signature'];
    if (typeof device !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string')
      return 'missing headers';
    if (device !== deviceId) return 'device header differs from the path';
    const known = state.devices.get(device);
    if (known === undefined) return 'unknown device';
    if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() - Number(timestamp)) > FIVE_MINUTES)
      return 'stale timestamp';
    if (!/^[A-Za-z0-9_-]+$/.test(signature)) return 'signature is not base64url';
    const bytes = Buffer.from(signature, 'base64url');
    if (bytes.length !== 64) return `signature is ${bytes.length} bytes, not 64`;
    const bodyHash = createHash('sha256').update(request.body, 'utf8').digest('hex');
    const signed = `${request.method}\n${request.url}\n${timestamp}\n${bodyHash}`;
    const key = createPublicKey({ key: known.publicKey, format: 'jwk' });
    return verify('sha256', Buffer.from(signed, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }, bytes)
      ? 'ok'
      : 'bad signature';
  }

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: StandInRequest = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      state.requests.push(request);
      const url = new URL(request.url, 'http://stand-in');
      if (request.method === 'GET' && url.pathname === '/api/v1/time') {
        return json(response, 200, { now: Date.now() + state.clockOffsetMs });
      }
      const activate = /^\/t\/([^/]+)\/api\/v1\/devices\/activate$/.exec(url.pathname);
      if (activate && request.method === 'POST') {
        const body = JSON.parse(request.body) as {
          activationToken: string;
          publicKey: JsonWebKey;
          name: string;
        };
        if (!state.tokens.delete(body.activationToken)) {
          return problem(response, 400, 'push_activation_invalid', 'unknown or spent activation token');
        }
        const keys = Object.keys(body.publicKey).sort().join(',');
        if (keys !== 'crv,kty,x,y' || body.publicKey.crv !== 'P-256') {
          return problem(
            response,
            400,
            'push_activation_invalid',
            `public key must be a P-256 JWK, got ${keys}`,
          );
        }
        const deviceId = `dev_${++counter}`;
        state.devices.set(deviceId, { publicKey: body.publicKey, name: body.name, tenant: activate[1]! });
        return json(response, 201, {
          deviceId,
          userEmail: 'a•••@example.com',
          tenant: activate[1],
          tenantName: 'Acme',
        });
      }
      const list = /^\/t\/([^/]+)\/api\/v1\/devices\/([^/]+)\/challenges$/.exec(url.pathname);
      const answer = /^\/t\/([^/]+)\/api\/v1\/devices\/([^/]+)\/challenges\/([^/]+)$/.exec(url.pathname);
      const deviceId = decodeURIComponent((list ?? answer)?.[2] ?? '');
      if (list || answer) {
        request.signature = checkSignature(request, deviceId);
        if (request.signature !== 'ok') {
          return problem(response, 401, 'device_signature_invalid', request.signature);
        }
      }
      if (list && request.method === 'GET') {
        const reply = () => {
          const pending = state.challenges.filter((c) => c.answer === undefined && c.tenant === list[1]);
          json(response, 200, {
            challenges: pending.map(({ number: _number, answer: _answer, ...rest }) => rest),
          });
        };
        const wait = Number(url.searchParams.get('wait') ?? '25');
        if (wait === 0 || state.challenges.some((c) => c.answer === undefined)) return reply();
        // Long-poll: answer when a challenge arrives, else after `wait` seconds.
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reply();
        }, wait * 1000);
        const wake = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          reply();
        };
        waiters.add(wake);
        return;
      }
      if (answer && request.method === 'POST') {
        const challenge = state.challenges.find((c) => c.id === decodeURIComponent(answer[3]!));
        if (challenge === undefined)
          return problem(response, 404, 'push_challenge_not_found', 'no such challenge');
        if (challenge.answer !== undefined)
          return problem(response, 409, 'push_already_answered', 'answered');
        const body = JSON.parse(request.body) as { decision: string; number?: number };
        challenge.answer = body;
        if (body.decision === 'approve' && body.number !== challenge.number) {
          return problem(
            response,
            400,
            'push_number_mismatch',
            'the number does not match; the sign-in was denied',
          );
        }
        const status = { approve: 'approved', deny: 'denied', report: 'reported' }[body.decision];
        if (status === undefined) return problem(response, 400, 'validation_failed', 'bad decision');
        return json(response, 200, { status });
      }
      problem(response, 404, 'not_found', `${request.method} ${url.pathname}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    addChallenge(number: number, fields: Partial<StandInChallenge> = {}) {
      const now = Date.now();
      const challenge: StandInChallenge = {
        id: `ch_${++counter}`,
        number,
        tenant: 'acme',
        tenantName: 'Acme',
        application: 'Twofold sign-in',
        ip: '203.0.113.7',
        createdAt: new Date(now).toISOString(),
        expiresAt: new Date(now + 120_000).toISOString(),
        ...fields,
      };
      state.challenges.push(challenge);
      for (const wake of [...waiters]) wake();
      return challenge;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  });
}
