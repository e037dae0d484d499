import type { ComponentChildren } from 'preact';
import { FormError } from '../shared/components/field.js';
import { adminMessage } from './admin-messages.js';
import { Loading, LoadMore } from './components.js';
import type { Paged } from './use-paged.js';

/**
 * What a log shows under its filters: why it could not be read, "Loading…", "No events" (or "None match"),
 * or its table with "Load more".
 */
export function PagedResults<T>(props: {
  readonly page: Paged<T>;
  readonly errorId: string;
  readonly loading: string;
  readonly empty: string;
  /** Shown as loading while true (a filter still being resolved). */
  readonly waiting?: boolean;
  readonly children: (items: readonly T[]) => ComponentChildren;
}) {
  const { page } = props;
  return (
    <>
      <FormError id={props.errorId} message={page.problem ? adminMessage(page.problem) : undefined} />
      {page.items === undefined || props.waiting ? (
        page.problem ? null : (
          <Loading>{props.loading}</Loading>
        )
      ) : page.items.length === 0 ? (
        <p class="empty">{props.empty}</p>
      ) : (
        <>
          {props.children(page.items)}
          <LoadMore nextCursor={page.nextCursor} busy={page.busy} onMore={page.loadMore} />
        </>
      )}
    </>
  );
}
