import type { ComponentChildren, JSX } from 'preact';
import { t } from '../i18n/i18n.js';

/**
 * The filter form of a log: its fields, Apply, and Clear once anything is filtered. Filters live
 * in the address, so applying navigates and Back undoes it.
 */
export function FilterForm(props: {
  readonly label: string;
  readonly filtered: boolean;
  readonly onApply: () => void;
  readonly onClear: () => void;
  readonly children: ComponentChildren;
}): JSX.Element {
  return (
    <form
      class="filters"
      aria-label={props.label}
      onSubmit={(event) => {
        event.preventDefault();
        props.onApply();
      }}
    >
      {props.children}
      <div class="filter-actions">
        <button type="submit">{t('admin.filter.apply')}</button>
        {props.filtered ? (
          <button type="button" class="secondary" onClick={props.onClear}>
            {t('admin.filter.clear')}
          </button>
        ) : null}
      </div>
    </form>
  );
}
