import {
  addEntries,
  describeEntry,
  type ImportResult,
  isTwofoldError,
  replaceEntry,
  type VaultEntry,
  type VaultPush,
} from '@twofold/core';
import { entrySummary } from '../codes.js';
import type { Output } from '../io.js';
import { activatePush, defaultDeviceName, pushParametersOf, withoutPushParameters } from '../push.js';
import { openSession, type VaultSession } from '../session.js';
import type { CliKit, GlobalOptions } from './kit.js';
import { skipLines } from './options.js';

interface Activation {
  activated: boolean;
  reason?: string;
  push?: VaultPush;
}

/** Activates push for each new entry whose URI carries twofold_push; a failure keeps the entry for codes. */
async function activateEntries(
  out: Output,
  session: VaultSession,
  entries: readonly VaultEntry[],
  deviceName: string,
): Promise<Map<string, Activation>> {
  const results = new Map<string, Activation>();
  for (const entry of entries) {
    let params: ReturnType<typeof pushParametersOf>;
    try {
      params = pushParametersOf(entry);
    } catch (error) {
      results.set(entry.id, {
        activated: false,
        reason: error instanceof Error ? error.message : String(error),
      });
      continue;
    }
    if (params === undefined) continue;
    try {
      const push = await activatePush(params, deviceName);
      const current = session.vault.entries.find((candidate) => candidate.id === entry.id) ?? entry;
      await session.save(replaceEntry(session.vault, { ...withoutPushParameters(current), push }));
      results.set(entry.id, { activated: true, push });
      out.note(
        `${describeEntry(entry)}: push approvals activated on ${push.tenantName ?? push.tenant}${push.userEmail ? ` for ${push.userEmail}` : ''}.`,
      );
    } catch (error) {
      const reason = isTwofoldError(error) ? `${error.message} (${error.code})` : String(error);
      results.set(entry.id, { activated: false, reason });
      out.warn(
        `${describeEntry(entry)}: added for codes, but push approvals could not be activated: ${reason}`,
      );
    }
  }
  return results;
}

/** Adds imported entries to the vault (creating it when needed), activates push, and reports. */
export async function addImported(
  kit: CliKit,
  out: Output,
  options: GlobalOptions,
  result: ImportResult,
  extra: { group?: string; note?: string; deviceName?: string; push?: boolean; dryRun?: boolean },
): Promise<void> {
  const session = await openSession(kit.io, out, kit.vaultPath(options), { create: true });
  const entries = result.entries.map((entry) => ({
    ...entry,
    ...(extra.group === undefined ? {} : { groups: [extra.group] }),
    ...(extra.note === undefined ? {} : { note: extra.note }),
  }));
  const { vault, added, duplicates } = addEntries(session.vault, entries);
  const dryRun = extra.dryRun === true;
  if (added.length > 0 && !dryRun) await session.save(vault);
  const activation =
    extra.push === false || dryRun
      ? new Map<string, Activation>()
      : await activateEntries(out, session, added, extra.deviceName ?? defaultDeviceName());
  for (const warning of result.warnings) out.note(`note: ${warning}`);
  const addedSummaries = added.map((entry) => {
    const state = activation.get(entry.id);
    const current = session.vault.entries.find((candidate) => candidate.id === entry.id) ?? entry;
    return {
      ...entrySummary(current),
      ...(state === undefined
        ? {}
        : { pushActivation: state.activated ? 'activated' : `failed: ${state.reason}` }),
    };
  });
  const notTaken = duplicates.length + result.skipped.length;
  const summary =
    `${dryRun ? 'Would add' : 'Added'} ${added.length} account${added.length === 1 ? '' : 's'} from ${result.format}` +
    (notTaken === 0
      ? '.'
      : `; skipped ${notTaken}: ${duplicates.length} already in the vault, ${result.skipped.length} unreadable.`);
  out.result(
    {
      format: result.format,
      vault: session.path,
      ...(dryRun ? { dryRun: true } : {}),
      added: addedSummaries,
      duplicates: duplicates.map((entry) => ({ issuer: entry.issuer, name: entry.name })),
      skipped: result.skipped,
      warnings: result.warnings,
    },
    () => [
      ...added.map((entry) => `${dryRun ? 'Would add' : 'Added'} ${describeEntry(entry)} (${entry.type}).`),
      ...duplicates.map((entry) => `Already in the vault: ${describeEntry(entry)}.`),
      ...(result.skipped.length > 0
        ? [`Could not take ${result.skipped.length}:`, ...skipLines(result.skipped)]
        : []),
      summary,
    ],
  );
  if (added.length === 0 && duplicates.length === 0 && result.skipped.length > 0) kit.setExit(1);
}
