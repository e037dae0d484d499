/**
 * Importing a file from another authenticator (issue 18): the file is read in the page (never sent anywhere),
 * its format recognised, and what it holds shown before anything is added, as the CLI's `--dry-run` prints
 * it: the accounts that would be added, those already in the vault, the entries that cannot be read (and
 * why), and the importer's notes. Nothing is written until "Add N accounts".
 */
import {
  addEntries,
  type ImportResult,
  importFromBytes,
  inertText,
  isTwofoldError,
  type OtpAlgorithm,
  type Vault,
  type VaultEntry,
} from '@twofold/core';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import { describeError, formatName, type Said } from './messages.js';

const algorithmNames: Readonly<Record<OtpAlgorithm, string>> = {
  SHA1: 'SHA-1',
  SHA224: 'SHA-224',
  SHA256: 'SHA-256',
  SHA384: 'SHA-384',
  SHA512: 'SHA-512',
};

/** "TOTP, 30 seconds, 6 digits, SHA-1": how an account makes its codes. */
export function entryKind(entry: VaultEntry): string {
  return t('authenticator.import.kind', {
    type: entry.type,
    counter: String(entry.counter ?? 0n),
    period: entry.period ?? 30,
    digits: entry.digits,
    algorithm: algorithmNames[entry.algorithm] ?? entry.algorithm,
  });
}

interface Preview {
  readonly result: ImportResult;
  readonly added: readonly VaultEntry[];
  readonly duplicates: number;
}

export function ImportView(props: {
  vault: Vault;
  onError: (said: Said) => void;
  /** Adds what the preview showed (the vault as it is then: what arrived meanwhile is not added twice). */
  onTake: (result: ImportResult) => void;
}) {
  const [file, setFile] = useState<File>();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<Preview>();
  const passwordField = useRef<HTMLInputElement>(null);
  const fileField = useRef<HTMLInputElement>(null);
  const title = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (preview) title.current?.focus();
  }, [preview]);

  // The preview's buttons go with it: keyboard focus goes back to the file field, ready for another file.
  const close = () => {
    setPreview(undefined);
    fileField.current?.focus();
  };

  const read = async () => {
    if (!file) return;
    setBusy(true);
    setPreview(undefined);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const result = await importFromBytes(bytes, password ? { password } : {});
      const { added, duplicates } = addEntries(props.vault, result.entries);
      setPreview({ result, added, duplicates: duplicates.length });
    } catch (caught) {
      if (isTwofoldError(caught) && caught.code === 'import_password_required') {
        props.onError({ text: t('authenticator.import.passwordNeeded') });
        passwordField.current?.focus();
      } else props.onError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          read().catch((caught: unknown) => props.onError(describeError(caught)));
        }}
      >
        <p class="hint import-formats">{t('authenticator.import.hint')}</p>
        <div class="field">
          <label for="import-file">{t('authenticator.import.file')}</label>
          <input
            id="import-file"
            ref={fileField}
            type="file"
            onChange={(event) => {
              setFile(event.currentTarget.files?.[0]);
              setPreview(undefined);
            }}
          />
        </div>
        <div class="field">
          <label for="import-password">{t('authenticator.import.password')}</label>
          <input
            id="import-password"
            ref={passwordField}
            type="password"
            autoComplete="off"
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </div>
        <button type="submit" class="button" id="import-submit" disabled={!file || busy}>
          {busy ? t('authenticator.import.reading') : t('authenticator.import.read')}
        </button>
      </form>
      {preview ? (
        <ImportPreview
          preview={preview}
          titleRef={title}
          onConfirm={() => {
            close();
            props.onTake(preview.result);
          }}
          onCancel={close}
        />
      ) : null}
    </>
  );
}

function ImportPreview(props: {
  preview: Preview;
  titleRef: { current: HTMLHeadingElement | null };
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { result, added, duplicates } = props.preview;
  return (
    <section class="import-preview" id="import-preview" aria-labelledby="import-preview-title">
      <h3 id="import-preview-title" tabIndex={-1} ref={props.titleRef}>
        {t('authenticator.import.previewTitle', {
          count: added.length,
          format: formatName(result.format),
        })}
      </h3>
      {added.length > 0 ? (
        <ul class="import-list">
          {added.map((entry) => (
            <li key={entry.id}>
              <span class="import-account">
                <span class="account-issuer">{inertText(entry.issuer || entry.name)}</span>
                {entry.issuer && entry.name ? (
                  <span class="account-name">{inertText(entry.name)}</span>
                ) : null}
              </span>
              <span class="import-kind">{entryKind(entry)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {duplicates > 0 ? (
        <p class="muted">{t('authenticator.import.duplicates', { count: duplicates })}</p>
      ) : null}
      {result.skipped.length > 0 ? (
        <>
          <p class="muted">{t('authenticator.import.unreadable', { count: result.skipped.length })}</p>
          <ul class="import-skipped">
            {result.skipped.map((skip) => (
              <li key={`${skip.where}:${skip.name}`}>
                {inertText(skip.name || skip.where)}: <span lang="en">{inertText(skip.reason)}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {result.warnings.map((warning, index) => (
        <p class="muted" key={index}>
          {inertText(t('authenticator.note', { warning }))}
        </p>
      ))}
      <div class="actions actions-start">
        {added.length > 0 ? (
          <button type="button" class="button" id="import-confirm" onClick={props.onConfirm}>
            {t('authenticator.import.confirm', { count: added.length })}
          </button>
        ) : null}
        <button type="button" class="button secondary" id="import-cancel" onClick={props.onCancel}>
          {added.length > 0 ? t('common.action.cancel') : t('common.action.done')}
        </button>
      </div>
    </section>
  );
}
