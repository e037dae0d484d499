import { isTwofoldError } from '@twofold/core';

/** Where a command writes: results on stdout, everything else on stderr. */
export interface CommandIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface Output {
  /** The result: JSON with --json, else the human lines. */
  result(json: unknown, human: () => string[]): void;
  /** Progress and notes for people (stderr; silent with --json). */
  note(line: string): void;
}

export function createOutput(io: CommandIo, json: boolean): Output {
  return {
    result(value, human) {
      if (json) io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else for (const line of human()) io.stdout.write(`${line}\n`);
    },
    note(line) {
      if (!json) io.stderr.write(`${line}\n`);
    },
  };
}

/** One line on stderr (JSON with --json); returns the exit code. */
export function reportError(io: CommandIo, error: unknown, json: boolean): number {
  const code = isTwofoldError(error) ? error.code : 'internal_error';
  const message = error instanceof Error ? error.message : String(error);
  if (json) io.stderr.write(`${JSON.stringify({ error: { code, message } })}\n`);
  else io.stderr.write(`twofold: ${message} (${code})\n`);
  return 1;
}

/** Reads all of stdin as text, without the final newline (for --password-stdin). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** A one-line progress bar for terminals; plain lines elsewhere. */
export function progressLine(label: string, done: number, total: number): string {
  const width = 24;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}
