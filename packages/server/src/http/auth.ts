import { TwofoldError } from '@twofold/core';
import type { FastifyRequest } from 'fastify';
import { sessionCookieName } from '../sessions/session-service.js';
import type { Tenant } from '../tenants/tenant-service.js';

/** A signed-in user's session as the HTTP layer sees it. */
export interface AuthSession {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly amr: readonly string[];
  readonly mfaAt: number | null;
  readonly createdAt: number;
  /** The first factor of the sign-in that started it (a pass may set a password for an hour). */
  readonly firstFactor: 'pwd' | 'tap' | null;
}

export interface SessionAuthenticator {
  authenticate(token: string): Promise<AuthSession | undefined>;
}

export { sessionCookieName as sessionCookie } from '../sessions/session-service.js';

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The session token from `Authorization: Bearer` or the session cookie, and which one it was. */
export function readSessionToken(request: FastifyRequest): { token: string; viaCookie: boolean } | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    const token = header.slice(7).trim();
    // API keys are for the admin API, not for self-service.
    if (token && !token.startsWith('tfk_')) return { token, viaCookie: false };
  }
  const cookie = request.cookies[sessionCookieName];
  return cookie ? { token: cookie, viaCookie: true } : undefined;
}

/**
 * Cookie-authenticated requests that change state must come from our own pages: a browser always
 * sends Origin on such requests, so a foreign Origin (or a cross-site Sec-Fetch-Site) is refused.
 * Bearer tokens are not sent by browsers on their own, so they need no such check.
 */
export function checkSameOrigin(request: FastifyRequest, publicUrl: string): void {
  if (!unsafeMethods.has(request.method)) return;
  const origin = request.headers.origin;
  const allowed = new Set([new URL(publicUrl).origin, `${request.protocol}://${request.host}`]);
  if (origin !== undefined && origin !== 'null' && allowed.has(origin)) return;
  if (origin !== undefined) {
    throw new TwofoldError(
      'forbidden',
      'this request came from another site; sign-in cookies are only accepted from Twofold pages',
    );
  }
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new TwofoldError(
      'forbidden',
      'this request came from another site; sign-in cookies are only accepted from Twofold pages',
    );
  }
}

export async function requireSession(
  request: FastifyRequest,
  deps: { sessions: SessionAuthenticator; tenant: Tenant; publicUrl: string },
): Promise<AuthSession> {
  const presented = readSessionToken(request);
  const session = presented ? await deps.sessions.authenticate(presented.token) : undefined;
  // Another tenant's session is no session here: the same answer as none, so nothing leaks.
  if (!presented || !session || session.tenantId !== deps.tenant.id) {
    throw new TwofoldError('unauthenticated', 'sign in first');
  }
  if (presented.viaCookie) checkSameOrigin(request, deps.publicUrl);
  return session;
}
