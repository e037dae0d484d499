/** Small pieces the console's views share. */
import type { ComponentChildren } from 'preact';
import { t } from '../i18n/i18n.js';
import { fieldDescribedBy } from '../shared/components/field.js';
import type { BadgeTone, StatusBadge } from './format.js';

export function Badge(props: { tone?: BadgeTone; children: ComponentChildren }) {
  return <span class={`badge badge-${props.tone ?? 'neutral'}`}>{props.children}</span>;
}

export function Badges(props: { badges: readonly StatusBadge[]; empty?: string }) {
  if (props.badges.length === 0) return <span class="muted">{props.empty ?? '—'}</span>;
  return (
    <span class="badges">
      {props.badges.map((badge) => (
        <Badge key={badge.key} tone={badge.tone}>
          {badge.label}
        </Badge>
      ))}
    </span>
  );
}

/** The success line after an action; announced by screen readers, empty (and hidden) otherwise. */
export function SuccessNotice(props: { message: string }) {
  return (
    <p class="status notice notice-success" role="status">
      {props.message}
    </p>
  );
}

/** "Load more" under a list read page by page; gone once the server has no next page. */
export function LoadMore(props: { nextCursor: string | null; busy: boolean; onMore: () => void }) {
  if (props.nextCursor === null) return null;
  return (
    <div class="actions actions-start">
      <button type="button" class="secondary" disabled={props.busy} onClick={props.onMore}>
        {props.busy ? t('common.loading') : t('admin.list.loadMore')}
      </button>
    </div>
  );
}

export function Loading(props: { children: ComponentChildren }) {
  return (
    <p class="muted" role="status">
      {props.children}
    </p>
  );
}

/** A plain <input type="date"> with its label (filters). */
export function DateField(props: { id: string; label: string; value: string; onValue: (v: string) => void }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        type="date"
        value={props.value}
        onInput={(event) => props.onValue(event.currentTarget.value)}
      />
    </div>
  );
}

export function SelectField(props: {
  id: string;
  label: string;
  value: string;
  onValue: (v: string) => void;
  /** `lang` names the language of an option written in its own (a language picker's). */
  options: readonly { value: string; label: string; lang?: string }[];
  hint?: string;
  error?: string | undefined;
  disabled?: boolean;
}) {
  const describedBy = fieldDescribedBy(props.id, { hint: props.hint, error: props.error !== undefined });
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        name={props.id}
        value={props.value}
        disabled={props.disabled}
        aria-describedby={describedBy || undefined}
        aria-invalid={props.error ? 'true' : undefined}
        onChange={(event) => props.onValue(event.currentTarget.value)}
      >
        {props.options.map((option) => (
          <option key={option.value} value={option.value} lang={option.lang}>
            {option.label}
          </option>
        ))}
      </select>
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error !== undefined ? (
        <p class="error" id={`${props.id}-error`} role="alert">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

/** Download links for a log, with the filters shown above them. */
export function ExportLinks(props: { csv: string; json: string; name: string }) {
  return (
    <p class="export-links">
      <span class="muted">{t('admin.export.lead')}</span>{' '}
      <a href={props.csv} download={`${props.name}.csv`}>
        {t('admin.export.csv')}
      </a>{' '}
      <a href={props.json} download={`${props.name}.json`}>
        {t('admin.export.json')}
      </a>
    </p>
  );
}
