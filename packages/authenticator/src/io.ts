import { inertJson, inertText, isTwofoldError } from '@twofold/core';

/** Where the command reads and writes; tests pass streams and a fixed environment. */
export interface AuthenticatorIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Ends the live view of `list` (main aborts it on Ctrl-C); default: SIGINT of this process. */
  readonly interrupt?: AbortSignal;
}

export interface Output {
  /** The result: JSON with --json, else the human lines. */
  result(json: unknown, human: () => string[]): void;
  /** Progress and notes for people (stderr; silent with --json). */
  note(line: string): void;
  /** A warning: stderr in both modes (with --json as a JSON line {"warning": ...}). */
  warn(line: string): void;
  readonly json: boolean;
}

/**
 * Every line goes through inertText (JSON through inertJson): issuers and names come from files and URIs, and a
 * control or bidi character in one must show as an escape, never act on the terminal (security review 14.6).
 */
export function createOutput(io: AuthenticatorIo, json: boolean): Output {
  return {
    json,
    result(value, human) {
      if (json) io.stdout.write(`${inertJson(value, 2)}\n`);
      else for (const line of human()) io.stdout.write(`${inertText(line)}\n`);
    },
    note(line) {
      if (!json) io.stderr.write(`${inertText(line)}\n`);
    },
    warn(line) {
      if (json) io.stderr.write(`${inertJson({ warning: line })}\n`);
      else io.stderr.write(`warning: ${inertText(line)}\n`);
    },
  };
}

/** Error codes that mean the command was called wrongly: exit status 2, like a usage error. */
const USAGE_CODES = new Set(['validation_failed', 'challenge_choice_required']);

/** One line on stderr (JSON with --json); returns the exit status (2 for usage errors, else 1). */
export function reportError(io: AuthenticatorIo, error: unknown, json: boolean): number {
  const code = isTwofoldError(error) ? error.code : 'internal_error';
  const message = error instanceof Error ? error.message : String(error);
  if (json) io.stderr.write(`${inertJson({ error: { code, message } })}\n`);
  else io.stderr.write(`twofold-authenticator: ${inertText(message)} (${code})\n`);
  return USAGE_CODES.has(code) ? 2 : 1;
}

/** True when people are at the keyboard: stdin is a terminal that can switch echo off. */
export function isInteractive(io: AuthenticatorIo): boolean {
  return io.stdin.isTTY === true && typeof io.stdin.setRawMode === 'function';
}
