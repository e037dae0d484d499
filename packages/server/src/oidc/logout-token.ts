/**
 * The courier's way out for back-channel logout (channel `logout`): signs the logout token with
 * the tenant's current ID token key when the message is sent, and POSTs it as
 * `logout_token=...` (OpenID Connect Back-Channel Logout 1.0, section 2.5). 2xx: delivered; 408,
 * 429, 5xx and no answer: tried again with the courier's back-off; another 4xx or a redirect: the
 * application refused the token, which no retry changes.
 *
 * The token: iss, aud (the client id), iat, exp (2 minutes), jti (the outbox message's id, the
 * same across retries so an application may drop a duplicate), sub, sid when one session at the
 * application ends (the `sid` of its ID tokens), and the back-channel logout event; no nonce.
 * Header `typ: logout+jwt`.
 */
import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  DeliveryError,
  isPermanentHttpStatus,
  type Provider,
  postToProvider,
  snippet,
} from '../courier/providers/provider.js';
import type { Clock } from '../platform/clock.js';
import type { LogoutMessageBody } from './backchannel-logout.js';
import { issuerOf } from './issuer.js';
import type { SigningKeyStore } from './signing-keys.js';

export const backchannelLogoutEvent = 'http://schemas.openid.net/event/backchannel-logout';
const logoutTokenLifetimeSeconds = 120;

export function createLogoutTokenProvider(deps: {
  keys: Pick<SigningKeyStore, 'keys'>;
  clock: Clock;
  publicUrl: string;
  timeoutMs?: number;
}): Provider {
  const name = 'backchannel-logout';
  return {
    name,
    async send(message) {
      const body = JSON.parse(message.text) as LogoutMessageBody;
      if (message.tenantSlug === null) throw new DeliveryError(`${name}: the tenant no longer exists`, true);
      const [key] = await deps.keys.keys(body.tenantId);
      if (!key) throw new DeliveryError(`${name}: the tenant has no signing key`, false);
      const iat = Math.floor(deps.clock.now() / 1000);
      const token = await new SignJWT({
        ...(body.sid ? { sid: body.sid } : {}),
        events: { [backchannelLogoutEvent]: {} },
      })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'logout+jwt' })
        .setIssuer(issuerOf(deps.publicUrl, message.tenantSlug))
        .setAudience(body.clientId)
        .setSubject(body.sub)
        .setIssuedAt(iat)
        .setExpirationTime(iat + logoutTokenLifetimeSeconds)
        .setJti(message.id)
        .sign(createPrivateKey({ key: key.jwk, format: 'jwk' }));
      const { response, text } = await postToProvider(name, message.to, {
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'cache-control': 'no-store' },
        body: new URLSearchParams({ logout_token: token }),
        redirect: 'manual',
        timeoutMs: deps.timeoutMs,
      });
      if (response.status >= 200 && response.status < 300) return { ref: `${response.status}`, kept: false };
      const permanent =
        isPermanentHttpStatus(response.status) || (response.status >= 300 && response.status < 400);
      throw new DeliveryError(
        `${name}: ${message.to} answered ${response.status} ${snippet(text)}`.trim(),
        permanent,
      );
    },
  };
}
