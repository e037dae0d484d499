import {
  advanceHotpCounter,
  createVault,
  deriveVaultKey,
  describeEntry,
  entryCountdown,
  exportVault,
  findEntries,
  generateEntryCode,
  inertText,
  openVault,
  sealVault,
  TwofoldError,
  type Vault,
  type VaultEntry,
  type VaultKey,
} from '@twofold/core';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import { copyText } from '../shared/components/copy-text.js';
import { Heading, Page } from '../shared/components/layout.js';
import { formatDuration } from '../shared/messages.js';
import { AddAccounts } from './add-accounts.js';
import {
  BACKUP_REMINDER_MS,
  backupDue,
  backupFileName,
  type ClockOffset,
  type ClockWarning,
  clockOffset,
  clockWarning,
  formatCode,
  IDLE_LOCK_MS,
  isIdle,
  ringOffset,
  type TimeSample,
} from './logic.js';
import { errorText, formatDateTime } from './messages.js';
import { PushPanel } from './push-panel.js';
import { getValue, putValue } from './store.js';

const MIN_PASSPHRASE = 8;
const MIN_EXPORT_PASSWORD = 8;
const BACKUP_REMINDER_DAYS = Math.round(BACKUP_REMINDER_MS / (24 * 60 * 60_000));

/** The current time, updated every second. */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

type State =
  | { kind: 'loading' }
  | { kind: 'create' }
  | { kind: 'locked' }
  | { kind: 'open'; vault: Vault; key: VaultKey };

export function AuthenticatorApp() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [storageMissing, setStorageMissing] = useState(false);

  useEffect(() => {
    getValue<string>('vault')
      .then((file) => setState(file === undefined ? { kind: 'create' } : { kind: 'locked' }))
      .catch(() => setStorageMissing(true));
  }, []);

  const lock = () => setState({ kind: 'locked' });

  return (
    <Page wide={state.kind === 'open'}>
      <div class="brand-row">
        <p class="brand">{t('authenticator.brand')}</p>
        {state.kind === 'open' ? (
          <button type="button" class="button secondary" id="lock" onClick={lock}>
            {t('authenticator.lock')}
          </button>
        ) : null}
      </div>
      {storageMissing ? (
        <p class="notice notice-warning" role="alert">
          {t('authenticator.storageMissing')}
        </p>
      ) : null}
      {state.kind === 'create' ? (
        <CreateVault onOpen={(vault, key) => setState({ kind: 'open', vault, key })} />
      ) : state.kind === 'locked' ? (
        <UnlockVault onOpen={(vault, key) => setState({ kind: 'open', vault, key })} />
      ) : state.kind === 'open' ? (
        <VaultView
          vault={state.vault}
          vaultKey={state.key}
          onVault={(vault) => setState({ kind: 'open', vault, key: state.key })}
          onLock={lock}
        />
      ) : null}
    </Page>
  );
}

function CreateVault(props: { onOpen: (vault: Vault, key: VaultKey) => void }) {
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (passphrase.length < MIN_PASSPHRASE)
      return setError(t('authenticator.create.tooShort', { min: MIN_PASSPHRASE }));
    if (passphrase !== again) return setError(t('authenticator.create.differ'));
    setBusy(true);
    try {
      const key = await deriveVaultKey(passphrase);
      const vault = createVault();
      await putValue('vault', await sealVault(vault, key));
      props.onOpen(vault, key);
    } catch (caught) {
      setError(errorText(caught));
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit}>
      <Heading focus>{t('authenticator.create.title')}</Heading>
      <p class="lead">{t('authenticator.create.lead')}</p>
      <PassphraseField
        id="new-passphrase"
        label={t('authenticator.create.passphrase')}
        value={passphrase}
        onValue={setPassphrase}
        auto="new-password"
      />
      <PassphraseField
        id="new-passphrase-again"
        label={t('authenticator.create.again')}
        value={again}
        onValue={setAgain}
        auto="new-password"
      />
      <p class="form-error" role="alert">
        {error ?? ''}
      </p>
      <div class="actions">
        <button type="submit" class="button" disabled={busy}>
          {busy ? t('authenticator.create.busy') : t('authenticator.create.submit')}
        </button>
      </div>
    </form>
  );
}

function UnlockVault(props: { onOpen: (vault: Vault, key: VaultKey) => void }) {
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const file = await getValue<string>('vault');
      if (file === undefined) throw new TwofoldError('vault_not_found');
      // openVault never writes: a wrong passphrase changes nothing.
      const { vault, key } = await openVault(file, passphrase);
      props.onOpen(vault, key);
    } catch (caught) {
      // problem.vault_passphrase_wrong: "That passphrase is not right. Nothing was changed: try again."
      setError(
        caught instanceof TwofoldError && caught.code === 'vault_not_found'
          ? t('authenticator.unlock.noVault')
          : errorText(caught),
      );
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit}>
      <Heading focus>{t('authenticator.unlock.title')}</Heading>
      <PassphraseField
        id="passphrase"
        label={t('authenticator.unlock.passphrase')}
        value={passphrase}
        onValue={setPassphrase}
        auto="current-password"
        error={error}
      />
      <div class="actions">
        <button type="submit" class="button" disabled={busy || passphrase === ''}>
          {busy ? t('authenticator.unlock.busy') : t('authenticator.unlock.submit')}
        </button>
      </div>
    </form>
  );
}

function PassphraseField(props: {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  auto: string;
  error?: string | undefined;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="password"
        value={props.value}
        autoComplete={props.auto}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={`${props.id}-error`}
        onInput={(event) => props.onValue(event.currentTarget.value)}
      />
      <p class="error" id={`${props.id}-error`} role="alert">
        {props.error ?? ''}
      </p>
    </div>
  );
}

/** The clock notice: how far off, which way, against which server, and how to fix it. */
export function clockWarningText(warning: ClockWarning, server: string): string {
  return t('authenticator.clock.warning', {
    direction: warning.direction,
    offset: formatDuration(warning.seconds),
    server,
  });
}

async function measureClock(): Promise<ClockOffset | undefined> {
  const samples: TimeSample[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    const response = await fetch('/api/v1/time', { cache: 'no-store' });
    const t1 = Date.now();
    const body = (await response.json()) as { now?: unknown };
    if (typeof body.now === 'number') samples.push({ t0, t1, serverNow: body.now });
  }
  return clockOffset(samples);
}

function VaultView(props: {
  vault: Vault;
  vaultKey: VaultKey;
  onVault: (vault: Vault) => void;
  onLock: () => void;
}) {
  const now = useNow();
  const [query, setQuery] = useState('');
  const [offset, setOffset] = useState<ClockOffset>();
  const [lastBackup, setLastBackup] = useState<number | undefined>();
  const [status, setStatus] = useState('');
  const lastActivity = useRef(Date.now());
  const { vault, vaultKey, onLock } = props;

  // Lock after IDLE_LOCK_MS without a key press, click or touch.
  useEffect(() => {
    const touch = () => {
      lastActivity.current = Date.now();
    };
    const events = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;
    for (const name of events) document.addEventListener(name, touch, { passive: true });
    const timer = setInterval(() => {
      if (isIdle(lastActivity.current, Date.now(), IDLE_LOCK_MS)) onLock();
    }, 5000);
    return () => {
      for (const name of events) document.removeEventListener(name, touch);
      clearInterval(timer);
    };
  }, [onLock]);

  useEffect(() => {
    measureClock()
      .then(setOffset)
      .catch(() => undefined);
    getValue<number>('lastBackup')
      .then(setLastBackup)
      .catch(() => undefined);
  }, []);

  const save = async (next: Vault) => {
    await putValue('vault', await sealVault(next, vaultKey));
    props.onVault(next);
  };

  const download = (text: string, name: string, type: string) => {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  /** Another app's format: an encrypted Aegis vault, or otpauth links (plain text, every secret readable). */
  const exportFor = async (format: 'aegis' | 'otpauth', password: string) => {
    const result = await exportVault(vault, { format, password });
    const day = new Date().toISOString().slice(0, 10);
    download(
      result.text,
      format === 'aegis' ? `aegis-export-${day}.json` : `otpauth-links-${day}.txt`,
      format === 'aegis' ? 'application/json' : 'text/plain',
    );
    setStatus(
      [
        t('authenticator.export.done', { format, count: result.count }),
        ...result.skipped.map((s) =>
          t('authenticator.export.skipped', { name: s.name || s.where, reason: s.reason }),
        ),
        ...result.warnings.map((warning) => t('authenticator.note', { warning })),
      ].join(' '),
    );
  };

  const backup = async () => {
    const result = await exportVault(vault, { format: 'twofold', key: vaultKey });
    download(result.text, backupFileName(new Date()), 'application/json');
    const time = Date.now();
    await putValue('lastBackup', time);
    setLastBackup(time);
    setStatus(
      [
        t('authenticator.backup.done', { count: result.count }),
        ...result.warnings.map((warning) => t('authenticator.note', { warning })),
      ].join(' '),
    );
  };

  const warning = clockWarning(offset);
  const entries = findEntries(vault, query);
  return (
    <div>
      <Heading focus>{t('authenticator.accounts.title')}</Heading>
      {warning ? (
        <p class="notice notice-warning" id="clock-warning" role="alert">
          {clockWarningText(warning, location.host)}
        </p>
      ) : null}
      {backupDue(lastBackup, now) && vault.entries.length > 0 ? (
        <p class="notice notice-warning" id="backup-reminder">
          {lastBackup === undefined
            ? t('authenticator.backup.none')
            : t('authenticator.backup.old', { days: BACKUP_REMINDER_DAYS })}
        </p>
      ) : null}
      <p class="status auth-status" role="status" id="status">
        {inertText(status)}
      </p>
      <div class="field">
        <label for="search">{t('authenticator.accounts.search')}</label>
        <input
          id="search"
          type="search"
          value={query}
          onInput={(event) => setQuery(event.currentTarget.value)}
        />
      </div>
      {vault.entries.length === 0 ? (
        <p class="muted">{t('authenticator.accounts.empty')}</p>
      ) : entries.length === 0 ? (
        <p class="muted">{inertText(t('authenticator.accounts.noMatch', { query }))}</p>
      ) : (
        <ul class="accounts">
          {entries.map((entry) => (
            <AccountRow
              key={entry.id}
              entry={entry}
              now={now}
              onCopied={setStatus}
              onNext={() => save(advanceHotpCounter(vault, entry.id))}
            />
          ))}
        </ul>
      )}
      <PushPanel vault={vault} save={save} onStatus={setStatus} />
      <AddAccounts vault={vault} save={save} onStatus={setStatus} />
      <section class="auth-section">
        <h2>{t('authenticator.backup.title')}</h2>
        <p class="muted" id="last-backup">
          {lastBackup === undefined
            ? t('authenticator.backup.never')
            : t('authenticator.backup.last', { at: formatDateTime(lastBackup) })}
        </p>
        <button
          type="button"
          class="button secondary"
          id="backup"
          onClick={() => backup().catch((e) => setStatus(errorText(e)))}
        >
          {t('authenticator.backup.download')}
        </button>
        <ExportForOtherApps
          onExport={(format, password) => exportFor(format, password).catch((e) => setStatus(errorText(e)))}
        />
      </section>
    </div>
  );
}

/** Moving to another app: Aegis (encrypted with a password chosen here) or otpauth links (plain text). */
function ExportForOtherApps(props: { onExport: (format: 'aegis' | 'otpauth', password: string) => void }) {
  const [format, setFormat] = useState<'aegis' | 'otpauth'>('aegis');
  const [password, setPassword] = useState('');
  const ready = format === 'otpauth' || password.length >= MIN_EXPORT_PASSWORD;
  return (
    <form
      class="export-other"
      onSubmit={(event) => {
        event.preventDefault();
        if (ready) props.onExport(format, password);
      }}
    >
      <h3>{t('authenticator.export.title')}</h3>
      <div class="field">
        <label for="export-format">{t('authenticator.export.format')}</label>
        <select
          id="export-format"
          value={format}
          onChange={(event) => setFormat(event.currentTarget.value as 'aegis' | 'otpauth')}
        >
          <option value="aegis">{t('authenticator.export.aegis')}</option>
          <option value="otpauth">{t('authenticator.export.otpauth')}</option>
        </select>
      </div>
      {format === 'aegis' ? (
        <div class="field">
          <label for="export-password">
            {t('authenticator.export.password', { min: MIN_EXPORT_PASSWORD })}
          </label>
          <input
            id="export-password"
            type="password"
            autoComplete="new-password"
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </div>
      ) : (
        <p class="notice notice-warning">{t('authenticator.export.plainWarning')}</p>
      )}
      <button type="submit" class="button secondary" id="export-other" disabled={!ready}>
        {t('authenticator.export.submit')}
      </button>
    </form>
  );
}

const RING_RADIUS = 16;
const RING_CIRCUMFERENCE = 2 * Math.PI * RING_RADIUS;

function AccountRow(props: {
  entry: VaultEntry;
  now: number;
  onCopied: (message: string) => void;
  onNext: () => void;
}) {
  const { entry, now } = props;
  const seconds = Math.floor(now / 1000);
  let code: string;
  try {
    code = generateEntryCode(entry, seconds);
  } catch {
    code = '------';
  }
  const countdown = entryCountdown(entry, seconds);
  // Names come from files and QR codes: a control or bidi character shows as an escape (security review 14.6).
  const label = inertText(describeEntry(entry));
  const copy = async () => {
    const copied = await copyText(code);
    props.onCopied(copied ? t('authenticator.code.copied', { label }) : t('authenticator.code.copyFailed'));
  };
  return (
    <li class="account">
      <button
        type="button"
        class="account-main"
        onClick={copy}
        aria-label={t('authenticator.code.button', { label, code })}
      >
        <span class="account-label">
          <span class="account-issuer">{inertText(entry.issuer || entry.name)}</span>
          {entry.issuer && entry.name ? <span class="account-name">{inertText(entry.name)}</span> : null}
        </span>
        <span class="account-code">{formatCode(code)}</span>
      </button>
      {countdown ? (
        <svg
          class={countdown.remaining <= 5 ? 'ring ring-low' : 'ring'}
          viewBox="0 0 40 40"
          role="img"
          aria-label={t('authenticator.code.secondsLeft', { seconds: countdown.remaining })}
        >
          <circle class="ring-track" cx="20" cy="20" r={RING_RADIUS} />
          <circle
            class="ring-bar"
            cx="20"
            cy="20"
            r={RING_RADIUS}
            stroke-dasharray={RING_CIRCUMFERENCE.toFixed(2)}
            stroke-dashoffset={ringOffset(countdown.remaining, countdown.period, RING_CIRCUMFERENCE)}
            transform="rotate(-90 20 20)"
          />
          <text class="ring-text" x="20" y="24" text-anchor="middle">
            {countdown.remaining}
          </text>
        </svg>
      ) : (
        <button type="button" class="button secondary" onClick={props.onNext}>
          {t('authenticator.code.next')}
        </button>
      )}
    </li>
  );
}
