import { TwofoldError } from '../errors/index.js';
import { decodeBase32, encodeBase32 } from '../otp/base32.js';
import { OTP_TYPES, type OtpType } from '../otp/otp-account.js';
import { isOtpAlgorithm } from '../otp/otp-algorithm.js';
import { reasonOf, type Vault, type VaultEntry, type VaultPush, validateVaultEntry } from './vault-entry.js';

/** Version of the decrypted content (docs/vault-format.md §Content). */
export const VAULT_CONTENT_VERSION = 1;

function invalid(message: string): never {
  throw new TwofoldError('vault_invalid', `vault content: ${message}`);
}

function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') invalid(`${where} must be a string`);
  return value;
}

function requiredString(value: unknown, where: string): string {
  if (typeof value !== 'string') invalid(`${where} must be a string`);
  return value;
}

function serializePush(push: VaultPush): Record<string, unknown> {
  return {
    server: push.server,
    tenant: push.tenant,
    ...(push.tenantName === undefined ? {} : { tenantName: push.tenantName }),
    deviceId: push.deviceId,
    ...(push.userEmail === undefined ? {} : { userEmail: push.userEmail }),
    privateKey: { ...push.privateKey },
    activatedAt: push.activatedAt,
  };
}

/** The JSON form of one entry (secret in base32, counter as a decimal string). */
export function serializeEntry(
  entry: VaultEntry,
  options: { withPush?: boolean } = {},
): Record<string, unknown> {
  return {
    id: entry.id,
    type: entry.type,
    issuer: entry.issuer,
    name: entry.name,
    secret: encodeBase32(entry.secret),
    algorithm: entry.algorithm,
    digits: entry.digits,
    ...(entry.period === undefined ? {} : { period: entry.period }),
    ...(entry.counter === undefined ? {} : { counter: entry.counter.toString() }),
    ...(entry.icon === undefined ? {} : { icon: entry.icon }),
    ...(entry.groups === undefined || entry.groups.length === 0 ? {} : { groups: [...entry.groups] }),
    ...(entry.favorite === true ? { favorite: true } : {}),
    ...(entry.note === undefined ? {} : { note: entry.note }),
    ...(Object.keys(entry.extra).length === 0 ? {} : { extra: { ...entry.extra } }),
    ...(entry.push === undefined || options.withPush === false ? {} : { push: serializePush(entry.push) }),
  };
}

/** `groups` (an array of names), or `group` (one name) as vault content version 1 wrote it. */
function readGroups(raw: Record<string, unknown>, where: string): string[] {
  const legacy = optionalString(raw['group'], `${where}.group`);
  const value = raw['groups'];
  if (value === undefined) return legacy === undefined || legacy === '' ? [] : [legacy];
  if (!Array.isArray(value) || value.some((name) => typeof name !== 'string'))
    invalid(`${where}.groups must be an array of names`);
  return value as string[];
}

function parsePush(value: unknown, where: string): VaultPush {
  if (typeof value !== 'object' || value === null) invalid(`${where} must be an object`);
  const push = value as Record<string, unknown>;
  const key = push['privateKey'] as Record<string, unknown> | undefined;
  if (
    typeof key !== 'object' ||
    key === null ||
    key['kty'] !== 'EC' ||
    key['crv'] !== 'P-256' ||
    typeof key['x'] !== 'string' ||
    typeof key['y'] !== 'string' ||
    typeof key['d'] !== 'string'
  ) {
    invalid(`${where}.privateKey must be a P-256 private JWK`);
  }
  const tenantName = optionalString(push['tenantName'], `${where}.tenantName`);
  const userEmail = optionalString(push['userEmail'], `${where}.userEmail`);
  return {
    server: requiredString(push['server'], `${where}.server`),
    tenant: requiredString(push['tenant'], `${where}.tenant`),
    ...(tenantName === undefined ? {} : { tenantName }),
    deviceId: requiredString(push['deviceId'], `${where}.deviceId`),
    ...(userEmail === undefined ? {} : { userEmail }),
    privateKey: { kty: 'EC', crv: 'P-256', x: key['x'], y: key['y'], d: key['d'] },
    activatedAt: requiredString(push['activatedAt'], `${where}.activatedAt`),
  };
}

/** Reads one entry of the JSON form; throws `vault_invalid` naming the field. */
export function parseEntry(value: unknown, where: string): VaultEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    invalid(`${where} must be an object`);
  const raw = value as Record<string, unknown>;
  const type = raw['type'];
  if (!(OTP_TYPES as readonly unknown[]).includes(type)) invalid(`${where}.type must be totp, hotp or steam`);
  const algorithm = raw['algorithm'];
  if (!isOtpAlgorithm(algorithm)) invalid(`${where}.algorithm is not a supported algorithm`);
  let secret: Uint8Array;
  try {
    secret = decodeBase32(requiredString(raw['secret'], `${where}.secret`), { name: `${where}.secret` });
  } catch (error) {
    invalid(reasonOf(error));
  }
  const counterText = raw['counter'];
  let counter: bigint | undefined;
  if (counterText !== undefined) {
    if (typeof counterText !== 'string' || !/^[0-9]{1,20}$/.test(counterText))
      invalid(`${where}.counter must be a decimal string`);
    counter = BigInt(counterText);
  }
  const extraValue = raw['extra'] ?? {};
  if (typeof extraValue !== 'object' || extraValue === null || Array.isArray(extraValue))
    invalid(`${where}.extra must be an object`);
  const extra: Record<string, string> = {};
  for (const [name, text] of Object.entries(extraValue)) {
    if (typeof text !== 'string') invalid(`${where}.extra.${name} must be a string`);
    extra[name] = text;
  }
  const icon = optionalString(raw['icon'], `${where}.icon`);
  const groups = readGroups(raw, where);
  if (raw['favorite'] !== undefined && typeof raw['favorite'] !== 'boolean')
    invalid(`${where}.favorite must be true or false`);
  const note = optionalString(raw['note'], `${where}.note`);
  const entry: VaultEntry = {
    id: requiredString(raw['id'], `${where}.id`),
    type: type as OtpType,
    issuer: requiredString(raw['issuer'] ?? '', `${where}.issuer`),
    name: requiredString(raw['name'] ?? '', `${where}.name`),
    secret,
    algorithm,
    digits: raw['digits'] as number,
    ...(raw['period'] === undefined ? {} : { period: raw['period'] as number }),
    ...(counter === undefined ? {} : { counter }),
    ...(icon === undefined ? {} : { icon }),
    ...(groups.length === 0 ? {} : { groups }),
    ...(raw['favorite'] === true ? { favorite: true } : {}),
    ...(note === undefined ? {} : { note }),
    extra,
    ...(raw['push'] === undefined ? {} : { push: parsePush(raw['push'], `${where}.push`) }),
  };
  try {
    validateVaultEntry(entry);
  } catch (error) {
    invalid(`${where}: ${reasonOf(error)}`);
  }
  return entry;
}

/** The JSON content that the vault file encrypts. */
export function serializeVaultContent(vault: Vault): Record<string, unknown> {
  return { version: VAULT_CONTENT_VERSION, entries: vault.entries.map((entry) => serializeEntry(entry)) };
}

/** Reads decrypted content; throws `vault_invalid` for anything malformed or of a newer version. */
export function parseVaultContent(value: unknown): Vault {
  if (typeof value !== 'object' || value === null) invalid('not an object');
  const raw = value as Record<string, unknown>;
  const version = raw['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) invalid('version is missing');
  if (version > VAULT_CONTENT_VERSION) {
    invalid(`version ${version} was written by a newer Twofold; update to open it`);
  }
  if (!Array.isArray(raw['entries'])) invalid('entries must be an array');
  const entries = raw['entries'].map((entry, index) => parseEntry(entry, `entries[${index}]`));
  const ids = new Set<string>();
  for (const entry of entries) {
    if (ids.has(entry.id)) invalid(`two entries have the id '${entry.id}'`);
    ids.add(entry.id);
  }
  return { entries };
}
