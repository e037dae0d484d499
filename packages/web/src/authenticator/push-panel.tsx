import { describeEntry, replaceEntry, type Vault } from '@twofold/core';
import { useEffect, useRef, useState } from 'preact/hooks';
import { pushActivation } from './logic.js';
import {
  activateDevice,
  answerChallenge,
  listChallenges,
  type PushChallenge,
  type PushDecision,
  type PushDevice,
} from './push.js';
import { getValue, putValue } from './store.js';

const PUSH_PARAMETERS = ['twofold_push', 'twofold_server', 'twofold_tenant'];
const DEVICE_NAME = 'Web authenticator';

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

/**
 * Push approvals: activates entries whose URI carries twofold_push, then long-polls each device's challenges while
 * the vault is unlocked and the page visible, and asks for the number shown on the sign-in page.
 */
export function PushPanel(props: {
  vault: Vault;
  save: (vault: Vault) => Promise<void>;
  onStatus: (message: string) => void;
}) {
  const [devices, setDevices] = useState<PushDevice[]>();
  const [pending, setPending] = useState<Pending[]>([]);
  const activating = useRef(new Set<string>());
  const { vault, save, onStatus } = props;

  useEffect(() => {
    getValue<PushDevice[]>('pushDevices')
      .then((stored) => setDevices(stored ?? []))
      .catch(() => setDevices([]));
  }, []);

  // Activate what a newly added URI asks for; the token is single use, so it leaves the entry afterwards.
  useEffect(() => {
    if (devices === undefined) return;
    for (const entry of vault.entries) {
      const params = pushActivation(entry);
      if (!params || activating.current.has(entry.id) || devices.some((d) => d.entryId === entry.id))
        continue;
      activating.current.add(entry.id);
      activateDevice(params, entry.id, DEVICE_NAME)
        .then(async (device) => {
          const next = [...devices, device];
          await putValue('pushDevices', next);
          setDevices(next);
          const extra = { ...entry.extra };
          for (const name of PUSH_PARAMETERS) delete extra[name];
          await save(replaceEntry(vault, { ...entry, extra }));
          onStatus(`Push approvals are on for ${describeEntry(entry)}.`);
        })
        .catch((error: unknown) =>
          onStatus(`Push approvals could not be turned on for ${describeEntry(entry)}: ${messageOf(error)}`),
        );
    }
  }, [vault, devices, save, onStatus]);

  // One long-poll loop per device while this view is mounted (the vault is unlocked) and the page is visible.
  useEffect(() => {
    if (!devices || devices.length === 0) return;
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

  if (pending.length === 0) return null;
  return (
    <section class="auth-section" aria-live="polite">
      <h2>Sign-in requests</h2>
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
    if (decision === 'approve' && !/^\d{2}$/.test(number))
      return setError('Type the 2-digit number shown on the sign-in page.');
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
          ? 'Sign-in approved.'
          : status === 'reported'
            ? 'Sign-in denied and reported to your administrators.'
            : 'Sign-in denied.',
      );
    } catch (caught) {
      const code = (caught as { code?: string }).code;
      if (code === 'push_number_mismatch')
        props.onDone('Wrong number: the sign-in was denied. Start it again.');
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
      <p class="challenge-title">Are you signing in to {challenge.tenantName ?? challenge.tenant}?</p>
      <dl class="challenge-facts">
        <dt>Application</dt>
        <dd>{challenge.application ?? '—'}</dd>
        <dt>From</dt>
        <dd>{challenge.ip ?? 'unknown address'}</dd>
        <dt>When</dt>
        <dd>{challenge.createdAt ? new Date(challenge.createdAt).toLocaleString() : '—'}</dd>
        <dt>Account</dt>
        <dd>{device.userEmail ?? device.tenant}</dd>
      </dl>
      <div class="field">
        <label for={`${id}-number`}>Number shown on the sign-in page</label>
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
          Approve
        </button>
        <button type="button" class="button secondary" disabled={busy} onClick={() => answer('deny')}>
          Deny
        </button>
        <button
          type="button"
          class="button secondary danger"
          disabled={busy}
          onClick={() => answer('report')}
        >
          Deny and report
        </button>
      </div>
    </form>
  );
}
