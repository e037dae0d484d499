/**
 * What the attack tests of issue 9 share: a user who signs in for the first time and registers an
 * authenticator through the real HTTP routes, codes from that authenticator at any offset, and a
 * code that no step within the skew search matches (a guess that is surely wrong).
 */
import { decodeBase32, generateTotp } from '@twofold/core';
import { expect } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import type { createManualClock } from '../platform/clock.js';
import type { User } from '../users/user-service.js';
import type { TestApp } from './app.js';
import { type BrowserClient, createBrowserClient } from './browser-client.js';

export const password = 'correct horse battery';

export type ManualClock = ReturnType<typeof createManualClock>;

export interface Enrolled {
  readonly user: User;
  /** The browser that signed in (it holds the session cookie). */
  readonly browser: BrowserClient;
  readonly methodId: string;
  readonly secret: Uint8Array;
  readonly sessionToken: string;
  readonly recoveryCodes: string[];
  /** The `twofold_push` activation token of the authenticator's otpauth URI. */
  readonly pushToken: string;
}

/** The TOTP code of `secret` at the clock's time plus `offsetSteps` steps of 30 s. */
export function codeAt(secret: Uint8Array, clock: ManualClock, offsetSteps = 0): string {
  return generateTotp({ secret, time: Math.floor(clock.now() / 1000) + offsetSteps * 30 });
}

/** A 6-digit code that matches no step within ±25 steps of now: wrong, and no clock-skew hint either. */
export function surelyWrong(secret: Uint8Array, clock: ManualClock, seed = 0): string {
  const near = new Set(Array.from({ length: 51 }, (_, i) => codeAt(secret, clock, i - 25)));
  for (let n = seed; ; n = (n + 7919) % 1_000_000) {
    const candidate = String(n).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

/** Creates a user and signs them in for the first time: password, register an authenticator, confirm. */
export async function enrol(
  t: TestApp,
  clock: ManualClock,
  options: { slug?: string; email: string; roles?: string[]; origin?: string },
): Promise<Enrolled> {
  const slug = options.slug ?? 'acme';
  const tenant = await t.runtime.services.tenants.getBySlug(slug);
  const user = await t.runtime.services.users.create(
    { tenantId: tenant.id, email: options.email, password, roles: options.roles ?? [] },
    operatorActor,
  );
  const browser = createBrowserClient(t.app, options.origin);
  const base = `/t/${slug}/api/v1`;
  const flow = (await browser.post(`${base}/sign-in`, { username: options.email, password })).json();
  expect(flow.status).toBe('registration_required');
  const reg = (
    await browser.post(`${base}/sign-in/${flow.flowId}/register`, { type: 'authenticator' })
  ).json();
  const secret = decodeBase32(reg.secret);
  const done = await browser.post(`${base}/sign-in/${flow.flowId}/verify`, {
    methodId: reg.methodId,
    code: codeAt(secret, clock),
  });
  expect(done.statusCode, done.body).toBe(200);
  const body = done.json();
  const pushToken = new URL(reg.otpauthUri).searchParams.get('twofold_push') ?? '';
  return {
    user,
    browser,
    methodId: reg.methodId,
    secret,
    sessionToken: body.session.token,
    recoveryCodes: body.recoveryCodes,
    pushToken,
  };
}

/** Headers of a request authenticated by a session token as a bearer (no cookie, so no Origin check). */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
