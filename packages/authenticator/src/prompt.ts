import { TwofoldError } from '@twofold/core';
import type { AuthenticatorIo } from './io.js';

/** What was typed after the end of a line, kept for the next question (a paste can hold several answers). */
const typedAhead = new WeakMap<object, string>();

/**
 * Asks a question on the terminal (prompt on stderr) and reads one line from stdin in raw mode: with
 * `echo: false` nothing typed is shown (passphrases). Backspace edits; Ctrl-C or Ctrl-D on an empty line cancel.
 */
export function promptLine(
  io: AuthenticatorIo,
  question: string,
  options: { echo: boolean },
): Promise<string> {
  const { stdin, stderr } = io;
  return new Promise((resolve, reject) => {
    let answer = '';
    let done = false;
    const finish = (rest: string, error?: Error) => {
      done = true;
      typedAhead.set(stdin, rest);
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(answer);
    };
    const onEnd = () => finish('', new TwofoldError('validation_failed', 'no answer: the input ended'));
    const onData = (chunk: Buffer | string) => {
      const characters = [...String(chunk)];
      for (const [index, character] of characters.entries()) {
        if (done) return;
        const rest = () =>
          characters
            .slice(index + 1)
            .join('')
            .replace(/^\n/, '');
        if (character === '\r' || character === '\n') return finish(rest());
        if (character === '\u0003' || (character === '\u0004' && answer === '')) {
          return finish('', new TwofoldError('validation_failed', 'cancelled'));
        }
        if (character === '\u007f' || character === '\b') {
          const chars = [...answer];
          if (chars.length > 0) {
            chars.pop();
            answer = chars.join('');
            if (options.echo) stderr.write('\b \b');
          }
          continue;
        }
        if (character < ' ') continue;
        answer += character;
        if (options.echo) stderr.write(character);
      }
    };
    stderr.write(question);
    const pending = typedAhead.get(stdin) ?? '';
    typedAhead.delete(stdin);
    if (pending !== '') {
      onData(pending);
      if (done) return;
    }
    stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  });
}
