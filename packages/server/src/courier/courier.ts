/**
 * The courier: every message to a person (a code by SMS or email, a notice to admins) is written
 * to `outbox_messages` first, then sent by a dispatcher with retries and back-off, and its delivery
 * state recorded. This file is the contract the rest of the server uses; the implementation is
 * createCourier (dispatcher.ts) over the providers (providers/).
 */
import type { Executor } from '../audit/audit-log.js';

/** logout: an OpenID Connect back-channel logout token POSTed to an application (oidc/logout-token.ts). */
export type Channel = 'email' | 'sms' | 'logout';

/** What a message is for. Every body and subject is sealed at rest; a code's are cleared once sent. */
export type MessagePurpose =
  | 'sign_in_code'
  | 'registration_code'
  | 'step_up_code'
  | 'password_reset_code'
  | 'admin_notice'
  | 'security_notice'
  | 'backchannel_logout';

/** Purposes ending in `_code` carry a one-time code: retried only while it is valid, cleared once sent. */
export function isCodePurpose(purpose: string | null): boolean {
  return purpose?.endsWith('_code') ?? false;
}

/** What a code message's body and subject become once a real provider took it (still sealed). */
export const deliveredCodePlaceholder = '[code removed after delivery]';

export interface OutgoingMessage {
  readonly tenantId: string | null;
  readonly channel: Channel;
  /** E.164 phone number, an email address, or an application's back-channel logout URI. */
  readonly to: string;
  /** Email only. */
  readonly subject?: string;
  readonly text: string;
  readonly purpose: MessagePurpose;
}

export type DeliveryState = 'sent' | 'queued' | 'failed';

export interface DeliveryResult {
  readonly id: string;
  /** sent: the provider took it; queued: not yet (a retry or a slow provider); failed: given up. */
  readonly state: DeliveryState;
  /** failed (and queued after a failed attempt): the provider's reason. */
  readonly error?: string;
}

export interface Courier {
  /** Queues a message, inside the caller's transaction when given; the dispatcher sends it. */
  enqueue(message: OutgoingMessage, executor?: Executor): Promise<string>;
  /**
   * Queues a message and tries to send it now. Resolves when it was sent or failed, or after
   * `waitMs` (default 3 s) with `queued`: a slow provider never holds a sign-in longer than that,
   * and the dispatcher keeps trying.
   */
  send(message: OutgoingMessage, options?: { waitMs?: number }): Promise<DeliveryResult>;
  /** Starts the background dispatcher (the server does; commands do not). */
  start(): void;
  /** Stops claiming messages and waits for the sends in flight to be recorded. */
  stop(): Promise<void>;
  /** One pass over the messages that are due; returns how many were attempted (tests, commands). */
  dispatchDue(): Promise<number>;
}
