/**
 * SMS through Twilio's Programmable Messaging REST API:
 * `POST {TWILIO_API_URL}/2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded `To`, `Body`
 * and `From` (a number) or `MessagingServiceSid` (when TWILIO_FROM is a messaging service, `MG...`),
 * HTTP Basic authentication with the account SID and auth token. The message's `sid` is kept as
 * provider_ref; Twilio's error body `{code, message}` goes to last_error.
 *
 * Twilio answers 201 when it accepted the message. A 4xx other than 408/429 (bad number,
 * unverified sender, bad credentials) fails the message at once; 429, 5xx and network errors are retried.
 */
import { DeliveryError, isPermanentHttpStatus, type Provider, postToProvider, snippet } from './provider.js';

export interface TwilioProviderOptions {
  readonly accountSid: string;
  readonly authToken: string;
  /** E.164 sender number, or a messaging service SID (`MG...`). */
  readonly from: string;
  /** https://api.twilio.com, or a stand-in for tests. */
  readonly apiUrl: string;
  readonly timeoutMs?: number;
}

export function createTwilioProvider(options: TwilioProviderOptions): Provider {
  const endpoint = `${options.apiUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(
    options.accountSid,
  )}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  const sender: [string, string] = options.from.startsWith('MG')
    ? ['MessagingServiceSid', options.from]
    : ['From', options.from];
  return {
    name: 'twilio',
    async send(message) {
      const form = new URLSearchParams([['To', message.to], sender, ['Body', message.text]]);
      const { response, text } = await postToProvider('twilio', endpoint, {
        headers: {
          authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        timeoutMs: options.timeoutMs,
      });
      const json = parseJson(text);
      if (response.ok) {
        const sid = typeof json?.['sid'] === 'string' ? json['sid'] : undefined;
        if (!sid) throw new DeliveryError(`twilio: ${response.status} without a message sid`, false);
        return { ref: sid, kept: false };
      }
      const code = json?.['code'];
      const reason =
        typeof json?.['message'] === 'string'
          ? `${json['message']}${typeof code === 'number' || typeof code === 'string' ? ` (Twilio error ${code})` : ''}`
          : snippet(text) || response.statusText;
      throw new DeliveryError(
        `twilio: ${response.status}: ${reason}`,
        isPermanentHttpStatus(response.status),
      );
    },
  };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
