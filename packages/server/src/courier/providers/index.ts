import type { Clock } from '../../platform/clock.js';
import type { Config } from '../../platform/config.js';
import { createOutboxProvider } from './outbox.js';
import type { Providers } from './provider.js';
import { createSmtpProvider } from './smtp.js';
import { createTwilioProvider } from './twilio.js';
import { createWebhookProvider } from './webhook.js';

export type { Provider, ProviderMessage, ProviderReceipt, Providers } from './provider.js';
export { DeliveryError } from './provider.js';

type ProviderConfig = Pick<
  Config,
  | 'smtpUrl'
  | 'mailFrom'
  | 'smsProvider'
  | 'twilioAccountSid'
  | 'twilioAuthToken'
  | 'twilioFrom'
  | 'twilioApiUrl'
  | 'smsWebhookUrl'
  | 'smsWebhookSecret'
>;

/**
 * The providers the configuration names: email over SMTP when SMTP_URL is set (else kept in the
 * outbox), SMS by TWOFOLD_SMS_PROVIDER (config.ts has already refused incomplete settings).
 */
export function providersFromConfig(config: ProviderConfig, clock: Clock): Providers {
  const email = config.smtpUrl
    ? createSmtpProvider({ url: config.smtpUrl, from: config.mailFrom })
    : createOutboxProvider();
  return { email, sms: smsProvider(config, clock) };
}

/** One line for the start-up log: where messages go (no secrets). */
export function describeProviders(config: ProviderConfig): string {
  const email = config.smtpUrl
    ? `SMTP ${new URL(config.smtpUrl).host}`
    : 'kept in the outbox (SMTP_URL unset)';
  const sms =
    config.smsProvider === 'outbox'
      ? 'kept in the outbox (TWOFOLD_SMS_PROVIDER=outbox)'
      : config.smsProvider === 'twilio'
        ? `Twilio ${config.twilioApiUrl.host}`
        : `webhook ${config.smsWebhookUrl?.host ?? '?'}`;
  return `email: ${email}; SMS: ${sms}`;
}

function smsProvider(config: ProviderConfig, clock: Clock) {
  switch (config.smsProvider) {
    case 'twilio':
      return createTwilioProvider({
        accountSid: required(config.twilioAccountSid, 'TWILIO_ACCOUNT_SID'),
        authToken: required(config.twilioAuthToken, 'TWILIO_AUTH_TOKEN'),
        from: required(config.twilioFrom, 'TWILIO_FROM'),
        apiUrl: config.twilioApiUrl.href,
      });
    case 'webhook':
      return createWebhookProvider({
        url: required(config.smsWebhookUrl?.href, 'TWOFOLD_SMS_WEBHOOK_URL'),
        secret: required(config.smsWebhookSecret, 'TWOFOLD_SMS_WEBHOOK_SECRET'),
        now: () => clock.now(),
      });
    default:
      return createOutboxProvider();
  }
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`${name} is required by TWOFOLD_SMS_PROVIDER`);
  return value;
}
