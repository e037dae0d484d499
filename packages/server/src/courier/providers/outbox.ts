/**
 * The outbox provider (the default for SMS, and for email without SMTP_URL): nothing leaves the
 * server. The message is recorded as kept (status `kept`, provider_ref `outbox:kept`: nobody received it) and its body stays
 * (sealed) so that a global admin can read it in the console (GET .../admin/outbox). For
 * development and trials only: a code kept here reaches no one else.
 */
import type { Provider } from './provider.js';

export const keptProviderRef = 'outbox:kept';

export function createOutboxProvider(): Provider {
  return {
    name: 'outbox',
    send: async () => ({ ref: keptProviderRef, kept: true }),
  };
}
