/**
 * SMS through your own gateway: a JSON POST of `{"to": "+15551234567", "body": "...", "tenant": "acme"}`
 * (`tenant` is the tenant's slug, null for deployment-wide messages) to TWOFOLD_SMS_WEBHOOK_URL, with
 *
 *   X-Twofold-Timestamp: <unix seconds>
 *   X-Twofold-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" keyed with TWOFOLD_SMS_WEBHOOK_SECRET>
 *   X-Twofold-Message-Id: <outbox message id, the same on every retry of one message>
 *
 * The receiver recomputes the HMAC over the raw body, compares in constant time and rejects old
 * timestamps (say, more than 5 minutes) so a captured request cannot be replayed later; delivery
 * is at least once, so it may drop a message id it has already seen. Any 2xx means sent (a JSON
 * answer with a string `id` is kept as provider_ref); 4xx other than 408/429 fails the message at
 * once; anything else is retried.
 */
import { createHmac } from 'node:crypto';
import { DeliveryError, isPermanentHttpStatus, type Provider, postToProvider, snippet } from './provider.js';

export interface WebhookProviderOptions {
  readonly url: string;
  readonly secret: string;
  /** Milliseconds since the epoch, for the timestamp header (the courier's clock). */
  readonly now: () => number;
  readonly timeoutMs?: number;
}

export function signWebhookBody(secret: string, timestamp: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

export function createWebhookProvider(options: WebhookProviderOptions): Provider {
  return {
    name: 'webhook',
    async send(message) {
      const body = JSON.stringify({ to: message.to, body: message.text, tenant: message.tenantSlug });
      const timestamp = String(Math.floor(options.now() / 1000));
      const { response, text } = await postToProvider('webhook', options.url, {
        headers: {
          'content-type': 'application/json',
          'x-twofold-timestamp': timestamp,
          'x-twofold-signature': signWebhookBody(options.secret, timestamp, body),
          'x-twofold-message-id': message.id,
        },
        body,
        redirect: 'manual',
        timeoutMs: options.timeoutMs,
      });
      if (response.status >= 200 && response.status < 300) {
        return { ref: referenceIn(text) ?? `webhook:${response.status}`, kept: false };
      }
      throw new DeliveryError(
        `webhook: ${response.status}${text ? `: ${snippet(text)}` : ''}`,
        isPermanentHttpStatus(response.status),
      );
    },
  };
}

function referenceIn(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as { id?: unknown } | null;
    return typeof value?.id === 'string' && value.id.length > 0 ? value.id.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}
