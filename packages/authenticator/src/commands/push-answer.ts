import { describeEntry, findEntry, TwofoldError, type VaultEntry } from '@twofold/core';
import type { Command } from 'commander';
import { isInteractive, type Output } from '../io.js';
import { promptLine } from '../prompt.js';
import { answerChallenge, listChallenges, type PushChallenge, type PushDecision } from '../push.js';
import { openSession, type VaultSession } from '../session.js';
import type { CliKit, VerbOptions } from './kit.js';
import { integerOption } from './options.js';

/** What approve and deny share: which request, for which account, and how long to wait for one. */
export function pushOptions(command: Command): Command {
  return command
    .option('--challenge <id>', 'the request to answer when several are waiting')
    .option('--account <name>', 'only requests for this account')
    .option(
      '--wait <seconds>',
      'wait up to this long for a request to arrive (0 to 30)',
      integerOption('--wait', 0, 30),
    );
}

/** The pending push challenges of the vault's push accounts (optionally waiting for one). */
async function pendingChallenges(
  out: Output,
  session: VaultSession,
  accountFilter: string | undefined,
  waitSeconds: number,
): Promise<{ entry: VaultEntry; challenge: PushChallenge }[]> {
  let entries = session.vault.entries.filter((entry) => entry.push !== undefined);
  if (accountFilter !== undefined) {
    const chosen = findEntry({ entries }, accountFilter);
    entries = [chosen];
  }
  if (entries.length === 0) {
    throw new TwofoldError(
      'vault_no_push_account',
      'no account in this vault is activated for push: add the account from the QR code of a Twofold registration',
    );
  }
  const tagged = (entry: VaultEntry, list: PushChallenge[]) =>
    list.map((challenge) => ({ entry, challenge }));
  let found = (
    await Promise.all(entries.map(async (entry) => tagged(entry, await listChallenges(entry.push!, 0))))
  ).flat();
  if (found.length === 0 && waitSeconds > 0) {
    out.note(`waiting up to ${waitSeconds} s for a sign-in request...`);
    // Long-poll every account at once; the first that has a request ends the others.
    const stop = new AbortController();
    try {
      found = await new Promise((resolve, reject) => {
        let left = entries.length;
        for (const entry of entries) {
          listChallenges(entry.push!, waitSeconds, stop.signal).then(
            (list) => {
              left -= 1;
              if (list.length > 0) resolve(tagged(entry, list));
              else if (left === 0) resolve([]);
            },
            (error: unknown) => {
              left -= 1;
              if (!stop.signal.aborted) reject(error);
            },
          );
        }
      });
    } finally {
      stop.abort();
    }
  }
  return found;
}

function describeChallenge(challenge: PushChallenge): string {
  const parts = [
    `${challenge.tenantName ?? challenge.tenant}`,
    challenge.application ? `(${challenge.application})` : '',
    challenge.ip ? `from ${challenge.ip}` : '',
    challenge.createdAt ? `at ${challenge.createdAt}` : '',
  ];
  return parts.filter((part) => part !== '').join(' ');
}

/** The number to send with an approval: --number, or typed by the person at the terminal. */
async function approvalNumber(
  kit: CliKit,
  out: Output,
  options: VerbOptions,
  challenge: PushChallenge,
): Promise<number> {
  const given = options['number'] as number | undefined;
  if (given !== undefined) return given;
  if (!isInteractive(kit.io)) {
    throw new TwofoldError(
      'validation_failed',
      'approve needs --number N: the number shown on the sign-in page',
    );
  }
  out.note(`Sign-in request: ${describeChallenge(challenge)}`);
  const typed = await promptLine(kit.io, 'Number shown on the sign-in page: ', { echo: true });
  if (!/^\d{1,3}$/.test(typed.trim()))
    throw new TwofoldError('validation_failed', 'the number must be digits');
  return Number(typed.trim());
}

/** Answers one pending sign-in request: the one named by --challenge, or the only one waiting. */
export async function answerPush(kit: CliKit, out: Output, options: VerbOptions, decision: PushDecision) {
  const session = await openSession(kit.io, out, kit.vaultPath(options), { create: false });
  const pending = await pendingChallenges(
    out,
    session,
    options['account'] as string | undefined,
    (options['wait'] as number | undefined) ?? 0,
  );
  const wanted = options['challenge'] as string | undefined;
  if (pending.length === 0) {
    throw new TwofoldError('no_pending_challenge', 'no sign-in request is waiting for this device');
  }
  let chosen = pending[0]!;
  if (wanted !== undefined) {
    const match = pending.find((item) => item.challenge.id === wanted);
    if (match === undefined) {
      throw new TwofoldError('no_pending_challenge', `no pending sign-in request has the id '${wanted}'`);
    }
    chosen = match;
  } else if (pending.length > 1) {
    out.result(
      {
        challenges: pending.map(({ entry, challenge }) => ({ ...challenge, account: describeEntry(entry) })),
      },
      () => [
        'Several sign-in requests are waiting:',
        ...pending.map(({ challenge }) => `  ${challenge.id}  ${describeChallenge(challenge)}`),
      ],
    );
    throw new TwofoldError(
      'challenge_choice_required',
      `${pending.length} sign-in requests are waiting: answer one with --challenge ID`,
    );
  }
  const number =
    decision === 'approve' ? await approvalNumber(kit, out, options, chosen.challenge) : undefined;
  const { status } = await answerChallenge(chosen.entry.push!, chosen.challenge.id, decision, number);
  out.result({ challenge: chosen.challenge, account: describeEntry(chosen.entry), decision, status }, () => [
    `${status === 'approved' ? 'Approved' : status === 'reported' ? 'Denied and reported' : 'Denied'}: ${describeChallenge(chosen.challenge)}.`,
  ]);
}
