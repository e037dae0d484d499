import type { ComponentChildren, JSX } from 'preact';
import { t } from '../i18n/i18n.js';
import { CellLabel } from './components.js';

/** One column of a console table: its heading, repeated as the cell's label on narrow screens. */
export interface Column<T> {
  readonly label: string;
  /** The cell's class (`wrap`, `user-agent`, ...). */
  readonly class?: string;
  readonly cell: (item: T) => ComponentChildren;
}

/**
 * A console table of records (logs, the outbox, help requests): headed columns, one row a record,
 * each cell labelled for the stacked layout of narrow screens (the label is hidden from screen
 * readers, which have the column heading).
 */
export function DataTable<T extends { readonly id: string }>(props: {
  readonly items: readonly T[];
  readonly columns: readonly Column<T>[];
  readonly class?: string;
  readonly label?: string;
  readonly labelledBy?: string;
}): JSX.Element {
  return (
    <table
      class={`methods data-table${props.class ? ` ${props.class}` : ''}`}
      aria-label={props.label}
      aria-labelledby={props.labelledBy}
    >
      <thead>
        <tr>
          {props.columns.map((column) => (
            <th key={column.label} scope="col">
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.items.map((item) => (
          <tr key={item.id}>
            {props.columns.map((column) => (
              <td key={column.label} class={column.class}>
                <CellLabel>{column.label}</CellLabel>
                {column.cell(item)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A dash for an empty cell. */
export function None() {
  return <span class="muted">—</span>;
}

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
