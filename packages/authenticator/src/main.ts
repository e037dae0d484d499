import { runAuthenticatorCli } from './cli.js';

/** Process entry: real stdio and environment, exit status from the command. */
export async function main(): Promise<void> {
  const code = await runAuthenticatorCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
  });
  if (code !== 0) process.exitCode = code;
}
