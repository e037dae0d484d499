/**
 * The authenticator's model from its AAGUID (WebAuthn section 6.1.1), from the `aaguids` package:
 * a maintained list (MIT) generated from the community's passkey authenticator AAGUID list, not a
 * hand-typed one. Read on first use, not at import time.
 */
import { createRequire } from 'node:module';

let names: Readonly<Record<string, string>> | undefined;

/** The model's name, or null for an unknown AAGUID and for the all-zero one ("none" attestation). */
export function authenticatorModel(aaguid: string): string | null {
  if (/^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(aaguid)) return null;
  names ??= createRequire(import.meta.url)('aaguids') as Record<string, string>;
  return names[aaguid.toLowerCase()] ?? null;
}
