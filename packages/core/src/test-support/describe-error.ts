import { isTwofoldError } from '../errors/index.js';

/**
 * Runs `run` and describes the TwofoldError it throws as `"<code>: <message>"`, or `'no error'`;
 * any other exception is a bug and propagates. Lets tests assert code and message in one line.
 */
export function describeError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isTwofoldError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'no error';
}
