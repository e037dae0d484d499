import type { Command } from 'commander';
import type { AuthenticatorIo, Output } from '../io.js';

export interface GlobalOptions {
  vault?: string;
  json?: boolean;
}

export type VerbOptions = GlobalOptions & Record<string, unknown>;

/** What a verb needs to add itself to the `twofold-authenticator` program (see cli.ts). */
export interface CliKit {
  readonly io: AuthenticatorIo;
  /** Adds error handling and the global options to a verb's action. */
  leaf(
    command: Command,
    action: (out: Output, options: VerbOptions, ...args: never[]) => Promise<void>,
  ): Command;
  /** The vault file: --vault, or the default under $XDG_DATA_HOME. */
  vaultPath(options: GlobalOptions): string;
  /** Sets the exit status of a verb that reported a failure without throwing. */
  setExit(code: number): void;
}

/** One verb: adds its command to the program. */
export type Verb = (program: Command, kit: CliKit) => void;
