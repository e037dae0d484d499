import { describeEntry, inertText, replaceEntry, type Vault, withoutPushParameters } from '@twofold/core';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatList, t } from '../i18n/i18n.js';
import { pushActivation } from './logic.js';
import { errorText, formatDateTime } from './messages.js';
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

/**
 * Where an earlier version kept push devices: non-extractable CryptoKeys in IndexedDB, usable by any script of
 * the origin with the vault locked. They cannot move into the vault (they cannot be read out), so they are
 * deleted and the accounts named for activating again.
 */
const LEGACY_DEVICES_KEY = 'pushDevices';

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

/** What a fact of a sign-in request shows when the server did not say it. */
const NONE = '—';

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
    const who = text(device?.userEmail) ?? text(device?.deviceId) ?? t('authenticator.push.someAccounts');
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
        if (labels !== undefined) {
          const named = labels.length > 0 ? formatList(labels) : t('authenticator.push.someAccounts');
          setMigrated(t('authenticator.push.migrated', { labels: named }));
        }
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
          onStatus(
            t('authenticator.push.unlockFailed', { label: describeEntry(entry), reason: errorText(error) }),
          );
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
      const label = describeEntry(entry);
      // Only the server this page comes from is reached (the page's CSP allows no other).
      const server = new URL(params.server);
      if (server.origin !== location.origin) {
        onStatus(t('authenticator.push.otherServer', { label, server: server.host }));
        continue;
      }
      activateDevice(params, t('authenticator.push.deviceName'))
        .then(async (push) => {
          await save(replaceEntry(vault, { ...entry, extra: withoutPushParameters(entry.extra), push }));
          onStatus(t('authenticator.push.activated', { label }));
        })
        .catch((error: unknown) =>
          onStatus(t('authenticator.push.activationFailed', { label, reason: errorText(error) })),
        );
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
      {pending.length > 0 ? <h2>{t('authenticator.push.requests')}</h2> : null}
      {pending.map((p) => (
        <ChallengeCard
          key={p.challenge.id}
          pending={p}
          onDone={(message) => {
            setPending((current) => current.filter((other) => other.challenge.id !== p.challenge.id));
            onStatus(message);
            // The answered request goes with the button that had keyboard focus: focus moves to the next
            // request's number, else to the page's heading (the status line says what happened).
            requestAnimationFrame(() => {
              const next =
                document.querySelector<HTMLElement>('.challenge .push-number-input') ??
                document.querySelector<HTMLElement>('main h1');
              next?.focus();
            });
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
    if (decision === 'approve' && !/^\d{2}$/.test(number))
      return setError(t('authenticator.push.numberNeeded'));
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
        status === 'approved'
          ? t('authenticator.push.approved')
          : status === 'reported'
            ? t('authenticator.push.reported')
            : t('authenticator.push.denied'),
      );
    } catch (caught) {
      const code = (caught as { code?: string }).code;
      if (code === 'push_number_mismatch') props.onDone(t('authenticator.push.wrongNumber'));
      else if (code === 'push_expired' || code === 'push_already_answered') props.onDone(errorText(caught));
      else {
        setError(errorText(caught));
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
      <p class="challenge-title">
        {inertText(t('authenticator.push.question', { tenant: challenge.tenantName ?? challenge.tenant }))}
      </p>
      <dl class="challenge-facts">
        <dt>{t('authenticator.push.application')}</dt>
        <dd>{inertText(challenge.application ?? NONE)}</dd>
        <dt>{t('authenticator.push.from')}</dt>
        <dd>{challenge.ip ?? t('authenticator.push.unknownAddress')}</dd>
        <dt>{t('authenticator.push.when')}</dt>
        <dd>{challenge.createdAt ? formatDateTime(new Date(challenge.createdAt)) : NONE}</dd>
        <dt>{t('authenticator.push.account')}</dt>
        <dd>{inertText(device.userEmail ?? device.tenant)}</dd>
      </dl>
      <div class="field">
        <label for={`${id}-number`}>{t('authenticator.push.number')}</label>
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
          {t('authenticator.push.approve')}
        </button>
        <button type="button" class="button secondary" disabled={busy} onClick={() => answer('deny')}>
          {t('authenticator.push.deny')}
        </button>
        <button
          type="button"
          class="button secondary danger"
          disabled={busy}
          onClick={() => answer('report')}
        >
          {t('authenticator.push.report')}
        </button>
      </div>
    </form>
  );
}
