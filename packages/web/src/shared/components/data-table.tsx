import type { ComponentChildren, JSX } from 'preact';
import { t } from '../../i18n/i18n.js';

/** The column's name beside the value when a table is stacked on a narrow screen. */
export function CellLabel(props: { children: string }) {
  return (
    <span class="cell-label" aria-hidden="true">
      {props.children}
    </span>
  );
}

/** One column of a console table: its heading, repeated as the cell's label on narrow screens. */
export interface Column<T> {
  readonly label: string;
  /** The heading when it is more than the label (an abbreviation with its title). */
  readonly header?: ComponentChildren;
  /** The cell's class (`wrap`, `user-agent`, ...). */
  readonly class?: string;
  readonly cell: (item: T) => ComponentChildren;
}

/**
 * A table of records (logs, the outbox, help requests, users' methods, groups' members, applications):
 * headed columns, one row a record, each cell labelled for the stacked layout of narrow screens (the
 * label is hidden from screen readers, which have the column heading), and the row's buttons last.
 */
export function DataTable<T>(props: {
  readonly items: readonly T[];
  readonly columns: readonly Column<T>[];
  /** The row's key; the record's `id` by default. */
  readonly rowKey?: (item: T) => string;
  /** The row's buttons, in a last column headed "Actions" for screen readers only. */
  readonly actions?: ((item: T) => ComponentChildren) | undefined;
  /** Classes besides `methods data-table` (or instead of them, with `plain`). */
  readonly class?: string;
  /** Without the console's `data-table` look (Security info's own table). */
  readonly plain?: boolean;
  readonly label?: string;
  readonly labelledBy?: string;
}): JSX.Element {
  const { actions } = props;
  const key = props.rowKey ?? ((item: T) => (item as { readonly id: string }).id);
  const classes = [props.plain ? 'methods' : 'methods data-table', props.class].filter(Boolean).join(' ');
  return (
    <table class={classes} aria-label={props.label} aria-labelledby={props.labelledBy}>
      <thead>
        <tr>
          {props.columns.map((column) => (
            <th key={column.label} scope="col">
              {column.header ?? column.label}
            </th>
          ))}
          {actions ? (
            <th scope="col">
              <span class="visually-hidden">{t('common.table.actions')}</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {props.items.map((item) => (
          <tr key={key(item)}>
            {props.columns.map((column) => (
              <td key={column.label} class={column.class}>
                <CellLabel>{column.label}</CellLabel>
                {column.cell(item)}
              </td>
            ))}
            {actions ? <td class="row-actions">{actions(item)}</td> : null}
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
