import { describeEntry, inertText, replaceEntry, type Vault, withoutPushParameters } from '@twofold/core';
import { useEffect, useRef, useState } from 'preact/hooks';
import { pushActivation } from './logic.js';
import {
  activateDevice,
  answerChallenge,
  listChallenges,
  type PushChallenge,
  type PushDecision,
  type PushDevice,
  unlockDevice,
} from './push.js';
import { deleteValue, getValue } from './store.js';

/** What this view shows people, in one place. */
const TEXT = {
  deviceName: 'Web authenticator',
  activated: (label: string) => `Push approvals are on for ${label}.`,
  activationFailed: (label: string, reason: string) =>
    `Push approvals could not be turned on for ${label}: ${reason}`,
  unlockFailed: (label: string, reason: string) => `Push approvals of ${label} cannot be used: ${reason}`,
  migrated: (labels: string) =>
    `Push approvals for ${labels} were turned off on this browser: their key could sign while the vault was ` +
    'locked. To use push here again, remove this browser from your security info and add push approvals ' +
    'again, then scan the new QR code with this authenticator.',
  someAccounts: 'some accounts',
  requests: 'Sign-in requests',
  question: (tenant: string) => `Are you signing in to ${tenant}?`,
  application: 'Application',
  from: 'From',
  unknownAddress: 'unknown address',
  when: 'When',
  account: 'Account',
  none: '—',
  numberLabel: 'Number shown on the sign-in page',
  numberNeeded: 'Type the 2-digit number shown on the sign-in page.',
  approve: 'Approve',
  deny: 'Deny',
  report: 'Deny and report',
  approved: 'Sign-in approved.',
  denied: 'Sign-in denied.',
  reported: 'Sign-in denied and reported to your administrators.',
  wrongNumber: 'Wrong number: the sign-in was denied. Start it again.',
} as const;

/**
 * Where an earlier version kept push devices: non-extractable CryptoKeys in IndexedDB, usable by any script of
 * the origin with the vault locked. They cannot move into the vault (they cannot be read out), so they are
 * deleted and the accounts named for activating again.
 */
const LEGACY_DEVICES_KEY = 'pushDevices';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function whenVisible(signal: AbortSignal): Promise<void> {
  if (document.visibilityState === 'visible') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      if (document.visibilityState !== 'visible' && !signal.aborted) return;
      document.removeEventListener('visibilitychange', done);
      resolve();
    };
    document.addEventListener('visibilitychange', done);
    signal.addEventListener('abort', done);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Pending {
  device: PushDevice;
  challenge: PushChallenge;
}

interface LegacyDevice {
  entryId?: unknown;
  tenant?: unknown;
  tenantName?: unknown;
  userEmail?: unknown;
  deviceId?: unknown;
}

/** Deletes the push keys an earlier version kept outside the vault; the names of their accounts, if any. */
async function dropLegacyDevices(vault: Vault): Promise<string[] | undefined> {
  const stored = await getValue<unknown>(LEGACY_DEVICES_KEY);
  if (stored === undefined) return undefined;
  await deleteValue(LEGACY_DEVICES_KEY);
  const list = (Array.isArray(stored) ? stored : []) as (LegacyDevice | null)[];
  return list.map((device) => {
    const entry = vault.entries.find((candidate) => candidate.id === device?.entryId);
    if (entry !== undefined) return describeEntry(entry);
    const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
    const who = text(device?.userEmail) ?? text(device?.deviceId) ?? TEXT.someAccounts;
    const where = text(device?.tenantName) ?? text(device?.tenant);
    return where === undefined ? who : `${who} (${where})`;
  });
}

/**
 * Push approvals: activates entries whose URI carries twofold_push (the device key is sealed in the entry), then
 * long-polls each device's challenges while the vault is unlocked and the page visible, and asks for the number
 * shown on the sign-in page. The signing keys exist only while this view is mounted, that is while unlocked.
 */
export function PushPanel(props: {
  vault: Vault;
  save: (vault: Vault) => Promise<void>;
  onStatus: (message: string) => void;
}) {
  const [devices, setDevices] = useState<PushDevice[]>([]);
  const [pending, setPending] = useState<Pending[]>([]);
  const [migrated, setMigrated] = useState<string>();
  const activating = useRef(new Set<string>());
  const { vault, save, onStatus } = props;

  useEffect(() => {
    dropLegacyDevices(vault)
      .then((labels) => {
        if (labels !== undefined) setMigrated(TEXT.migrated(labels.join(', ') || TEXT.someAccounts));
      })
      .catch(() => undefined);
    // Once per unlock: the legacy keys are gone after the first run.
  }, []);

  // The vault's push entries, as a stable key: the loops restart only when a device comes or goes.
  const pushEntries = vault.entries.filter((entry) => entry.push !== undefined);
  const deviceKey = pushEntries.map((entry) => `${entry.id}:${entry.push?.deviceId}`).join(',');
  useEffect(() => {
    let current = true;
    Promise.all(
      pushEntries.map((entry) =>
        unlockDevice(entry.id, entry.push!).catch((error: unknown) => {
          onStatus(TEXT.unlockFailed(describeEntry(entry), messageOf(error)));
          return undefined;
        }),
      ),
    ).then((list) => {
      if (current) setDevices(list.filter((device) => device !== undefined));
    });
    return () => {
      current = false;
    };
  }, [deviceKey]);

  // Activate what a newly added URI asks for; the token is single use, so it leaves the entry afterwards.
  useEffect(() => {
    for (const entry of vault.entries) {
      const params = pushActivation(entry);
      if (!params || activating.current.has(entry.id)) continue;
      activating.current.add(entry.id);
      activateDevice(params, TEXT.deviceName)
        .then(async (push) => {
          await save(replaceEntry(vault, { ...entry, extra: withoutPushParameters(entry.extra), push }));
          onStatus(TEXT.activated(describeEntry(entry)));
        })
        .catch((error: unknown) => onStatus(TEXT.activationFailed(describeEntry(entry), messageOf(error))));
    }
  }, [vault, save, onStatus]);

  // One long-poll loop per device while this view is mounted (the vault is unlocked) and the page is visible.
  useEffect(() => {
    if (devices.length === 0) return;
    const controller = new AbortController();
    for (const device of devices) {
      (async () => {
        while (!controller.signal.aborted) {
          await whenVisible(controller.signal);
          if (controller.signal.aborted) return;
          try {
            const challenges = await listChallenges(device, 25, controller.signal);
            setPending((current) => {
              const others = current.filter((p) => p.device.deviceId !== device.deviceId);
              return [...others, ...challenges.map((challenge) => ({ device, challenge }))];
            });
            if (challenges.length > 0) await sleep(2000);
          } catch {
            if (controller.signal.aborted) return;
            await sleep(5000);
          }
        }
      })();
    }
    return () => controller.abort();
  }, [devices]);

  if (pending.length === 0 && migrated === undefined) return null;
  return (
    <section class="auth-section" aria-live="polite">
      {migrated ? (
        <p class="notice notice-warning" id="push-migrated" role="alert">
          {inertText(migrated)}
        </p>
      ) : null}
      {pending.length > 0 ? <h2>{TEXT.requests}</h2> : null}
      {pending.map((p) => (
        <ChallengeCard
          key={p.challenge.id}
          pending={p}
          onDone={(message) => {
            setPending((current) => current.filter((other) => other.challenge.id !== p.challenge.id));
            onStatus(message);
          }}
        />
      ))}
    </section>
  );
}

function ChallengeCard(props: { pending: Pending; onDone: (message: string) => void }) {
  const { device, challenge } = props.pending;
  const [number, setNumber] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const answer = async (decision: PushDecision) => {
    if (decision === 'approve' && !/^\d{2}$/.test(number)) return setError(TEXT.numberNeeded);
    setBusy(true);
    setError(undefined);
    try {
      const status = await answerChallenge(
        device,
        challenge.id,
        decision,
        decision === 'approve' ? Number(number) : undefined,
      );
      props.onDone(
        status === 'approved' ? TEXT.approved : status === 'reported' ? TEXT.reported : TEXT.denied,
      );
    } catch (caught) {
      const code = (caught as { code?: string }).code;
      if (code === 'push_number_mismatch') props.onDone(TEXT.wrongNumber);
      else if (code === 'push_expired' || code === 'push_already_answered') props.onDone(messageOf(caught));
      else {
        setError(messageOf(caught));
        setBusy(false);
      }
    }
  };
  const id = `challenge-${challenge.id}`;
  return (
    <form
      class="challenge"
      id={id}
      onSubmit={(event) => {
        event.preventDefault();
        answer('approve');
      }}
    >
      <p class="challenge-title">{inertText(TEXT.question(challenge.tenantName ?? challenge.tenant))}</p>
      <dl class="challenge-facts">
        <dt>{TEXT.application}</dt>
        <dd>{inertText(challenge.application ?? TEXT.none)}</dd>
        <dt>{TEXT.from}</dt>
        <dd>{challenge.ip ?? TEXT.unknownAddress}</dd>
        <dt>{TEXT.when}</dt>
        <dd>{challenge.createdAt ? new Date(challenge.createdAt).toLocaleString() : TEXT.none}</dd>
        <dt>{TEXT.account}</dt>
        <dd>{inertText(device.userEmail ?? device.tenant)}</dd>
      </dl>
      <div class="field">
        <label for={`${id}-number`}>{TEXT.numberLabel}</label>
        <input
          id={`${id}-number`}
          class="push-number-input"
          inputMode="numeric"
          autoComplete="off"
          maxLength={2}
          value={number}
          onInput={(event) => setNumber(event.currentTarget.value.replace(/\D/g, ''))}
        />
        <p class="error" role="alert">
          {error ?? ''}
        </p>
      </div>
      <div class="actions actions-start">
        <button type="submit" class="button" disabled={busy}>
          {TEXT.approve}
        </button>
        <button type="button" class="button secondary" disabled={busy} onClick={() => answer('deny')}>
          {TEXT.deny}
        </button>
        <button
          type="button"
          class="button secondary danger"
          disabled={busy}
          onClick={() => answer('report')}
        >
          {TEXT.report}
        </button>
      </div>
    </form>
  );
}
