import {
  createVault,
  deriveVaultKey,
  openVault,
  sealVault,
  TwofoldError,
  type Vault,
  type VaultKey,
} from '@twofold/core';
import { readIfExists, writeFileAtomic } from './files.js';
import { type AuthenticatorIo, isInteractive, type Output } from './io.js';
import { promptLine } from './prompt.js';

/** Environment variable holding the vault passphrase, for scripts (else the command asks on the terminal). */
export const PASSPHRASE_VARIABLE = 'TWOFOLD_VAULT_PASSPHRASE';

/** An unlocked vault and what it takes to save it again. */
export interface VaultSession {
  readonly path: string;
  vault: Vault;
  /** False until the first save of a vault that did not exist yet. */
  exists: boolean;
  readonly passphrase: string;
  readonly key: VaultKey;
  /** Seals the vault with a fresh nonce and replaces the file atomically (mode 0600). */
  save(vault: Vault): Promise<void>;
}

async function askPassphrase(io: AuthenticatorIo, creating: boolean): Promise<string> {
  const fromEnv = io.env[PASSPHRASE_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!isInteractive(io)) {
    throw new TwofoldError(
      'vault_passphrase_missing',
      `no vault passphrase: set ${PASSPHRASE_VARIABLE}, or run the command on a terminal to type it`,
    );
  }
  if (!creating) return promptLine(io, 'Vault passphrase: ', { echo: false });
  const first = await promptLine(io, 'New vault passphrase: ', { echo: false });
  if (first === '') throw new TwofoldError('vault_passphrase_missing', 'the passphrase is empty');
  const second = await promptLine(io, 'Repeat the passphrase: ', { echo: false });
  if (first !== second)
    throw new TwofoldError('validation_failed', 'the two passphrases differ; nothing was written');
  return first;
}

/**
 * Opens the vault at `path` with the passphrase (environment or prompt). A wrong passphrase throws
 * `vault_passphrase_wrong` before anything is written. When there is no file: with `create`, an empty vault
 * that is written on the first save; without, `vault_not_found`.
 */
export async function openSession(
  io: AuthenticatorIo,
  out: Output,
  path: string,
  options: { create: boolean },
): Promise<VaultSession> {
  const existing = await readIfExists(path);
  if (existing === undefined && !options.create) {
    throw new TwofoldError(
      'vault_not_found',
      `no vault at ${path}: add an account first, or give --vault PATH`,
    );
  }
  const passphrase = await askPassphrase(io, existing === undefined);
  let vault: Vault;
  let key: VaultKey;
  if (existing === undefined) {
    key = await deriveVaultKey(passphrase);
    vault = createVault();
  } else {
    ({ vault, key } = await openVault(existing.toString('utf8'), passphrase));
  }
  const session: VaultSession = {
    path,
    vault,
    exists: existing !== undefined,
    passphrase,
    key,
    async save(next) {
      const text = await sealVault(next, key);
      await writeFileAtomic(path, text, 0o600);
      if (!session.exists) out.note(`created the vault ${path}`);
      session.vault = next;
      session.exists = true;
    },
  };
  return session;
}
