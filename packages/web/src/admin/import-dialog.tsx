/**
 * Importing users from a CSV file (email,name,role): pick the file, the server checks every line
 * (a dry run), the refused lines are listed with their numbers and reasons, or every user is imported
 * at once. The server imports all lines or none.
 */
import { useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import type { Problem } from '../shared/api.js';
import { FormError } from '../shared/components/field.js';
import { Heading, useFocusOnMount } from '../shared/components/layout.js';
import type { AdminApi } from './admin-api.js';
import { adminMessage } from './admin-messages.js';
import type { RefusedLine } from './types.js';

type Phase =
  | { readonly kind: 'pick' }
  | { readonly kind: 'checking'; readonly rows: number }
  | { readonly kind: 'refused'; readonly rows: number; readonly refused: readonly RefusedLine[] }
  | { readonly kind: 'ready'; readonly rows: number; readonly csv: string }
  | { readonly kind: 'importing'; readonly rows: number };

/** Data lines of a CSV text, for the progress line only (the server counts for real). */
function roughRows(csv: string): number {
  return Math.max(0, csv.split(/\r?\n/u).filter((line) => line.trim() !== '').length - 1);
}

function refusedOf(problem: Problem): readonly RefusedLine[] | undefined {
  const refused = (problem as { refused?: unknown }).refused;
  return problem.code === 'import_refused' && Array.isArray(refused) && refused.length > 0
    ? (refused as RefusedLine[])
    : undefined;
}

export function ImportUsersForm(props: {
  admin: AdminApi;
  onCancel: () => void;
  onImported: (count: number) => void;
}) {
  const [phase, setPhase] = useState<Phase>({ kind: 'pick' });
  const [file, setFile] = useState<File>();
  const [error, setError] = useState<string>();
  const fileRef = useFocusOnMount<HTMLInputElement>();

  async function check(event: Event) {
    event.preventDefault();
    setError(undefined);
    if (!file) {
      setError(t('adminImport.chooseFirst'));
      fileRef.current?.focus();
      return;
    }
    const csv = await file.text();
    setPhase({ kind: 'checking', rows: roughRows(csv) });
    const result = await props.admin.importUsers(csv, true);
    if (result.ok) {
      setPhase({ kind: 'ready', rows: result.data.rows, csv });
      return;
    }
    const refused = refusedOf(result.problem);
    const rows = (result.problem as { rows?: unknown }).rows;
    if (refused)
      setPhase({ kind: 'refused', rows: typeof rows === 'number' ? rows : refused.length, refused });
    else {
      setPhase({ kind: 'pick' });
      setError(adminMessage(result.problem));
    }
  }

  async function runImport(csv: string, rows: number) {
    setError(undefined);
    setPhase({ kind: 'importing', rows });
    const result = await props.admin.importUsers(csv, false);
    if (result.ok) {
      props.onImported(result.data.imported);
      return;
    }
    const refused = refusedOf(result.problem);
    if (refused) setPhase({ kind: 'refused', rows, refused });
    else {
      setPhase({ kind: 'ready', rows, csv });
      setError(adminMessage(result.problem));
    }
  }

  const busy = phase.kind === 'checking' || phase.kind === 'importing';
  return (
    <form onSubmit={check} noValidate class="import-users">
      <Heading level={2} id="import-title">
        {t('adminImport.title')}
      </Heading>
      <p class="hint">{t('adminImport.lead')}</p>
      {phase.kind === 'pick' || phase.kind === 'checking' ? (
        <div class="field">
          <label for="import-file">{t('adminImport.file')}</label>
          <input
            id="import-file"
            name="import-file"
            type="file"
            accept=".csv,text/csv"
            ref={fileRef}
            disabled={busy}
            onChange={(event) => {
              setFile(event.currentTarget.files?.[0]);
              setError(undefined);
            }}
          />
        </div>
      ) : null}
      {busy ? (
        <div role="status" class="import-progress">
          <p>
            {phase.kind === 'checking'
              ? t('adminImport.checking', { count: phase.rows })
              : t('adminImport.importing', { count: phase.rows })}
          </p>
          <progress aria-label={t('adminImport.progressLabel')} />
        </div>
      ) : null}
      {phase.kind === 'ready' ? (
        <p role="status" class="notice notice-success">
          {t('adminImport.ready', { count: phase.rows })}
        </p>
      ) : null}
      {phase.kind === 'refused' ? (
        <>
          <p role="alert" class="notice notice-warning">
            {t('adminImport.refused', { refused: phase.refused.length, rows: phase.rows })}
          </p>
          <table class="data-table refused-lines">
            <thead>
              <tr>
                <th scope="col">{t('adminImport.line')}</th>
                <th scope="col">{t('adminImport.email')}</th>
                <th scope="col">{t('adminImport.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {phase.refused.map((line) => (
                <tr key={line.line}>
                  <td>{line.line}</td>
                  <td class="wrap">{line.email || t('adminImport.noEmail')}</td>
                  <td class="wrap">
                    {adminMessage({ status: 400, code: line.code, detail: line.message } as Problem)}{' '}
                    <span class="muted">{line.message}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <FormError id="import-error" message={error} />
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onCancel}>
          {t('common.action.cancel')}
        </button>
        {phase.kind === 'refused' ? (
          <button
            type="button"
            onClick={() => {
              setFile(undefined);
              setPhase({ kind: 'pick' });
            }}
          >
            {t('adminImport.again')}
          </button>
        ) : phase.kind === 'ready' ? (
          <button type="button" onClick={() => void runImport(phase.csv, phase.rows)}>
            {t('adminImport.import', { count: phase.rows })}
          </button>
        ) : (
          <button type="submit" disabled={busy}>
            {t('adminImport.check')}
          </button>
        )}
      </div>
    </form>
  );
}
