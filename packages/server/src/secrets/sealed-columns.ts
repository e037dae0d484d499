import type { Database } from '../platform/db/schema.js';

/**
 * Every column that holds a sealed value, with the associated data that binds a value to its row.
 * `twofold rotate-key` walks this list; a domain that adds a sealed column adds it here.
 */
export interface SealedColumn {
  readonly table: keyof Database;
  readonly idColumn: string;
  readonly column: string;
  /** Associated data for a row id, e.g. `method:<id>:secret`. */
  readonly aad: (id: string) => string;
}

export const sealedColumns: readonly SealedColumn[] = [
  {
    table: 'secret_key_checks',
    idColumn: 'kid',
    column: 'check_value',
    aad: (kid) => `secret-key-check:${kid}`,
  },
  // TOTP secrets of authentication methods (factors/totp: methodSecretAad).
  {
    table: 'methods',
    idColumn: 'id',
    column: 'secret_sealed',
    aad: (id) => `method:${id}:secret`,
  },
  // Bodies and subjects of messages to people (outbox/outbox.ts: outboxBodyAad, outboxSubjectAad);
  // those of a code message become a placeholder once it is sent.
  {
    table: 'outbox_messages',
    idColumn: 'id',
    column: 'body',
    aad: (id) => `outbox:${id}:body`,
  },
  {
    table: 'outbox_messages',
    idColumn: 'id',
    column: 'subject',
    aad: (id) => `outbox:${id}:subject`,
  },
];
