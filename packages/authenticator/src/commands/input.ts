import { readFile } from 'node:fs/promises';
import { TwofoldError } from '@twofold/core';
import type { AuthenticatorIo } from '../io.js';

/** The bytes of a file, or of standard input for '-'; an unreadable file is `import_invalid`. */
export async function readInput(io: AuthenticatorIo, path: string): Promise<Uint8Array> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin)
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(path);
  } catch (error) {
    throw new TwofoldError(
      'import_invalid',
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}
