import {
  addEntries,
  advanceHotpCounter,
  createVault,
  decodeQrCodes,
  deriveVaultKey,
  describeEntry,
  entryCountdown,
  exportVault,
  findEntries,
  generateEntryCode,
  type ImportResult,
  importFromBytes,
  importQrTexts,
  importUriSources,
  inertText,
  isTwofoldError,
  openVault,
  sealVault,
  type Vault,
  type VaultEntry,
  type VaultKey,
} from '@twofold/core';
import { useEffect, useRef, useState } from 'preact/hooks';
import { copyText } from '../shared/components/copy-text.js';
import { Heading, Page } from '../shared/components/layout.js';
import {
  backupDue,
  backupFileName,
  type ClockOffset,
  clockOffset,
  clockWarning,
  formatCode,
  IDLE_LOCK_MS,
  isIdle,
  type ManualEntryForm,
  manualEntry,
  ringOffset,
  type TimeSample,
} from './logic.js';
import { PushPanel } from './push-panel.js';
import { getValue, putValue } from './store.js';

const MIN_PASSPHRASE = 8;

function messageOf(error: unknown): string {
  if (isTwofoldError(error) || error instanceof Error) return error.message;
  return String(error);
}

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
  const [loadError, setLoadError] = useState<string>();

  useEffect(() => {
    getValue<string>('vault')
      .then((file) => setState(file === undefined ? { kind: 'create' } : { kind: 'locked' }))
      .catch((error: unknown) =>
        setLoadError(`This browser keeps no storage for the vault: ${messageOf(error)}`),
      );
  }, []);

  const lock = () => setState({ kind: 'locked' });

  return (
    <Page wide={state.kind === 'open'}>
      <div class="brand-row">
        <p class="brand">Twofold Authenticator</p>
        {state.kind === 'open' ? (
          <button type="button" class="button secondary" id="lock" onClick={lock}>
            Lock
          </button>
        ) : null}
      </div>
      {loadError ? <p class="notice notice-warning">{loadError}</p> : null}
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
    if (passphrase.length < MIN_PASSPHRASE) return setError(`Use at least ${MIN_PASSPHRASE} characters.`);
    if (passphrase !== again) return setError('The two passphrases differ.');
    setBusy(true);
    try {
      const key = await deriveVaultKey(passphrase);
      const vault = createVault();
      await putValue('vault', await sealVault(vault, key));
      props.onOpen(vault, key);
    } catch (caught) {
      setError(messageOf(caught));
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit}>
      <Heading focus>Create your vault</Heading>
      <p class="lead">
        Your accounts are kept encrypted on this device with a passphrase. Nobody can recover it: choose one
        you will remember.
      </p>
      <PassphraseField
        id="new-passphrase"
        label="Passphrase"
        value={passphrase}
        onValue={setPassphrase}
        auto="new-password"
      />
      <PassphraseField
        id="new-passphrase-again"
        label="Passphrase again"
        value={again}
        onValue={setAgain}
        auto="new-password"
      />
      <p class="form-error" role="alert">
        {error ?? ''}
      </p>
      <div class="actions">
        <button type="submit" class="button" disabled={busy}>
          {busy ? 'Creating…' : 'Create vault'}
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
      if (file === undefined) throw new Error('no vault on this device');
      // openVault never writes: a wrong passphrase changes nothing.
      const { vault, key } = await openVault(file, passphrase);
      props.onOpen(vault, key);
    } catch (caught) {
      setError(
        isTwofoldError(caught) && caught.code === 'vault_passphrase_wrong'
          ? 'Wrong passphrase. Nothing was changed; try again.'
          : messageOf(caught),
      );
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit}>
      <Heading focus>Unlock your vault</Heading>
      <PassphraseField
        id="passphrase"
        label="Passphrase"
        value={passphrase}
        onValue={setPassphrase}
        auto="current-password"
        error={error}
      />
      <div class="actions">
        <button type="submit" class="button" disabled={busy || passphrase === ''}>
          {busy ? 'Unlocking…' : 'Unlock'}
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
    const skipped = result.skipped.map((s) => `${s.name || s.where} not exported: ${s.reason}.`);
    setStatus(
      `Exported ${result.count} account${result.count === 1 ? '' : 's'}${
        format === 'otpauth' ? ' as plain text: keep the file safe and delete it after use' : ''
      }.${[...skipped, ...result.warnings].map((w) => ` ${w}`).join('')}`,
    );
  };

  const backup = async () => {
    const result = await exportVault(vault, { format: 'twofold', key: vaultKey });
    download(result.text, backupFileName(new Date()), 'application/json');
    const time = Date.now();
    await putValue('lastBackup', time);
    setLastBackup(time);
    setStatus(
      `Backup downloaded: ${result.count} account${result.count === 1 ? '' : 's'}, encrypted with your vault passphrase.${
        result.warnings.length > 0 ? ` ${result.warnings.join(' ')}` : ''
      }`,
    );
  };

  const warning = clockWarning(offset);
  const entries = findEntries(vault, query);
  return (
    <div>
      <Heading focus>Accounts</Heading>
      {warning ? (
        <p class="notice notice-warning" id="clock-warning" role="alert">
          {warning}
        </p>
      ) : null}
      {backupDue(lastBackup, now) && vault.entries.length > 0 ? (
        <p class="notice notice-warning" id="backup-reminder">
          {lastBackup === undefined
            ? 'You have no backup of this vault yet. Download one and keep it somewhere safe.'
            : 'Your last backup is more than 30 days old. Download a new one.'}
        </p>
      ) : null}
      <p class="status" role="status" id="status">
        {inertText(status)}
      </p>
      <div class="field">
        <label for="search">Search</label>
        <input
          id="search"
          type="search"
          value={query}
          onInput={(event) => setQuery(event.currentTarget.value)}
        />
      </div>
      {vault.entries.length === 0 ? (
        <p class="muted">No accounts yet: add one below.</p>
      ) : entries.length === 0 ? (
        <p class="muted">No account matches “{query}”.</p>
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
        <h2>Backup</h2>
        <p class="muted" id="last-backup">
          {lastBackup === undefined
            ? 'No backup made yet.'
            : `Last backup: ${new Date(lastBackup).toLocaleString()}.`}
        </p>
        <button
          type="button"
          class="button secondary"
          id="backup"
          onClick={() => backup().catch((e) => setStatus(messageOf(e)))}
        >
          Download encrypted backup
        </button>
        <ExportForOtherApps
          onExport={(format, password) => exportFor(format, password).catch((e) => setStatus(messageOf(e)))}
        />
      </section>
    </div>
  );
}

/** Moving to another app: Aegis (encrypted with a password chosen here) or otpauth links (plain text). */
function ExportForOtherApps(props: { onExport: (format: 'aegis' | 'otpauth', password: string) => void }) {
  const [format, setFormat] = useState<'aegis' | 'otpauth'>('aegis');
  const [password, setPassword] = useState('');
  const ready = format === 'otpauth' || password.length >= 8;
  return (
    <form
      class="export-other"
      onSubmit={(event) => {
        event.preventDefault();
        if (ready) props.onExport(format, password);
      }}
    >
      <h3>Export for another app</h3>
      <div class="field">
        <label for="export-format">Format</label>
        <select
          id="export-format"
          value={format}
          onChange={(event) => setFormat(event.currentTarget.value as 'aegis' | 'otpauth')}
        >
          <option value="aegis">Aegis vault (encrypted)</option>
          <option value="otpauth">otpauth links (plain text)</option>
        </select>
      </div>
      {format === 'aegis' ? (
        <div class="field">
          <label for="export-password">Password for the export (at least 8 characters)</label>
          <input
            id="export-password"
            type="password"
            autoComplete="new-password"
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </div>
      ) : (
        <p class="notice notice-warning">
          otpauth links hold every secret in plain text: anyone who gets the file can make your codes.
        </p>
      )}
      <button type="submit" class="button secondary" id="export-other" disabled={!ready}>
        Export
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
    props.onCopied(
      copied ? `Copied the code of ${label}.` : 'The code could not be copied: select it instead.',
    );
  };
  return (
    <li class="account">
      <button
        type="button"
        class="account-main"
        onClick={copy}
        aria-label={`${label}: code ${code}, click to copy`}
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
          aria-label={`${countdown.remaining} seconds left`}
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
          Next code
        </button>
      )}
    </li>
  );
}

/** What the import view tells people, in one place. */
const IMPORT_TEXT = {
  added: (count: number, format: string) => `Added ${count} account${count === 1 ? '' : 's'} (${format}).`,
  skippedCount: (count: number, duplicates: number, unreadable: number) =>
    `Skipped ${count}: ${duplicates} already in the vault, ${unreadable} unreadable.`,
  skipped: (name: string, reason: string) => `Skipped ${name}: ${reason}.`,
  note: (warning: string) => `Note: ${warning}.`,
  hint:
    'Twofold, Aegis, 2FAS, Bitwarden (JSON or CSV), Ente Auth, Proton Authenticator, Proton Pass (ZIP), FreeOTP+, ' +
    'FreeOTP (backup), andOTP, Raivo (ZIP), LastPass Authenticator, Steam maFile, Google Authenticator export ' +
    'links, or otpauth links one per line. The format is recognised by itself.',
  file: 'File',
  password: 'Its password (encrypted files only)',
  passwordNeeded: 'This file is encrypted: type its password and import again.',
  submit: 'Import',
} as const;

function reportOf(result: ImportResult, added: number, duplicates: number): string {
  const parts: string[] = [IMPORT_TEXT.added(added, result.format)];
  const notTaken = duplicates + result.skipped.length;
  if (notTaken > 0) parts.push(IMPORT_TEXT.skippedCount(notTaken, duplicates, result.skipped.length));
  for (const skip of result.skipped) parts.push(IMPORT_TEXT.skipped(skip.name || skip.where, skip.reason));
  for (const warning of result.warnings) parts.push(IMPORT_TEXT.note(warning));
  return parts.join(' ');
}

type AddTab = 'uri' | 'qr' | 'manual' | 'import';

function AddAccounts(props: {
  vault: Vault;
  save: (vault: Vault) => Promise<void>;
  onStatus: (message: string) => void;
}) {
  const [tab, setTab] = useState<AddTab>('uri');
  const [error, setError] = useState<string>();
  const [report, setReport] = useState<string>();

  const take = async (result: ImportResult) => {
    const { vault, added, duplicates } = addEntries(props.vault, result.entries);
    if (added.length > 0) await props.save(vault);
    const message = reportOf(result, added.length, duplicates.length);
    setReport(message);
    props.onStatus(message);
  };
  const attempt = (work: () => Promise<void>) => {
    setError(undefined);
    setReport(undefined);
    // A synchronous throw (a bad form) is reported like a rejected promise.
    Promise.resolve()
      .then(work)
      .catch((caught: unknown) => setError(messageOf(caught)));
  };

  const tabs: [AddTab, string][] = [
    ['uri', 'Paste a link'],
    ['qr', 'QR image'],
    ['manual', 'By hand'],
    ['import', 'Import a file'],
  ];
  return (
    <section class="auth-section">
      <h2>Add accounts</h2>
      <div class="tabs" role="tablist">
        {tabs.map(([id, name]) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={tab === id}
            class={tab === id ? 'tab tab-selected' : 'tab'}
            onClick={() => {
              setTab(id);
              setError(undefined);
              setReport(undefined);
            }}
          >
            {name}
          </button>
        ))}
      </div>
      {tab === 'uri' ? (
        <UriForm onAdd={(text) => attempt(() => take(importUriSources(lines(text))))} />
      ) : tab === 'qr' ? (
        <>
          <QrForm onImage={(image) => attempt(async () => take(importQrTexts(await decodeQrCodes(image))))} />
          <CameraScan onTexts={(texts) => attempt(() => take(importQrTexts(texts)))} />
        </>
      ) : tab === 'manual' ? (
        <ManualForm
          onAdd={(form) =>
            attempt(() =>
              take({ format: 'otpauth', entries: [manualEntry(form)], skipped: [], warnings: [] }),
            )
          }
        />
      ) : (
        <ImportForm
          onImport={(bytes, password) =>
            attempt(async () => {
              try {
                await take(await importFromBytes(bytes, password ? { password } : {}));
              } catch (caught) {
                if (isTwofoldError(caught) && caught.code === 'import_password_required') {
                  throw new Error(IMPORT_TEXT.passwordNeeded);
                }
                throw caught;
              }
            })
          }
        />
      )}
      <p class="form-error" role="alert" id="add-error">
        {inertText(error ?? '')}
      </p>
      {report ? (
        <p class="notice notice-success" id="add-report">
          {inertText(report)}
        </p>
      ) : null}
    </section>
  );
}

function lines(text: string): { where: string; text: string }[] {
  return text
    .split(/\r?\n/)
    .map((line, index) => ({ where: `line ${index + 1}`, text: line.trim() }))
    .filter((line) => line.text !== '');
}

function UriForm(props: { onAdd: (text: string) => void }) {
  const [text, setText] = useState('');
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        props.onAdd(text);
        setText('');
      }}
    >
      <div class="field">
        <label for="uri">otpauth:// link (one per line)</label>
        <textarea
          id="uri"
          rows={3}
          value={text}
          spellcheck={false}
          onInput={(event) => setText(event.currentTarget.value)}
        />
      </div>
      <button type="submit" class="button" disabled={text.trim() === ''}>
        Add
      </button>
    </form>
  );
}

/** The pixels of an image file, drawn on a canvas (the file never leaves the page). */
async function imagePixels(file: File): Promise<ImageData> {
  const bitmap = await createImageBitmap(file);
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('this browser cannot read images');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

function QrForm(props: { onImage: (image: ImageData) => void }) {
  const [error, setError] = useState<string>();
  return (
    <div class="field">
      <label for="qr-file">A picture or screenshot of the QR code</label>
      <input
        id="qr-file"
        type="file"
        accept="image/*"
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          event.currentTarget.value = '';
          if (!file) return;
          setError(undefined);
          imagePixels(file)
            .then(props.onImage)
            .catch(() => setError('That file is not an image this browser can read.'));
        }}
      />
      <p class="error" role="alert">
        {error ?? ''}
      </p>
    </div>
  );
}

const EMPTY_MANUAL: ManualEntryForm = {
  type: 'totp',
  issuer: '',
  name: '',
  secret: '',
  algorithm: 'SHA1',
  digits: '6',
  period: '30',
  counter: '0',
};

function ManualForm(props: { onAdd: (form: ManualEntryForm) => void }) {
  const [form, setForm] = useState<ManualEntryForm>(EMPTY_MANUAL);
  const set = (field: keyof ManualEntryForm) => (event: { currentTarget: { value: string } }) =>
    setForm({ ...form, [field]: event.currentTarget.value });
  return (
    <form
      class="manual"
      onSubmit={(event) => {
        event.preventDefault();
        props.onAdd(form);
      }}
    >
      <div class="field">
        <label for="m-issuer">Service</label>
        <input id="m-issuer" value={form.issuer} onInput={set('issuer')} />
      </div>
      <div class="field">
        <label for="m-name">Account</label>
        <input id="m-name" value={form.name} onInput={set('name')} />
      </div>
      <div class="field">
        <label for="m-secret">Secret key (base32)</label>
        <input
          id="m-secret"
          value={form.secret}
          spellcheck={false}
          autoComplete="off"
          onInput={set('secret')}
        />
      </div>
      <div class="field-row">
        <div class="field">
          <label for="m-type">Type</label>
          <select id="m-type" value={form.type} onChange={set('type')}>
            <option value="totp">Time-based (TOTP)</option>
            <option value="hotp">Counter-based (HOTP)</option>
            <option value="steam">Steam</option>
          </select>
        </div>
        <div class="field">
          <label for="m-algorithm">Algorithm</label>
          <select id="m-algorithm" value={form.algorithm} onChange={set('algorithm')}>
            <option value="SHA1">SHA-1</option>
            <option value="SHA256">SHA-256</option>
            <option value="SHA512">SHA-512</option>
          </select>
        </div>
        <div class="field">
          <label for="m-digits">Digits</label>
          <input id="m-digits" inputMode="numeric" value={form.digits} onInput={set('digits')} />
        </div>
        {form.type === 'hotp' ? (
          <div class="field">
            <label for="m-counter">Counter</label>
            <input id="m-counter" inputMode="numeric" value={form.counter} onInput={set('counter')} />
          </div>
        ) : (
          <div class="field">
            <label for="m-period">Period (s)</label>
            <input id="m-period" inputMode="numeric" value={form.period} onInput={set('period')} />
          </div>
        )}
      </div>
      <button type="submit" class="button">
        Add
      </button>
    </form>
  );
}

function ImportForm(props: { onImport: (bytes: Uint8Array, password: string) => void }) {
  const [file, setFile] = useState<File>();
  const [password, setPassword] = useState('');
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        file
          ?.arrayBuffer()
          .then((buffer) => props.onImport(new Uint8Array(buffer), password))
          .catch(() => undefined);
      }}
    >
      <p class="hint">{IMPORT_TEXT.hint}</p>
      <div class="field">
        <label for="import-file">{IMPORT_TEXT.file}</label>
        <input id="import-file" type="file" onChange={(event) => setFile(event.currentTarget.files?.[0])} />
      </div>
      <div class="field">
        <label for="import-password">{IMPORT_TEXT.password}</label>
        <input
          id="import-password"
          type="password"
          autoComplete="off"
          value={password}
          onInput={(event) => setPassword(event.currentTarget.value)}
        />
      </div>
      <button type="submit" class="button" id="import-submit" disabled={!file}>
        {IMPORT_TEXT.submit}
      </button>
    </form>
  );
}

/** How often a camera frame is searched for a QR code. */
const SCAN_INTERVAL_MS = 300;

/**
 * Scans QR codes with the camera: frames of the video are drawn on a canvas and read with core's decoder until
 * one gives a code; the camera is stopped at once after that, on Stop, and when the form goes away.
 */
function CameraScan(props: { onTexts: (texts: string[]) => void }) {
  const [scanning, setScanning] = useState(false);
  const [error, setError] = useState<string>();
  const video = useRef<HTMLVideoElement>(null);
  const { onTexts } = props;

  useEffect(() => {
    if (!scanning) return;
    let stream: MediaStream | undefined;
    let stopped = false;
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });
    const stop = () => {
      stopped = true;
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
    const scan = async () => {
      while (!stopped) {
        await new Promise((resolve) => setTimeout(resolve, SCAN_INTERVAL_MS));
        const element = video.current;
        if (stopped || !element || !context || element.videoWidth === 0) continue;
        canvas.width = element.videoWidth;
        canvas.height = element.videoHeight;
        context.drawImage(element, 0, 0);
        try {
          const texts = await decodeQrCodes(context.getImageData(0, 0, canvas.width, canvas.height));
          if (stopped) return;
          stop();
          setScanning(false);
          onTexts(texts);
          return;
        } catch {
          // No code in this frame: try the next one.
        }
      }
    };
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then(async (media) => {
        stream = media;
        if (stopped || !video.current) return stop();
        video.current.srcObject = media;
        await video.current.play();
        await scan();
      })
      .catch(() => {
        if (stopped) return;
        setError('The camera could not be opened: allow it for this page, or use a QR image file.');
        setScanning(false);
      });
    return stop;
  }, [scanning, onTexts]);

  if (!navigator.mediaDevices?.getUserMedia) return null;
  return (
    <div class="field">
      {scanning ? (
        <>
          <video
            ref={video}
            class="camera"
            muted
            playsInline
            aria-label="Camera view: hold the QR code in front of it"
          />
          <button type="button" class="button secondary" id="camera-stop" onClick={() => setScanning(false)}>
            Stop the camera
          </button>
        </>
      ) : (
        <button
          type="button"
          class="button secondary"
          id="camera-start"
          onClick={() => {
            setError(undefined);
            setScanning(true);
          }}
        >
          Scan with the camera
        </button>
      )}
      <p class="error" role="alert">
        {error ?? ''}
      </p>
    </div>
  );
}
