import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { Clock } from '../../platform/clock.js';
import type { Session, SessionService } from '../../sessions/session-service.js';
import type { Tenant, TenantService } from '../../tenants/tenant-service.js';
import type { OidcProviders } from '../provider-registry.js';

export interface InteractionDeps {
  readonly tenants: TenantService;
  readonly sessions: SessionService;
  readonly providers: OidcProviders;
  readonly clock: Clock;
}

/** What one HTTP request brings to an interaction: the raw exchange the provider reads, and cookies. */
export interface InteractionRequest {
  readonly slug: string;
  readonly uid: string;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Whether the provider's interaction cookie came with the request. */
  readonly hasInteractionCookie: boolean;
  /** The Twofold session cookie's token, if any. */
  readonly sessionToken: string | undefined;
}

export type InteractionDetailsOf = Awaited<ReturnType<Provider['interactionDetails']>>;

/** One application sign-in in progress: the provider's interaction and the browser it belongs to. */
export interface Interaction {
  readonly tenant: Tenant;
  readonly provider: Provider;
  readonly details: InteractionDetailsOf;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The browser's live Twofold session, read once (a step is decided, then finished). */
  session(): Promise<Session | undefined>;
}

/** What the browser must do next; undefined when the Twofold session already answers the interaction. */
export type InteractionStep = 'sign-in' | 'step-up' | 'consent' | undefined;

export const interactionEnded = 'this application sign-in has ended; start again from the application';
