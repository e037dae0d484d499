/** What the dispatcher asks of a way out (an SMTP server, an SMS provider, or the outbox itself). */
import type { Channel } from '../courier.js';

export interface ProviderMessage {
  /** The outbox row's id (a stable id for the message across retries). */
  readonly id: string;
  readonly channel: Channel;
  readonly to: string;
  readonly subject?: string;
  readonly text: string;
  /** The tenant's slug, or null for deployment-wide messages. */
  readonly tenantSlug: string | null;
}

export interface ProviderReceipt {
  /** The provider's id for the message (Twilio SID, SMTP Message-ID, ...), kept as provider_ref. */
  readonly ref: string;
  /** True when nothing left the server (the outbox provider): the body stays, for the console. */
  readonly kept: boolean;
}

export interface Provider {
  /** For logs and errors: `smtp`, `twilio`, `webhook`, `outbox`. */
  readonly name: string;
  /** Resolves when the provider took the message; throws DeliveryError (or anything: transient). */
  send(message: ProviderMessage): Promise<ProviderReceipt>;
}

/** One provider per channel. */
export interface Providers {
  readonly email: Provider;
  readonly sms: Provider;
  /** Back-channel logout tokens to applications (the runtime adds it: it signs with the tenant's keys). */
  readonly logout?: Provider;
}

/**
 * A refused delivery. `permanent`: trying again cannot help (the provider rejected the request,
 * for example an invalid number, a 4xx from an HTTP API other than 408/429, or an SMTP 5xx); the
 * message fails at once. Otherwise it is retried with back-off.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** Default time a provider's HTTP request may take before it counts as a (transient) failure. */
export const httpTimeoutMs = 10_000;

/** Transient unless the status says the request itself was refused. */
export function isPermanentHttpStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** A fetch that failed before any answer (refused connection, DNS, timeout): always transient. */
export function networkError(provider: string, error: unknown): DeliveryError {
  const cause = error instanceof Error ? error : undefined;
  if (cause?.name === 'TimeoutError' || cause?.name === 'AbortError') {
    return new DeliveryError(`${provider}: no answer within the timeout`, false);
  }
  const detail = (cause?.cause as { code?: string; message?: string } | undefined) ?? cause;
  const code = detail && 'code' in detail && detail.code ? `${detail.code}: ` : '';
  return new DeliveryError(`${provider}: request failed: ${code}${detail?.message ?? String(error)}`, false);
}

/** The first bytes of an unexpected answer, on one line, for last_error. */
export function snippet(text: string, length = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > length ? `${line.slice(0, length)}...` : line;
}

/**
 * POSTs to an HTTP provider with a timeout (`timeoutMs`, default `httpTimeoutMs`) and reads its
 * answer; a failure before the whole answer is read (refused connection, DNS, timeout) is a
 * transient DeliveryError of `provider`.
 */
export async function postToProvider(
  provider: string,
  url: string,
  request: {
    readonly headers: Record<string, string>;
    readonly body: string | URLSearchParams;
    readonly redirect?: 'follow' | 'manual';
    readonly timeoutMs?: number | undefined;
  },
): Promise<{ response: Response; text: string }> {
  const { timeoutMs, ...init } = request;
  try {
    const response = await fetch(url, {
      method: 'POST',
      ...init,
      signal: AbortSignal.timeout(timeoutMs ?? httpTimeoutMs),
    });
    return { response, text: await response.text() };
  } catch (error) {
    throw networkError(provider, error);
  }
}
