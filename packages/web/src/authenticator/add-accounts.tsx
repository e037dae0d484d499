import {
  addEntries,
  decodeQrCodes,
  type ImportResult,
  importQrTexts,
  importUriSources,
  inertText,
  type Vault,
} from '@twofold/core';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import { ImportView } from './import-view.js';
import { type ManualEntryForm, manualEntry } from './logic.js';
import { describeError, formatName, type Said } from './messages.js';

/**
 * What an import (or an added link, QR code or form) did, in one line: how many were added from which format,
 * how many were left out and why, and the importer's notes.
 */
export function reportOf(result: ImportResult, added: number, duplicates: number): string {
  const parts: string[] = [
    t('authenticator.import.added', { count: added, format: formatName(result.format) }),
  ];
  const notTaken = duplicates + result.skipped.length;
  if (notTaken > 0) {
    parts.push(
      t('authenticator.import.skippedCount', {
        count: notTaken,
        duplicates,
        unreadable: result.skipped.length,
      }),
    );
  }
  for (const skip of result.skipped)
    parts.push(t('authenticator.import.skipped', { name: skip.name || skip.where, reason: skip.reason }));
  for (const warning of result.warnings) parts.push(t('authenticator.note', { warning }));
  return parts.join(' ');
}

/** An error as the page shows it: its sentence, and the English detail marked as English. */
export function SaidText(props: { said: Said | undefined }) {
  const { said } = props;
  if (said === undefined) return null;
  return (
    <>
      {inertText(said.text)}
      {said.detail === undefined ? null : (
        <>
          {' '}
          <span lang="en">{inertText(t('authenticator.error.details', { detail: said.detail }))}</span>
        </>
      )}
    </>
  );
}

type AddTab = 'uri' | 'qr' | 'manual' | 'import';

/** The tab an arrow, Home or End key moves to from tab `index` of `count`, or undefined for other keys. */
export function tabKeyTarget(key: string, index: number, count: number): number | undefined {
  if (key === 'ArrowRight') return (index + 1) % count;
  if (key === 'ArrowLeft') return (index - 1 + count) % count;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return undefined;
}

export function AddAccounts(props: {
  vault: Vault;
  save: (vault: Vault) => Promise<void>;
  onStatus: (message: string) => void;
}) {
  const [tab, setTab] = useState<AddTab>('uri');
  const [error, setError] = useState<Said>();
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
      .catch((caught: unknown) => setError(describeError(caught)));
  };

  const choose = (id: AddTab) => {
    setTab(id);
    setError(undefined);
    setReport(undefined);
  };
  const tabs: [AddTab, string][] = [
    ['uri', t('authenticator.add.tab.uri')],
    ['qr', t('authenticator.add.tab.qr')],
    ['manual', t('authenticator.add.tab.manual')],
    ['import', t('authenticator.add.tab.import')],
  ];
  return (
    <section class="auth-section">
      <h2>{t('authenticator.add.title')}</h2>
      <div class="tabs" role="tablist" aria-label={t('authenticator.add.title')}>
        {tabs.map(([id, name], index) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={tab === id}
            aria-controls="add-panel"
            // One stop in the tab order; the arrow keys move between the tabs (WAI-ARIA tabs pattern).
            tabIndex={tab === id ? 0 : -1}
            class={tab === id ? 'tab tab-selected' : 'tab'}
            onClick={() => choose(id)}
            onKeyDown={(event) => {
              const next = tabKeyTarget(event.key, index, tabs.length);
              if (next === undefined) return;
              event.preventDefault();
              const [nextId] = tabs[next]!;
              choose(nextId);
              document.getElementById(`tab-${nextId}`)?.focus();
            }}
          >
            {name}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="add-panel" aria-labelledby={`tab-${tab}`}>
        {tab === 'uri' ? (
          <UriForm onAdd={(text) => attempt(() => take(importUriSources(lines(text))))} />
        ) : tab === 'qr' ? (
          <>
            <QrForm
              onImage={(image) => attempt(async () => take(importQrTexts(await decodeQrCodes(image))))}
            />
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
          <ImportView
            vault={props.vault}
            onError={(said) => {
              setReport(undefined);
              setError(said);
            }}
            onTake={(result) => attempt(() => take(result))}
          />
        )}
      </div>
      <p class="form-error add-outcome" role="alert" id="add-error">
        <SaidText said={error} />
      </p>
      {report ? (
        <p class="notice notice-success add-outcome" id="add-report">
          {inertText(report)}
        </p>
      ) : null}
    </section>
  );
}

function lines(text: string): { where: string; text: string }[] {
  return text
    .split(/\r?\n/)
    .map((line, index) => ({ where: t('authenticator.add.line', { line: index + 1 }), text: line.trim() }))
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
        <label for="uri">{t('authenticator.add.uri')}</label>
        <textarea
          id="uri"
          rows={3}
          value={text}
          spellcheck={false}
          onInput={(event) => setText(event.currentTarget.value)}
        />
      </div>
      <button type="submit" class="button" disabled={text.trim() === ''}>
        {t('authenticator.add.submit')}
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
      <label for="qr-file">{t('authenticator.add.qr')}</label>
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
            .catch(() => setError(t('authenticator.add.qrNotImage')));
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
        <label for="m-issuer">{t('authenticator.manual.issuer')}</label>
        <input id="m-issuer" value={form.issuer} onInput={set('issuer')} />
      </div>
      <div class="field">
        <label for="m-name">{t('authenticator.manual.name')}</label>
        <input id="m-name" value={form.name} onInput={set('name')} />
      </div>
      <div class="field">
        <label for="m-secret">{t('authenticator.manual.secret')}</label>
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
          <label for="m-type">{t('authenticator.manual.type')}</label>
          <select id="m-type" value={form.type} onChange={set('type')}>
            <option value="totp">{t('authenticator.manual.totp')}</option>
            <option value="hotp">{t('authenticator.manual.hotp')}</option>
            <option value="steam">{t('authenticator.manual.steam')}</option>
          </select>
        </div>
        <div class="field">
          <label for="m-algorithm">{t('authenticator.manual.algorithm')}</label>
          <select id="m-algorithm" value={form.algorithm} onChange={set('algorithm')}>
            <option value="SHA1">SHA-1</option>
            <option value="SHA256">SHA-256</option>
            <option value="SHA512">SHA-512</option>
          </select>
        </div>
        <div class="field">
          <label for="m-digits">{t('authenticator.manual.digits')}</label>
          <input id="m-digits" inputMode="numeric" value={form.digits} onInput={set('digits')} />
        </div>
        {form.type === 'hotp' ? (
          <div class="field">
            <label for="m-counter">{t('authenticator.manual.counter')}</label>
            <input id="m-counter" inputMode="numeric" value={form.counter} onInput={set('counter')} />
          </div>
        ) : (
          <div class="field">
            <label for="m-period">{t('authenticator.manual.period')}</label>
            <input id="m-period" inputMode="numeric" value={form.period} onInput={set('period')} />
          </div>
        )}
      </div>
      <button type="submit" class="button">
        {t('authenticator.add.submit')}
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
        setError(t('authenticator.camera.failed'));
        setScanning(false);
      });
    return stop;
  }, [scanning, onTexts]);

  if (!navigator.mediaDevices?.getUserMedia) return null;
  return (
    <div class="field">
      {scanning ? (
        <>
          <video ref={video} class="camera" muted playsInline aria-label={t('authenticator.camera.view')} />
          <button type="button" class="button secondary" id="camera-stop" onClick={() => setScanning(false)}>
            {t('authenticator.camera.stop')}
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
          {t('authenticator.camera.start')}
        </button>
      )}
      <p class="error" role="alert">
        {error ?? ''}
      </p>
    </div>
  );
}
